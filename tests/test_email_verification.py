"""Email verification (SKYLOCKER_EMAIL_VERIFICATION) and email change, with real mail (an
aiosmtpd server, the mail sent by the worker from the outbox).

With mandatory verification nobody signs in before following the mailed link, and a sign-up
with a taken email answers exactly like a new one while the address's owner gets a mail.
An email change takes effect only once the new address is verified, and is audited."""


import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from audit.models import AuditEvent
from tests.conftest import NEW_USER_PASSWORD as PASSWORD
from tests.conftest import PASSWORD as ALICE_PASSWORD
from tests.conftest import link_in, mailed, sign_up

User = get_user_model()


@pytest.fixture
def mandatory(settings, db):
    cache.clear()
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def test_with_mandatory_verification_a_new_user_signs_in_only_after_the_mailed_link(
    mandatory, smtp
):
    browser = Client()
    answer = sign_up(browser, "carol", "carol@example.com")
    assert answer.status_code == 302 and answer.url == reverse("account_email_verification_sent")
    assert browser.get(reverse("files")).status_code == 302  # not signed in
    carol = User.objects.get(username="carol")
    assert not EmailAddress.objects.get(user=carol).verified

    held = Client().post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert held.url == reverse("account_email_verification_sent")
    refused = APIClient().post(
        "/api/v1/auth/token", {"username": "carol", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 403 and "verify" in refused.json()["detail"]
    assert not ApiToken.objects.filter(user=carol).exists()

    # One mail: the held log-in does not send another so soon (allauth's resend cooldown).
    ((to, first),) = mailed(smtp, 1)
    assert to == ["carol@example.com"]
    confirm = link_in(first)
    assert Client().post(confirm).status_code == 302
    assert EmailAddress.objects.get(user=carol).verified
    signed_in = Client()
    answer = signed_in.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert answer.url == reverse("files")
    assert signed_in.get(reverse("files")).status_code == 200


def test_with_mandatory_verification_a_taken_email_answers_like_a_new_one(
    mandatory, alice, smtp
):
    new_browser, taken_browser = Client(), Client()
    new = sign_up(new_browser, "carol", "carol@example.com")
    taken = sign_up(taken_browser, "mallory", "ALICE@example.com")

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert not User.objects.filter(username="mallory").exists()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    # The page each is sent to, with whatever messages it carries, is the same too.
    # (Each browser's own CSRF token, in the header's theme switch, is the only difference.)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    pages = [token.sub(b"", b.get(answer["Location"]).content)
             for b, answer in ((new_browser, new), (taken_browser, taken))]
    assert pages[0] == pages[1] and b"verif" in pages[0].lower()

    mails = {tuple(a.lower() for a in to): message for to, message in mailed(smtp, 2)}
    assert set(mails) == {("carol@example.com",), ("alice@example.com",)}
    told = mails[("alice@example.com",)].get_body(("plain",)).get_content()
    assert "already" in told and "/accounts/password/reset/" in told


def test_with_mandatory_verification_the_api_register_answers_alike_too(mandatory, alice, smtp):
    def register(username, email):
        body = {
            "username": username, "email": email, "first_name": "C", "last_name": "C",
            "password": PASSWORD,
        }
        return APIClient().post("/api/v1/auth/register", body, format="json")

    new, taken = register("carol", "carol@example.com"), register("mallory", "alice@example.com")
    assert (new.status_code, new.json()) == (taken.status_code, taken.json())
    assert new.status_code == 202
    assert User.objects.filter(username="carol").exists()
    assert not User.objects.filter(username="mallory").exists()
    assert sorted(to for to, _ in mailed(smtp, 2)) == [["alice@example.com"], ["carol@example.com"]]


def test_with_optional_verification_a_taken_email_is_refused_openly(settings, alice):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    answer = sign_up(Client(), "mallory", "alice@example.com")
    assert answer.status_code == 400
    assert b"An account with this email already exists." in answer.content


def test_an_email_change_takes_effect_once_the_new_address_is_verified(client, alice, smtp):
    cache.clear()
    client.force_login(alice)
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    page = client.get(reverse("account_email"))
    assert page.status_code == 200 and b"Change your email" in page.content
    asked = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice@new.example.com"}
    )
    # The password again first (a borrowed session cannot move the account elsewhere).
    assert asked.status_code == 302 and asked.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="alice@new.example.com").exists()
    answer = client.post(asked.url, {"password": ALICE_PASSWORD}, follow=True)
    assert answer.status_code == 200
    assert EmailAddress.objects.filter(email="alice@new.example.com", verified=False).exists()
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"  # not before it is verified
    assert not AuditEvent.objects.filter(action="account.email_changed").exists()

    ((to, message),) = mailed(smtp, 1)
    assert to == ["alice@new.example.com"]
    assert client.post(link_in(message)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@new.example.com"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", flat=True)) == [
        "alice@new.example.com"
    ]
    event = AuditEvent.objects.get(action="account.email_changed")
    assert (event.actor, event.detail["old_email"], event.detail["new_email"]) == (
        alice, "alice@example.com", "alice@new.example.com",
    )
