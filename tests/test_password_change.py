"""Changing a password (on the Account page, or by an admin) ends every other browser session
and revokes every API token; the browser that changed it stays signed in."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import UserSession
from api.models import ApiToken
from tests.conftest import PASSWORD

NEW = "a-brand-new-passphrase-77"


def logged_in_browser(ip, agent="Firefox"):
    browser = Client(HTTP_USER_AGENT=agent)
    response = browser.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302
    return browser


def api_token(username="alice", password=PASSWORD):
    response = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": password}, format="json"
    )
    return response.json()["token"]


def me(raw):
    return APIClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_password_change_revokes_tokens_and_signs_out_other_browsers(alice):
    here = logged_in_browser("203.0.113.1", "Firefox")
    elsewhere = logged_in_browser("198.51.100.2", "Chromium")
    raw = api_token()
    assert me(raw) == 200

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert me(raw) == 401
    assert not ApiToken.objects.filter(user=alice).exists()
    assert elsewhere.get(reverse("files")).status_code == 302  # to the log-in page
    assert here.get(reverse("files")).status_code == 200
    (kept,) = UserSession.objects.filter(user=alice)
    assert kept.session_key == here.session.session_key
    assert Session.objects.filter(session_key=kept.session_key).exists()
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_a_wrong_old_password_changes_nothing(alice):
    here = logged_in_browser("203.0.113.1")
    raw = api_token()
    response = here.post(
        reverse("password_change"),
        {"old_password": "not-it-at-all", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert me(raw) == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_an_admin_setting_a_password_revokes_that_users_tokens_and_sessions(client, admin, alice):
    browser = logged_in_browser("203.0.113.1")
    raw = api_token()
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": NEW, "password2": NEW},
    )

    assert response.status_code == 302
    assert me(raw) == 401
    assert browser.get(reverse("files")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()
