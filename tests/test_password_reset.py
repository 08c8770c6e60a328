"""A forgotten password is reset from an emailed link (a real SMTP server, the mail sent by the
worker from the outbox); the answer is the same whether or not the address has an account; the
reset revokes every token and session."""

import re

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import outbox
from accounts.models import OutgoingMail, UserSession
from api.models import ApiToken
from tests.conftest import PASSWORD

NEW = "a-brand-new-passphrase-77"


def ask(client, email, ip="203.0.113.9"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.get_body(("plain",)).get_content())[1]


def test_a_user_resets_a_forgotten_password_from_the_emailed_link(client, alice, smtp):
    cache.clear()
    _, raw = ApiToken.issue(alice)
    browser = Client()
    browser.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    response = ask(client, "ALICE@example.com")
    assert response.status_code == 302
    assert OutgoingMail.objects.get().to == "alice@example.com"  # kept until sent
    assert outbox.deliver_due() == (1, 0)
    ((recipients, message),) = smtp.wait_for(1)
    assert recipients == ["alice@example.com"]
    assert message["Subject"] == "[Skylocker] Choose a new password"

    form = client.get(reset_link(message), follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302

    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert not ApiToken.objects.filter(user=alice).exists()
    auth = APIClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert auth.status_code == 401
    assert browser.get(reverse("files")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()
    # The link works once.
    assert b"no longer works" in client.get(reset_link(message), follow=True).content


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice, smtp):
    cache.clear()
    known = ask(client, "alice@example.com")
    unknown = ask(Client(), "nobody@example.com")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    outbox.deliver_due()
    assert [to for to, _ in smtp.wait_for(2, timeout=2)] == [["alice@example.com"]]


def test_password_resets_are_limited_per_address(client, alice, smtp, settings):
    cache.clear()
    settings.ADDRESS_RATES = {**settings.ADDRESS_RATES, "password_reset": "2/hour"}
    answers = [ask(Client(), "alice@example.com").status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    outbox.deliver_due()
    assert len(smtp.wait_for(3, timeout=2)) == 2


def test_a_reset_asked_for_while_the_mail_server_is_down_arrives_once_it_is_back(
    client, alice, start_smtp
):
    cache.clear()
    assert ask(client, "alice@example.com").status_code == 302  # answered at once

    assert outbox.deliver_due() == (0, 1)
    kept = OutgoingMail.objects.get()
    assert kept.attempts == 1 and kept.delivered_at is None and "Connection" in kept.last_error

    inbox = start_smtp()
    OutgoingMail.objects.update(next_attempt_at=kept.created_at)  # its retry is due
    assert outbox.deliver_due() == (1, 0)
    ((recipients, message),) = inbox.wait_for(1)
    assert recipients == ["alice@example.com"]
    assert reset_link(message).startswith("/accounts/password/reset/")
    sent = OutgoingMail.objects.get()
    assert sent.delivered_at is not None and sent.body == ""  # the link is not kept once sent
