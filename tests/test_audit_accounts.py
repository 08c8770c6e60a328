"""Sign-ins (ok and failed), sign-outs, sign-ups, passwords, tokens and sessions are in the audit
log, at the door they came through, with the username tried and the address."""

import getpass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import UserSession
from api.models import ApiToken
from audit.models import AuditEvent
from tests.audit_rows import ADDRESS, CLI, events, one
from tests.conftest import PASSWORD, client_for

NEW = "a-brand-new-passphrase-77"
SIGNUP = {
    "first_name": "Carol", "last_name": "Danvers", "email": "carol@example.com",
    "username": "carol", "password1": PASSWORD, "password2": PASSWORD,
}


@pytest.fixture(autouse=True)
def no_limits_spent(db):
    cache.clear()


def test_a_sign_in_on_the_page_and_its_sign_out_are_recorded(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    assert events("account.login") == [("alice", "alice", "web", ADDRESS, "ok")]
    assert events("account.logout") == [("alice", "alice", "web", ADDRESS, "ok")]


def test_a_failed_sign_in_records_the_username_tried_and_the_address(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("login"), {"username": "mallory", "password": "x"}, REMOTE_ADDR=ADDRESS)
    assert events("account.login_failed") == [
        ("alice", "alice", "web", ADDRESS, "failed"),  # alice sees it in her activity
        ("mallory", None, "web", ADDRESS, "failed"),
    ]
    assert list(AuditEvent.objects.own(alice).values_list("action", flat=True)) == [
        "account.login_failed"
    ]


def test_an_address_locked_out_is_recorded_as_refused(client, alice, settings):
    settings.LOGIN_ADDRESS_LIMIT = 1
    for _ in range(2):
        client.post(reverse("login"), {"username": "alice", "password": "x"}, REMOTE_ADDR=ADDRESS)
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 429
    assert events("account.login_failed")[-1] == ("alice", None, "web", ADDRESS, "refused")
    assert events("account.login") == []


def test_a_sign_in_through_the_api_records_the_sign_in_and_the_token(alice):
    anon = APIClient()
    body = {"username": "alice", "password": PASSWORD}
    response = anon.post("/api/v1/auth/token", body, format="json", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert events("account.login") == [("alice", "alice", "api", ADDRESS, "ok")]
    assert events("token.created") == [("alice", "alice", "api", ADDRESS, "ok")]
    assert (one("token.created").object_type, one("token.created").object_id) == (
        "token", str(token.pk)
    )


def test_the_command_line_signs_in_fails_and_signs_out_at_the_cli_door(alice):
    cli = APIClient(HTTP_USER_AGENT=CLI, REMOTE_ADDR=ADDRESS)
    wrong = {"username": "alice", "password": "wrong"}
    assert cli.post("/api/v1/auth/token", wrong, format="json").status_code == 401
    right = {"username": "alice", "password": PASSWORD}
    raw = cli.post("/api/v1/auth/token", right, format="json").json()["token"]
    cli.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert cli.delete("/api/v1/auth/token").status_code == 204
    assert not ApiToken.objects.exists()
    assert events("account.login_failed") == [("alice", "alice", "cli", ADDRESS, "failed")]
    for action in ("account.login", "token.created", "account.logout", "token.revoked"):
        assert events(action) == [("alice", "alice", "cli", ADDRESS, "ok")]


def test_a_sign_up_on_the_page_and_through_the_api_is_recorded(client, db):
    client.post(reverse("signup"), SIGNUP, REMOTE_ADDR=ADDRESS)
    api = {"username": "dave", "email": "dave@example.com", "first_name": "Dave",
           "last_name": "Bowman", "password": PASSWORD}
    assert APIClient().post("/api/v1/auth/register", api, format="json").status_code == 201
    assert events("account.signup") == [
        ("carol", "carol", "web", ADDRESS, "ok"), ("dave", "dave", "api", "127.0.0.1", "ok")
    ]
    # Signed in straight away: that is a sign-in too.
    assert events("account.login") == [("carol", "carol", "web", ADDRESS, "ok")]


def test_a_password_change_on_the_page_is_recorded(client, alice):
    browser = client_for(client, alice)
    change = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    assert browser.post(reverse("password_change"), change, REMOTE_ADDR=ADDRESS).status_code == 302
    assert events("account.password_changed") == [("alice", "alice", "web", ADDRESS, "ok")]


def test_a_password_reset_from_the_emailed_link_is_recorded(client, alice):
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(alice)])
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW},
                REMOTE_ADDR=ADDRESS)
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert events("account.password_reset") == [("alice", "alice", "web", ADDRESS, "ok")]


def test_staff_setting_a_password_in_the_admin_is_recorded_as_staff_on_that_account(
    client, admin, alice
):
    staff = client_for(client, admin)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = staff.post(url, {"password1": NEW, "password2": NEW}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    assert events("account.password_changed") == [("admin", "alice", "admin", ADDRESS, "ok")]
    assert one("account.password_changed").detail == {"staff": True}


def test_changing_a_password_with_manage_py_is_recorded_at_the_server_console(alice, monkeypatch):
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW)
    call_command("changepassword", "alice")
    assert events("account.password_changed") == [(None, "alice", "console", None, "ok")]


def test_revoking_a_token_and_ending_a_session_on_the_account_page_are_recorded(
    client, alice
):
    token, _ = ApiToken.issue(alice)
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    # Another browser of alice's, signed in from elsewhere.
    row = UserSession.objects.create(user=alice, session_key="x" * 32, address="192.0.2.1")
    client.post(reverse("revoke-token", args=[token.pk]), REMOTE_ADDR=ADDRESS)
    client.post(reverse("end-session", args=[row.pk]), REMOTE_ADDR=ADDRESS)
    assert not ApiToken.objects.exists()
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert events("token.revoked") == [("alice", "alice", "web", ADDRESS, "ok")]
    assert events("session.revoked") == [("alice", "alice", "web", ADDRESS, "ok")]
    assert one("session.revoked").detail == {"session_address": "192.0.2.1"}


def test_signing_out_everywhere_is_recorded_before_the_sign_out(client, alice):
    ApiToken.issue(alice)
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("sign-out-everywhere"), REMOTE_ADDR=ADDRESS)
    assert not ApiToken.objects.exists()
    assert events("session.revoked") == [("alice", "alice", "web", ADDRESS, "ok")]
    assert one("session.revoked").detail == {"everywhere": True}
    assert events("account.logout") == [("alice", "alice", "web", ADDRESS, "ok")]


def test_a_locked_out_pair_trying_the_right_password_is_recorded_as_refused(
    client, alice, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "x"}, REMOTE_ADDR=ADDRESS)
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 429
    assert events("account.login") == []
    assert events("account.login_failed")[-1] == ("alice", "alice", "web", ADDRESS, "refused")
