"""API tests start with no rate-limit counters spent (their clients: tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def no_rate_limit_spent(fresh_throttle):
    return fresh_throttle
