"""API fixtures: DRF test clients holding real bearer tokens for alice, bob and the admin."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.models import ApiToken


@pytest.fixture(autouse=True)
def fresh_throttle(db):
    """Rate-limit counters live in the (database) cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


def bearer_client(user) -> APIClient:
    _, raw = ApiToken.issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raw_token = raw
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def alice_api(alice):
    return bearer_client(alice)


@pytest.fixture
def bob_api(bob):
    return bearer_client(bob)


@pytest.fixture
def admin_api(admin):
    return bearer_client(admin)
