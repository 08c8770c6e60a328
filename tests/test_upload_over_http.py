"""Uploads through the web server, as `make run` serves them, over real HTTP.

Django reads no more of a body than its Content-Length says (a chunked body without one reads
as empty), so a lie can only be inside the body: a part that declares a small length and
carries more. The upload handler's own count is what stops it.
"""

import os
import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.live import manage, serving

LIMIT = 1000
BOUNDARY = "skylocker-boundary"
SEED = f"""
from django.contrib.auth.models import User
User.objects.create_user("alice", "alice@example.com", "{PASSWORD}", first_name="Alice")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("http") / "data"
    env = {
        **os.environ,
        "SKYLOCKER_DATA_DIR": str(data),
        "SECRET_KEY": "http-upload-" + "q" * 40,
        "SKYLOCKER_MAX_UPLOAD_BYTES": str(LIMIT),
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v", "0")
    manage(env, "shell", "-v", "0", "-c", SEED)
    with serving(env) as url:
        yield url, data


@pytest.fixture(scope="module")
def alice_http(server):
    url, data = server
    with httpx.Client(base_url=url, timeout=10) as browser:
        browser.get("/accounts/login/")
        response = browser.post(
            "/accounts/login/",
            data={
                "username": "alice",
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
        )
        assert response.status_code == 302
        yield browser, data


def http_upload(browser, content: bytes, part_headers: str = ""):
    token = browser.cookies["csrftoken"]
    body = (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            f"Content-Type: application/octet-stream\r\n{part_headers}\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )

    return browser.post(
        "/files/upload/",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


def stored(data: Path) -> list[Path]:
    return sorted(p for p in (data / "files").rglob("*") if p.is_file())


def leftovers(data: Path) -> list[Path]:
    return list((data / "tmp").iterdir())


def test_an_upload_of_exactly_the_limit_is_stored(alice_http):
    browser, data = alice_http
    before = stored(data)
    response = http_upload(browser, b"k" * LIMIT)
    assert response.status_code == 302
    assert response.headers["location"] == "/files/"
    new = sorted(set(stored(data)) - set(before))
    assert len(new) == 1
    assert new[0].read_bytes() == b"k" * LIMIT
    assert leftovers(data) == []


@pytest.mark.parametrize("part_headers", ["", "Content-Length: 10\r\n"])
def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(alice_http, part_headers):
    browser, data = alice_http
    before = stored(data)
    response = http_upload(browser, b"k" * (LIMIT * 50), part_headers)
    assert response.status_code == 413
    assert re.search(r"larger than the .* limit \(1,000 bytes\)", response.text)
    assert stored(data) == before
    assert leftovers(data) == []
