"""Every test here runs with S3 storage on a real HTTP endpoint: a session-wide moto server
(the fixtures are in tests/conftest.py)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark every test in this folder `s3` (`-m s3` runs them alone, `-m "not s3"` skips them)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.s3)


@pytest.fixture(autouse=True)
def on_s3(s3_storage):
    return s3_storage
