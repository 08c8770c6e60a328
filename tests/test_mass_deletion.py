"""The mass-deletion alarm: one immediate alert, and one digest instead of a mail per file."""

from django.urls import reverse

from locker.alerts import deliver_due
from locker.models import FOLDED, AlertDelivery, DeletionAlert, StoredFile, TrashedFile
from tests.conftest import upload_file


def many_files(owner, count):
    return [
        StoredFile.create_from_upload(owner, upload_file(f"f{i:02}.txt", f"file {i}\n".encode()))
        for i in range(count)
    ]


def test_25_quick_deletions_give_one_mass_deletion_mail_and_one_digest(
    client, alice, smtp, settings
):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    settings.MASS_DELETE_DIGEST_SECONDS = 0
    settings.SITE_URL = "https://locker.example"
    files = many_files(alice, 25)
    client.force_login(alice)
    for stored in files:
        assert (
            client.post(reverse("delete", args=[stored.pk]), REMOTE_ADDR="198.51.100.7").status_code
            == 302
        )
    assert deliver_due() == (2, 0)
    assert deliver_due() == (0, 0)
    messages = [message for _, message in smtp.wait_for(2)]
    subjects = sorted(message["Subject"] for message in messages)
    assert len(messages) == 2
    assert subjects[0].startswith("Mass deletion: alice deleted 21 files")
    assert subjects[1] == "[Skylocker] Digest of the mass deletion by alice: 25 files"
    mass = next(m for m in messages if m["Subject"].startswith("Mass deletion"))
    text = mass.get_body(("plain",)).get_content()
    alarm = DeletionAlert.objects.get(kind=DeletionAlert.MASS)
    assert "198.51.100.7" in text and "the web" in text and "alice" in text
    assert f"https://locker.example/files/trash/burst/{alarm.pk}/" in text
    digest = (
        next(m for m in messages if "Digest" in m["Subject"]).get_body(("plain",)).get_content()
    )
    assert all(f"f{i:02}.txt" in digest for i in range(25))
    # the 20 alerts written before the alarm were folded; the rest never got deliveries
    assert AlertDelivery.objects.filter(last_error=FOLDED).count() == 20
    assert DeletionAlert.objects.get(kind=DeletionAlert.DIGEST).folded.count() == 25


def test_deletions_at_the_limit_raise_no_alarm_and_each_gets_its_mail(alice, settings):
    settings.MASS_DELETE_COUNT = 3
    for stored in many_files(alice, 3):
        stored.delete_by(alice)
    assert not DeletionAlert.objects.filter(
        kind__in=[DeletionAlert.MASS, DeletionAlert.DIGEST]
    ).exists()
    assert AlertDelivery.objects.due().count() == 3


def test_an_alert_sent_before_the_burst_was_seen_is_still_in_the_digest(alice, settings, smtp):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    settings.MASS_DELETE_COUNT = 2
    settings.MASS_DELETE_DIGEST_SECONDS = 0
    first, *rest = many_files(alice, 4)
    first.delete_by(alice)
    assert deliver_due() == (1, 0)
    for stored in rest:
        stored.delete_by(alice)
    assert deliver_due() == (2, 0)
    digest = DeletionAlert.objects.get(kind=DeletionAlert.DIGEST)
    assert digest.count == 4 and digest.folded.count() == 4
    assert len(smtp.wait_for(3)) == 3


def test_staff_restore_the_burst_in_one_click(client, admin, alice, settings):
    settings.MASS_DELETE_COUNT = 2
    files = many_files(alice, 3)
    for stored in files:
        stored.delete_by(alice)
    alarm = DeletionAlert.objects.get(kind=DeletionAlert.MASS)
    client.force_login(admin)
    page = client.get(reverse("trash-burst", args=[alarm.pk]))
    assert "Restore 3 files" in page.content.decode()
    assert client.post(reverse("trash-burst", args=[alarm.pk])).status_code == 302
    assert StoredFile.objects.count() == 3 and not TrashedFile.objects.exists()


def test_the_burst_link_is_for_staff_only(client, alice, settings):
    settings.MASS_DELETE_COUNT = 1
    for stored in many_files(alice, 2):
        stored.delete_by(alice)
    alarm = DeletionAlert.objects.get(kind=DeletionAlert.MASS)
    client.force_login(alice)
    assert client.post(reverse("trash-burst", args=[alarm.pk])).status_code == 404
    assert TrashedFile.objects.count() == 2


def test_per_file_alerts_wait_the_digest_delay_so_a_quick_burst_folds_them_all(
    alice, settings, smtp
):
    settings.ADMIN_EMAILS = ["ops@example.com"]
    settings.MASS_DELETE_COUNT = 2
    settings.MASS_DELETE_DIGEST_SECONDS = 60
    first, second, third = many_files(alice, 3)
    first.delete_by(alice)
    second.delete_by(alice)
    assert deliver_due() == (0, 0)  # held: a burst may still come
    third.delete_by(alice)
    assert deliver_due() == (1, 0)  # the alarm alone
    assert [m["Subject"] for _, m in smtp.wait_for(1)] == [
        "Mass deletion: alice deleted 3 files in 10 minutes"
    ]
    assert AlertDelivery.objects.filter(last_error=FOLDED).count() == 2
