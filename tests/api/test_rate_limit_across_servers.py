"""The auth rate limit counts every request from an address, whichever server answers it.

Two web server processes on one database stand for two instances behind the load balancer (or
two workers of one): the counters live in the database cache, so they add up.
"""

import os

import httpx

from tests.live import manage, serving

REGISTER = "/api/v1/auth/register"


def test_requests_to_two_servers_share_one_rate_limit(tmp_path):
    env = {
        **os.environ,
        "SKYLOCKER_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "rate-limit-" + "r" * 40,
        "SKYLOCKER_AUTH_RATE": "4/minute",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v", "0")
    with serving(env) as first, serving(env) as second:
        statuses = [httpx.post(f"{first}{REGISTER}", json={}).status_code for _ in range(4)]
        refused = httpx.post(f"{second}{REGISTER}", json={})
    assert statuses == [400] * 4
    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]
