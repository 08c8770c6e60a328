"""The owner of a file request hears of new files by email, batched: the worker sends one
message per request for the files waiting, then none for that request for a few minutes;
a failed send is kept and retried (a real SMTP server, aiosmtpd)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sharing import notify
from sharing.models import FileRequest, ReceivedFile
from tests.conftest import upload_file


def ask(owner, **options):
    return FileRequest.create(owner, door="web", **options)[0]


@pytest.mark.django_db
def test_files_that_arrive_together_are_told_in_one_mail(alice, smtp):
    asked = ask(alice, message="Tax papers", max_files=5)
    asked.receive(upload_file("a.pdf", b"aaa"), name="Carol", note="the first")
    asked.receive(upload_file("b.pdf", b"bbbb"), name="Carol")

    sent = notify.deliver_due()

    assert sent == (1, 0)
    [(recipients, message)] = smtp.wait_for(1)
    assert recipients == ["alice@example.com"]
    assert "2 files received" in message["Subject"] and "Tax papers" in message["Subject"]
    text = message.get_content()
    for said in ("a.pdf", "b.pdf", "from Carol", "the first", "2 of 5 files"):
        assert said in text
    assert not ReceivedFile.objects.pending().exists()
    assert FileRequest.objects.get().notified_at is not None


@pytest.mark.django_db
def test_files_arriving_soon_after_a_mail_wait_for_the_next_one(alice, smtp, settings):
    settings.REQUEST_MAIL_MINUTES = 5
    asked = ask(alice)
    asked.receive(upload_file("one.txt", b"1"))
    notify.deliver_due()
    asked.receive(upload_file("two.txt", b"2"))

    too_soon = notify.deliver_due()
    FileRequest.objects.update(notified_at=timezone.now() - timedelta(minutes=6))
    later = notify.deliver_due()

    assert (too_soon, later) == ((0, 0), (1, 0))
    messages = smtp.wait_for(2)
    assert len(messages) == 2
    assert "two.txt" in messages[1][1].get_content()
    assert "one.txt" not in messages[1][1].get_content()


@pytest.mark.django_db
def test_a_mail_that_cannot_be_sent_is_kept_and_sent_once_the_server_is_up(
    alice, start_smtp
):
    asked = ask(alice)
    asked.receive(upload_file("kept.txt", b"k"))

    failed = notify.deliver_due()
    waiting = ReceivedFile.objects.get()
    ReceivedFile.objects.update(next_attempt_at=timezone.now())
    inbox = start_smtp()
    sent = notify.deliver_due()

    assert failed == (0, 1)
    assert (waiting.attempts, waiting.notified_at) == (1, None) and waiting.last_error
    assert sent == (1, 0)
    assert "kept.txt" in inbox.wait_for(1)[0][1].get_content()
