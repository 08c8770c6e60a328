"""The accounts journey over HTTP: a new user signs up, verifies their email from a real mail
(aiosmtpd, sent by the worker from the outbox), turns on two-factor sign-in (TOTP codes made
with pyotp, as an authenticator app makes them), signs in with it on the page and for an API
token, resets a forgotten password from the mailed link (old tokens then answer 401), and
signs another browser out."""

import re
import time

import pyotp
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import OutgoingMail, UserSession
from api.models import ApiToken
from audit.models import AuditEvent
from tests.conftest import NEW_USER_PASSWORD as PASSWORD
from tests.conftest import link_in, mailed, sign_up

User = get_user_model()
NEW_PASSWORD = "a-brand-new-passphrase-77"


def later_code(secret: str) -> str:
    """The authenticator's next code: the current one may have been spent a moment ago (a code
    works once), and the site accepts one step of clock drift."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def turn_on_totp(client, password=PASSWORD) -> str:
    """Through allauth's pages: the password again, then the secret shown beside the QR code,
    and a code made from it."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate"))
    again = client.post(page.url, {"password": password})
    assert again.status_code == 302 and again.url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page.status_code
    secret = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content)[1]
    secret = secret.decode()
    done = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302, done.content
    return secret


def test_a_new_user_verifies_their_email_from_the_mail_and_turns_on_totp(client, db, smtp):
    cache.clear()
    response = sign_up(client)
    assert response.status_code == 302 and response.url == reverse("files")  # optional: in
    carol = User.objects.get(username="carol")
    address = EmailAddress.objects.get(user=carol)
    assert (address.email, address.primary, address.verified) == ("carol@example.com", True, False)
    assert OutgoingMail.objects.filter(to="carol@example.com", delivered_at=None).count() == 1

    ((recipients, message),) = mailed(smtp, 1)
    assert recipients == ["carol@example.com"]
    assert message["Subject"].startswith("Skylocker: ")
    confirm = link_in(message)
    assert confirm.startswith("/accounts/confirm-email/")
    page = client.get(confirm)
    assert page.status_code == 200 and b"carol@example.com" in page.content
    assert client.post(confirm).status_code == 302
    address.refresh_from_db()
    assert address.verified
    account = client.get(reverse("account")).content.decode()
    assert "carol@example.com (verified)" in account and "Set up two-factor sign-in" in account

    secret = turn_on_totp(client)
    assert Authenticator.objects.filter(user=carol, type="totp").exists()
    assert Authenticator.objects.filter(user=carol, type="recovery_codes").exists()
    enabled = AuditEvent.objects.get(action="account.mfa_enabled")
    assert (enabled.actor, enabled.detail["method"]) == (carol, "totp")
    assert "authenticator app" in client.get(reverse("account")).content.decode()

    # Signing in now takes the password, then a code.
    browser = Client()
    step = browser.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert step.status_code == 302 and step.url == reverse("mfa_authenticate")
    assert browser.get(reverse("files")).status_code == 302  # not signed in yet
    wrong = browser.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and b"Incorrect code" in wrong.content
    signed_in = browser.post(reverse("mfa_authenticate"), {"code": later_code(secret)})
    assert signed_in.status_code == 302 and signed_in.url == reverse("files")
    assert browser.get(reverse("files")).status_code == 200
    assert UserSession.objects.filter(
        user=carol, session_key=browser.session.session_key
    ).exists()


def test_an_api_token_is_minted_only_after_the_second_factor(client, alice, settings):
    cache.clear()
    client.force_login(alice)
    secret = turn_on_totp(client, "a-long-test-passphrase-42")
    api = APIClient()
    credentials = {"username": "alice", "password": "a-long-test-passphrase-42"}

    asked = api.post("/api/v1/auth/token", credentials, format="json")
    assert asked.status_code == 401 and asked.json()["otp_required"] is True
    wrong = api.post("/api/v1/auth/token", {**credentials, "otp": "123456"}, format="json")
    assert wrong.status_code == 401 and wrong.json()["otp_required"] is True
    assert not ApiToken.objects.filter(user=alice).exists()

    minted = api.post(
        "/api/v1/auth/token", {**credentials, "otp": later_code(secret)}, format="json"
    )
    assert minted.status_code == 200
    assert ApiToken.objects.filter(user=alice).count() == 1

    def unused_codes():
        codes = Authenticator.objects.get(user=alice, type="recovery_codes")
        return codes.wrap().get_unused_codes()

    recovery = unused_codes()[0]
    by_recovery = api.post("/api/v1/auth/token", {**credentials, "otp": recovery}, format="json")
    assert by_recovery.status_code == 200
    assert recovery not in unused_codes()  # spent
    again = api.post("/api/v1/auth/token", {**credentials, "otp": recovery}, format="json")
    assert again.status_code == 401
    assert ApiToken.objects.filter(user=alice).count() == 2


def test_a_forgotten_password_reset_from_the_mail_revokes_old_tokens(client, alice, smtp):
    cache.clear()
    _, raw = ApiToken.issue(alice)
    assert client.post(reverse("password_reset"), {"email": "alice@example.com"}).status_code == 302
    ((_, message),) = mailed(smtp, 1)
    form = client.get(link_in(message), follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert APIClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_user_signs_another_browser_out(alice):
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        answer = browser.post(
            reverse("login"), {"username": "alice", "password": "a-long-test-passphrase-42"}
        )
        assert answer.status_code == 302
    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(reverse("end-session", args=[phone_row.pk])).status_code == 302
    assert phone.get(reverse("files")).status_code == 302  # back to the log-in page
    assert laptop.get(reverse("files")).status_code == 200
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
