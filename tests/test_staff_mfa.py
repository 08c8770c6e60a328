"""SKYLOCKER_REQUIRE_MFA_FOR_STAFF: a staff member without a second factor is sent to set one
up and can use nothing else, pages, admin or API, until they have; other users are not
affected, nor staff when it is not required."""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.conftest import PASSWORD, bearer_client

SETUP = "/accounts/2fa/totp/activate/"


def log_in(username):
    browser = Client()
    answer = browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert answer.status_code == 302
    return browser


@pytest.fixture
def required(settings, db):
    cache.clear()
    settings.REQUIRE_MFA_FOR_STAFF = True


def test_staff_without_a_second_factor_can_only_set_one_up(required, admin, alice):
    browser = log_in("admin")
    for path in (reverse("files"), reverse("all-files"), "/admin/", reverse("account")):
        answer = browser.get(path)
        assert (answer.status_code, answer.get("Location")) == (302, SETUP), path
    api = browser.get("/api/v1/me")
    assert api.status_code == 403 and "two-factor" in api.json()["detail"]

    # Setting it up is allowed: the password again, then a code from the app.
    page = browser.get(SETUP)
    assert page.url.startswith(reverse("account_reauthenticate"))
    assert browser.post(page.url, {"password": PASSWORD}).status_code == 302
    page = browser.get(SETUP)
    secret = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content)[1]
    assert browser.post(SETUP, {"code": pyotp.TOTP(secret.decode()).now()}).status_code == 302
    assert Authenticator.objects.filter(user=admin, type="totp").exists()

    assert browser.get(reverse("all-files")).status_code == 200
    assert browser.get("/admin/").status_code == 200
    # Users who are not staff were never held up.
    assert log_in("alice").get(reverse("files")).status_code == 200


def test_staff_without_a_second_factor_get_no_api_token_and_old_ones_stop(required, admin):
    old = bearer_client(admin)
    refused = old.get("/api/v1/me")
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]

    asked = APIClient().post(
        "/api/v1/auth/token", {"username": "admin", "password": PASSWORD}, format="json"
    )
    assert asked.status_code == 403 and "two-factor" in asked.json()["detail"]
    assert ApiToken.objects.filter(user=admin).count() == 1  # only the old one


def test_staff_are_not_held_up_when_it_is_not_required(settings, admin):
    settings.REQUIRE_MFA_FOR_STAFF = False
    assert log_in("admin").get(reverse("all-files")).status_code == 200
    assert bearer_client(admin).get("/api/v1/me").status_code == 200
