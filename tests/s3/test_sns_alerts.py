"""Delete alerts on the SNS channel: the same outbox, the same content as the email, retried."""

import pytest
from django.utils import timezone

from locker.alerts import deliver_due, render
from locker.models import AlertDelivery, DeletionAlert, StoredFile
from tests.conftest import upload_file
from tests.live import free_port
from tests.moto import Topic, unique


@pytest.fixture(autouse=True)
def delete_at_once(settings):
    """The alert of a delete that removes the content (SKYLOCKER_TRASH_DAYS=0); the trash's
    own alert is covered in tests/test_trash.py."""
    settings.TRASH_DAYS = 0


@pytest.fixture
def topic(moto_url, settings):
    topic = Topic(moto_url, unique("skylocker-alerts"))
    settings.SNS_TOPIC_ARN = topic.arn
    settings.ALERT_CHANNELS = ["sns"]
    return topic


def test_a_deletion_is_published_to_the_topic_with_the_emails_subject_and_text(
    topic, alice, alice_file
):
    alice_file.delete_by(alice)
    alert = DeletionAlert.objects.get()

    assert deliver_due() == (1, 0)

    [message] = topic.messages(expect=1)
    subject, body, _ = render(alert)
    assert message["Subject"] == subject == "[Skylocker] alice.txt was deleted by alice"
    assert message["Message"] == body
    assert "alice.txt" in body
    delivery = AlertDelivery.objects.get(alert=alert, channel="sns")
    assert delivery.delivered_at is not None
    assert delivery.attempts == 1


def test_a_file_name_sns_would_refuse_in_a_subject_still_goes_out(topic, alice):
    stored = StoredFile.create_from_upload(alice, upload_file("résumé\u202e.txt", b"cv"))
    stored.delete_by(alice)

    assert deliver_due() == (1, 0)

    [message] = topic.messages(expect=1)
    assert message["Subject"].isascii()
    assert message["Subject"].startswith("[Skylocker] r?sum?")
    assert "résumé" in message["Message"]


def test_with_sns_unreachable_the_alert_waits_and_goes_out_when_it_is_back(
    topic, alice, alice_file, monkeypatch, moto_url
):
    alice_file.delete_by(alice)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", f"http://127.0.0.1:{free_port()}")

    assert deliver_due() == (0, 1)

    delivery = AlertDelivery.objects.get(channel="sns")
    assert delivery.delivered_at is None
    assert delivery.attempts == 1
    assert "EndpointConnectionError" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert deliver_due() == (0, 0)  # not due yet: backoff

    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", moto_url)
    AlertDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_due() == (1, 0)

    delivery.refresh_from_db()
    assert delivery.delivered_at is not None
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    assert [m["Subject"] for m in topic.messages(expect=1)] == [
        "[Skylocker] alice.txt was deleted by alice"
    ]
