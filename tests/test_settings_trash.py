"""The trash, versions and quota settings: documented defaults, and negative values refused."""

import pytest

from tests.live import manage
from tests.test_settings import clean_env

PRINT = (
    "from django.conf import settings as s; "
    "print(s.TRASH_DAYS, s.KEEP_VERSIONS, s.VERSION_DAYS, s.DEFAULT_QUOTA_BYTES, "
    "s.MASS_DELETE_COUNT, s.MASS_DELETE_MINUTES, s.MASS_DELETE_DIGEST_SECONDS, s.SITE_URL)"
)


def test_the_defaults_are_the_documented_ones(tmp_path):
    result = manage(clean_env(tmp_path), "shell", "-c", PRINT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "30",
        "10",
        "90",
        str(1024**3),
        "20",
        "10",
        "60",
        "http://localhost:8000",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "SKYLOCKER_TRASH_DAYS",
        "SKYLOCKER_KEEP_VERSIONS",
        "SKYLOCKER_VERSION_DAYS",
        "SKYLOCKER_DEFAULT_QUOTA_BYTES",
    ],
)
def test_a_negative_value_is_refused_at_start(tmp_path, name):
    result = manage(clean_env(tmp_path, **{name: "-1"}), "check", check=False)
    assert result.returncode != 0
    assert f"{name} must be 0 or more." in result.stderr
