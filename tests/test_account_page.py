"""The Account page lists signed-in browsers and API tokens (when, from where), each with a way
to end it, and signs out everywhere."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import UserSession
from api.models import ApiToken
from tests.conftest import PASSWORD


def browser_from(ip, agent, username="alice"):
    browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    assert (
        browser.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return browser


def token_from(ip, username="alice"):
    response = APIClient().post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR=ip,
    )
    return response.json()["token"]


def test_the_header_links_to_the_account_page(alice_client):
    page = alice_client.get(reverse("files"))
    assert f'href="{reverse("account")}"'.encode() in page.content


def test_the_account_page_lists_browsers_and_tokens_with_where_from(alice, bob):
    laptop = browser_from("203.0.113.1", "Firefox on a laptop")
    browser_from("198.51.100.2", "Chromium on a phone")
    browser_from("192.0.2.3", "Bob's browser", username="bob")
    token_from("192.0.2.77")

    page = laptop.get(reverse("account")).content.decode()

    assert "Firefox on a laptop" in page and "203.0.113.1" in page
    assert "Chromium on a phone" in page and "198.51.100.2" in page
    assert "(this browser)" in page
    assert "192.0.2.77" in page  # the token's
    assert "Bob's browser" not in page and "192.0.2.3" not in page


def test_a_browser_is_signed_out_from_another(alice):
    laptop = browser_from("203.0.113.1", "Firefox")
    phone = browser_from("198.51.100.2", "Chromium")
    phone_row = UserSession.objects.get(user_agent="Chromium")

    response = laptop.post(reverse("end-session", args=[phone_row.pk]))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    assert phone.get(reverse("files")).status_code == 302
    assert laptop.get(reverse("files")).status_code == 200


def test_nobody_ends_another_users_session_or_token(alice, bob):
    bob_browser = browser_from("192.0.2.3", "Bob's", username="bob")
    token_from("192.0.2.3", username="bob")
    laptop = browser_from("203.0.113.1", "Firefox")
    bob_session = UserSession.objects.get(user=bob)
    bob_token = ApiToken.objects.get(user=bob)

    assert laptop.post(reverse("end-session", args=[bob_session.pk])).status_code == 404
    assert laptop.post(reverse("revoke-token", args=[bob_token.pk])).status_code == 404
    assert UserSession.objects.filter(pk=bob_session.pk).exists()
    assert ApiToken.objects.filter(pk=bob_token.pk).exists()
    assert bob_browser.get(reverse("files")).status_code == 200


def test_a_token_is_revoked_from_the_account_page(alice):
    laptop = browser_from("203.0.113.1", "Firefox")
    raw = token_from("192.0.2.77")

    laptop.post(reverse("revoke-token", args=[ApiToken.objects.get().pk]))

    assert not ApiToken.objects.exists()
    assert APIClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_sign_out_everywhere_ends_every_session_and_token(alice, bob):
    laptop = browser_from("203.0.113.1", "Firefox")
    phone = browser_from("198.51.100.2", "Chromium")
    bob_browser = browser_from("192.0.2.3", "Bob's", username="bob")
    raw = token_from("192.0.2.77")

    response = laptop.post(reverse("sign-out-everywhere"))

    assert response.status_code == 302
    assert laptop.get(reverse("files")).status_code == 302
    assert phone.get(reverse("files")).status_code == 302
    assert APIClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert not UserSession.objects.filter(user=alice).exists()
    assert not ApiToken.objects.filter(user=alice).exists()
    assert bob_browser.get(reverse("files")).status_code == 200


def test_the_account_page_and_its_actions_need_a_log_in(client, alice):
    assert client.get(reverse("account")).status_code == 302
    assert client.post(reverse("sign-out-everywhere")).status_code == 302
    assert client.get(reverse("sign-out-everywhere")).status_code in {302, 405}
