"""Delete alerts: recipients, content, and delivery through a real SMTP server with retries."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from locker import alerts
from locker.alerts import LEASE, admin_recipients, claim_due, deliver_due
from locker.models import AlertDelivery, DeletionAlert, StoredFile
from tests.conftest import make_user, upload_file


@pytest.fixture(autouse=True)
def delete_at_once(settings):
    """The alert of a delete that removes the content (SKYLOCKER_TRASH_DAYS=0); the trash's
    own alert is covered in tests/test_trash.py."""
    settings.TRASH_DAYS = 0

# The worker closes stale connections each round, as in production, which a test wrapped in
# a transaction would not survive on PostgreSQL and MariaDB: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker_once():
    call_command("run_worker", "--once")


def overdue(**filters):
    """Move pending deliveries' next attempt into the past, as if the backoff had elapsed."""
    past = timezone.now() - timedelta(seconds=1)
    AlertDelivery.objects.filter(**filters).update(next_attempt_at=past)


def test_recipients_are_the_configured_addresses_when_set(settings, admin):
    settings.ADMIN_EMAILS = ["ops@example.com", "security@example.com"]
    assert admin_recipients() == ["ops@example.com", "security@example.com"]


def test_recipients_default_to_active_superusers_with_an_email(settings, admin, alice):
    settings.ADMIN_EMAILS = []
    make_user("root2", first="Rita", last="Root", staff=True)
    quiet = make_user("root3", first="No", last="Mail", staff=True)
    quiet.email = ""
    quiet.save()
    gone = make_user("root4", first="Gone", last="Away", staff=True)
    gone.is_active = False
    gone.save()
    helper = make_user("helper", first="Staff", last="Only")
    helper.is_staff = True
    helper.save()
    assert admin_recipients() == ["admin@example.com", "root2@example.com"]


def test_an_alert_reaches_the_admins_through_smtp_with_every_fact(smtp, settings, admin, alice):
    settings.ADMIN_EMAILS = []
    doomed = StoredFile.create_from_upload(alice, upload_file("plans.txt", b"secret plans"), "")
    doomed.delete_by(admin)
    run_worker_once()
    # Alice is told too (tests/test_staff_powers.py); here, the admins' alert.
    ((recipients, message),) = [m for m in smtp.wait_for(2) if m[0] == ["admin@example.com"]]
    alert = DeletionAlert.objects.get()
    assert message["Subject"] == "[Skylocker] plans.txt was deleted by admin"
    assert message["X-Skylocker-Alert"] == str(alert.pk)
    text = message.get_body(("plain",)).get_content()
    for fact in [
        "plans.txt",
        "12 bytes",
        doomed.sha256,
        "Alice Liddell (alice)",
        "Ada Admin (admin), staff",
        alert.deleted_at.strftime("%Y-%m-%d %H:%M:%S"),
        str(doomed.pk),
    ]:
        assert fact in text
    html = message.get_body(("html",)).get_content()
    assert doomed.sha256 in html and "Alice Liddell" in html
    delivery = AlertDelivery.objects.get(channel="email")
    assert delivery.delivered_at is not None
    assert delivery.attempts == 1


def test_markup_in_a_file_name_is_escaped_in_the_html_email(smtp, settings, alice):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    hostile = StoredFile.create_from_upload(
        alice, upload_file("<img src=x onerror=alert(1)>.txt", b"x"), ""
    )
    alice.first_name = "<b>Alice</b>"
    alice.save()
    hostile.refresh_from_db()
    hostile.delete_by(alice)
    run_worker_once()
    ((_, message),) = smtp.wait_for(1)
    html = message.get_body(("html",)).get_content()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert "<b>Alice</b>" not in html
    assert "&lt;b&gt;Alice&lt;/b&gt;" in html
    # The plain-text part carries the name as it is: it is never rendered.
    assert "<img src=x onerror=alert(1)>.txt" in message.get_body(("plain",)).get_content()


def test_with_the_mail_server_down_the_alert_waits_and_goes_out_when_it_is_back(
    start_smtp, settings, alice, alice_file
):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    alice_file.delete_by(alice)
    run_worker_once()  # nobody listens on the port yet
    delivery = AlertDelivery.objects.get()
    assert delivery.delivered_at is None
    assert delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    inbox = start_smtp()
    run_worker_once()  # the backoff has not elapsed: nothing is sent yet
    assert AlertDelivery.objects.get().delivered_at is None
    assert inbox.messages == []

    overdue()
    run_worker_once()
    assert len(inbox.wait_for(1)) == 1
    delivery = AlertDelivery.objects.get()
    assert delivery.delivered_at is not None
    assert delivery.attempts == 2
    assert delivery.last_error == ""

    overdue()
    run_worker_once()  # delivered once, never again
    assert len(inbox.wait_for(2, timeout=0.5)) == 1


def test_backoff_grows_with_each_failure(smtp_port, settings, alice, alice_file):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    alice_file.delete_by(alice)
    waits = []
    for _ in range(3):
        overdue()
        before = timezone.now()
        run_worker_once()
        delivery = AlertDelivery.objects.get()
        waits.append(round((delivery.next_attempt_at - before).total_seconds()))
    assert delivery.attempts == 3
    assert waits == [5, 10, 20]


def test_without_any_admin_address_the_alert_is_kept_and_retried(settings, alice, alice_file):
    settings.ADMIN_EMAILS = []
    alice_file.delete_by(alice)
    run_worker_once()
    delivery = AlertDelivery.objects.get()
    assert delivery.delivered_at is None
    assert "NoRecipients" in delivery.last_error
    assert DeletionAlert.objects.count() == 1


def test_a_delivery_claimed_by_a_worker_that_died_is_sent_after_the_lease(
    smtp, settings, alice, alice_file
):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    alice_file.delete_by(alice)
    (claimed,) = claim_due(10)  # a worker takes it, then is killed before sending
    leased = AlertDelivery.objects.get()
    assert leased.next_attempt_at > timezone.now() + LEASE - timedelta(seconds=30)

    run_worker_once()  # another worker leaves leased work alone
    assert smtp.messages == []
    assert AlertDelivery.objects.get().delivered_at is None

    overdue()  # the lease expires
    run_worker_once()
    assert len(smtp.wait_for(1)) == 1
    assert AlertDelivery.objects.get(pk=claimed.pk).delivered_at is not None


def test_a_worker_leases_each_delivery_only_when_its_turn_comes(
    smtp, settings, monkeypatch, alice
):
    """A slow mail server must not keep a whole batch leased: what waits stays free to take."""
    settings.ADMIN_EMAILS = ["ops@example.com"]
    for name in ("a.txt", "b.txt", "c.txt"):
        StoredFile.create_from_upload(alice, upload_file(name), "").delete_by(alice)
    still_due_while_sending = []

    def send_and_look(alert):
        still_due_while_sending.append(AlertDelivery.objects.due().count())
        alerts.send_email(alert)

    monkeypatch.setitem(alerts.SENDERS, "email", send_and_look)
    assert deliver_due() == (3, 0)
    assert still_due_while_sending == [2, 1, 0]
    assert len(smtp.wait_for(3)) == 3
    assert AlertDelivery.objects.filter(delivered_at__isnull=True).count() == 0


def test_every_delete_records_exactly_one_delivery_per_channel(settings, alice, alice_file):
    alice_file.delete_by(alice)
    assert list(AlertDelivery.objects.values_list("channel", flat=True)) == ["email"]
    assert AlertDelivery.objects.due().count() == 1


def test_the_subject_and_text_carry_the_file_name_exactly_as_it_was(smtp, settings, alice):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    name = "Tom & Jerry's <plans>.txt"
    doomed = StoredFile.create_from_upload(alice, upload_file(name, b"x"), "")
    doomed.delete_by(alice)
    run_worker_once()
    ((_, message),) = smtp.wait_for(1)
    assert message["Subject"] == f"[Skylocker] {name} was deleted by alice"
    assert f"File:        {name}" in message.get_body(("plain",)).get_content()


def test_without_email_url_each_alert_is_written_as_an_eml_file(
    settings, data_dir, alice, alice_file
):
    import email
    from email import policy

    settings.EMAIL_BACKEND = "locker.mail.EmlFileBackend"
    settings.ADMIN_EMAILS = ["ops@example.com"]
    alice_file.delete_by(alice)
    run_worker_once()
    (written,) = (data_dir / "mail").glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "ops@example.com"
    assert message["Subject"] == "[Skylocker] alice.txt was deleted by alice"
    assert AlertDelivery.objects.get().delivered_at is not None
