"""Mail server or SNS down while files are deleted: every delete succeeds at once, every alert
goes out once its channel is back, and none is sent twice (real SMTP server, real moto SNS)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from locker.alerts import deliver_due
from locker.models import AlertDelivery, DeletionAlert, StoredFile
from tests.conftest import upload_file
from tests.live import free_port
from tests.moto import Topic, unique


def make_due():
    """As if every backoff had elapsed."""
    AlertDelivery.objects.pending().update(next_attempt_at=timezone.now())


def delete_through_the_page(client, user, count):
    files = [StoredFile.create_from_upload(user, upload_file(f"f{i}.txt", b"x" * (i + 1)))
             for i in range(count)]
    for stored in files:
        assert client.post(reverse("delete", args=[stored.pk])).status_code == 302
    return files


def test_deletes_while_the_mail_server_is_down_succeed_and_each_alert_is_mailed_once(
    alice_client, alice, admin, smtp_port, start_smtp, stored_objects,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        files = delete_through_the_page(alice_client, alice, 3)

    assert StoredFile.objects.count() == 0
    assert len(stored_objects()) == 3  # in the trash
    assert deliver_due() == (0, 3)
    assert all("ConnectionRefusedError" in d.last_error for d in AlertDelivery.objects.all())

    inbox = start_smtp()
    make_due()
    assert deliver_due() == (3, 0)
    make_due()
    assert deliver_due() == (0, 0)  # delivered ones are never picked up again

    messages = inbox.wait_for(3)
    assert len(messages) == 3
    sent_for = sorted(message["X-Skylocker-Alert"] for _, message in messages)
    assert sent_for == sorted(str(a.pk) for a in DeletionAlert.objects.all())
    assert sorted(a.file_id for a in DeletionAlert.objects.all()) == sorted(f.pk for f in files)


@pytest.mark.s3
def test_with_sns_down_email_goes_out_alone_and_sns_follows_without_a_second_email(
    alice_client, alice, admin, smtp, moto_url, settings, monkeypatch,  # noqa: F811
):
    topic = Topic(moto_url, unique("skylocker-faults"))
    settings.SNS_TOPIC_ARN = topic.arn
    settings.ALERT_CHANNELS = ["email", "sns"]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", f"http://127.0.0.1:{free_port()}")  # nobody there

    delete_through_the_page(alice_client, alice, 2)

    assert deliver_due() == (2, 2)
    assert len(smtp.wait_for(2)) == 2
    assert AlertDelivery.objects.pending().filter(channel="sns").count() == 2

    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", moto_url)
    make_due()
    assert deliver_due() == (2, 0)

    assert len(topic.messages(expect=2)) == 2
    assert len(smtp.messages) == 2  # the email channel was not sent again
    assert AlertDelivery.objects.pending().count() == 0
