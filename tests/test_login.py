"""Login: safe redirects, CSRF, and a lockout keyed on the username and address together."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import PASSWORD, upload_file


def log_in(client, username, password, ip="203.0.113.7", **data):
    return client.post(
        reverse("login"), {"username": username, "password": password, **data}, REMOTE_ADDR=ip
    )


def test_a_user_logs_in_and_lands_on_their_files(client, alice):
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("files")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_is_refused_without_signing_in(client, alice):
    response = log_in(client, "alice", "not-the-passphrase")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_follows_a_local_next(client, alice):
    response = log_in(client, "alice", PASSWORD, next="/files/upload/")
    assert response.url == "/files/upload/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_refuses_to_redirect_off_site(client, alice, target):
    response = log_in(client, "alice", PASSWORD, next=target)
    assert response.status_code == 302
    assert response.url == reverse("files")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_logout_needs_a_post_and_ends_the_session(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, alice):
    for _ in range(5):
        log_in(client, "alice", "wrong-guess")
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_lock_out_other_users_behind_the_same_address(db, alice, bob):
    attacker = Client()
    for _ in range(6):
        log_in(attacker, "alice", "wrong-guess")
    neighbour = Client()
    response = log_in(neighbour, "bob", PASSWORD)
    assert response.status_code == 302
    assert neighbour.session["_auth_user_id"] == str(bob.pk)


def test_a_lockout_does_not_lock_the_user_out_from_another_address(db, alice):
    attacker = Client()
    for _ in range(6):
        log_in(attacker, "alice", "wrong-guess", ip="198.51.100.9")
    owner = Client()
    response = log_in(owner, "alice", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302


def test_staff_sign_in_to_the_admin_on_the_one_login_page(client, admin):
    to_login = client.get("/admin/")
    assert to_login.status_code == 302
    one_page = client.get(to_login.url)
    assert one_page.status_code == 302
    assert one_page.url == f"{reverse('login')}?next=/admin/"

    response = client.post(
        one_page.url, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_has_no_login_form_of_its_own_to_guess_passwords_at(client, admin):
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_who_is_not_staff_finds_no_admin(alice_client):
    assert alice_client.get(reverse("admin:login")).status_code == 404


def test_login_without_a_csrf_token_is_refused(db, alice):
    browser = Client(enforce_csrf_checks=True)
    response = log_in(browser, "alice", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_an_upload_without_a_csrf_token_is_refused_and_stores_nothing(db, alice, stored_objects):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(reverse("upload"), {"file": upload_file()})
    assert response.status_code == 403
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_a_delete_without_a_csrf_token_is_refused_and_keeps_the_file(
    db, alice, alice_file, stored_objects
):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(reverse("delete", args=[alice_file.pk]))
    assert response.status_code == 403
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()
    assert stored_objects() == [alice_file.file.name]


def test_a_form_with_its_csrf_token_is_accepted(db, alice, alice_file):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(reverse("delete", args=[alice_file.pk]))
    token = browser.cookies["csrftoken"].value
    response = browser.post(reverse("delete", args=[alice_file.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not StoredFile.objects.filter(pk=alice_file.pk).exists()


def test_signup_without_a_csrf_token_creates_nobody(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("signup"), {"username": "mallory"})
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="mallory").exists()


def log_in_forwarded(client, password, *, remote, forwarded):
    """A log-in as alice whose request carries an X-Forwarded-For header."""
    return client.post(
        reverse("login"),
        {"username": "alice", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_an_address_written_into_x_forwarded_for_does_not_dodge_the_lockout(db, alice):
    attacker = Client()
    for n in range(5):
        log_in_forwarded(attacker, "wrong-guess", remote="198.51.100.9", forwarded=f"192.0.2.{n}")
    response = log_in_forwarded(attacker, PASSWORD, remote="198.51.100.9", forwarded="192.0.2.200")
    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_behind_a_load_balancer_the_lockout_keys_on_the_address_it_appended(db, alice, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    balancer = "10.0.1.5"
    attacker = Client()
    for n in range(5):
        log_in_forwarded(
            attacker, "wrong-guess", remote=balancer, forwarded=f"192.0.2.{n}, 198.51.100.9"
        )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"
    locked = log_in_forwarded(
        attacker, PASSWORD, remote=balancer, forwarded="192.0.2.99, 198.51.100.9"
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    owner = Client()
    response = log_in_forwarded(owner, PASSWORD, remote=balancer, forwarded="203.0.113.50")
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(alice.pk)
