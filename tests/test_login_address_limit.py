"""One address trying a password on many usernames is stopped, on the log-in page and at the API
token endpoint alike; the username-and-address lockout stays as it was."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.conftest import PASSWORD, make_user

ATTACKER = "198.51.100.23"


@pytest.fixture
def many_users(db, settings):
    settings.LOGIN_ADDRESS_LIMIT = 10
    cache.clear()
    return [make_user(f"user{n}", first="U", last=str(n)) for n in range(12)]


def page_log_in(client, username, password, ip=ATTACKER):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def api_log_in(client, username, password, ip=ATTACKER):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_one_address_trying_many_usernames_on_the_page_is_stopped(many_users):
    attacker = Client()
    answers = [page_log_in(attacker, u.username, "Summer2026!").status_code for u in many_users]

    assert answers[:10] == [200] * 10  # the form again, "wrong username or password"
    assert answers[10:] == [429, 429]
    # Even the right password for a fresh username is refused from there now.
    assert page_log_in(attacker, "user11", PASSWORD).status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_one_address_trying_many_usernames_at_the_api_is_stopped(many_users):
    attacker = APIClient()
    answers = [api_log_in(attacker, u.username, "Summer2026!").status_code for u in many_users]

    assert answers[:10] == [401] * 10
    assert answers[10:] == [429, 429]
    refused = api_log_in(attacker, "user11", PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["detail"] == "Too many failed log-ins from your address. Try again later."
    assert not ApiToken.objects.exists()


def test_the_page_and_the_api_count_together(many_users):
    for user in many_users[:5]:
        page_log_in(Client(), user.username, "Summer2026!")
    for user in many_users[5:10]:
        api_log_in(APIClient(), user.username, "Summer2026!")
    assert page_log_in(Client(), "user11", PASSWORD).status_code == 429


def test_other_addresses_still_log_in(many_users):
    attacker = Client()
    for user in many_users:
        page_log_in(attacker, user.username, "Summer2026!")

    owner = Client()
    response = page_log_in(owner, "user3", PASSWORD, ip="203.0.113.44")
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(many_users[3].pk)
