"""WebDAV signs in with username and app password only, throttled like the log-in page."""

import base64

from django.test import Client

from dav.models import AppPassword
from tests.conftest import PASSWORD, DavClient


def basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def propfind(headers, address="203.0.113.9"):
    return Client().generic("PROPFIND", "/dav/", HTTP_DEPTH="0", REMOTE_ADDR=address, **headers)


def test_an_app_password_opens_the_users_tree_and_its_use_is_noted(alice):
    row, raw = AppPassword.issue(alice, "rclone", door="web")
    response = propfind(basic("alice", raw))
    assert response.status_code == 207
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert row.last_used_from == "203.0.113.9"


def test_no_credentials_get_a_basic_challenge(db):
    response = Client().generic("PROPFIND", "/dav/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="Skylocker WebDAV"')


def test_the_account_password_never_opens_webdav(alice):
    response = propfind(basic("alice", PASSWORD))
    assert response.status_code == 401


def test_a_revoked_app_password_no_longer_works(alice):
    row, raw = AppPassword.issue(alice, "old laptop", door="web")
    assert propfind(basic("alice", raw)).status_code == 207
    row.revoke(alice, door="web")
    assert propfind(basic("alice", raw)).status_code == 401


def test_an_app_password_works_with_its_own_username_only(alice, bob):
    _row, raw = AppPassword.issue(alice, "rclone", door="web")
    assert propfind(basic("bob", raw)).status_code == 401
    assert propfind(basic("Alice", raw)).status_code == 401


def test_an_inactive_users_app_password_does_not_work(alice):
    _row, raw = AppPassword.issue(alice, "rclone", door="web")
    alice.is_active = False
    alice.save()
    assert propfind(basic("alice", raw)).status_code == 401


def test_failures_lock_the_username_and_address_out_like_the_log_in_page(alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _row, raw = AppPassword.issue(alice, "rclone", door="web")
    for _ in range(2):
        assert propfind(basic("alice", "wrong-guess")).status_code == 401
    assert propfind(basic("alice", "wrong-guess")).status_code == 429  # the limit is reached
    locked = propfind(basic("alice", raw))
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    # Another address is not locked out by these failures.
    assert propfind(basic("alice", raw), address="198.51.100.4").status_code == 207


def test_one_address_trying_many_usernames_is_refused(alice, settings):
    settings.LOGIN_ADDRESS_LIMIT = 4
    _row, raw = AppPassword.issue(alice, "rclone", door="web")
    for name in ("carol", "dave", "erin", "frank"):
        assert propfind(basic(name, "guess")).status_code == 401
    assert propfind(basic("alice", raw)).status_code == 429


def test_the_dav_client_fixture_signs_in_with_an_app_password(alice_dav):
    assert isinstance(alice_dav, DavClient)
    assert alice_dav.request("PROPFIND", "/", HTTP_DEPTH="0").status_code == 207
