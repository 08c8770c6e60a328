"""The trash: a delete keeps the content until a restore, a permanent delete or the purge."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from locker import maintenance
from locker.alerts import deliver_due
from locker.models import AlreadyGone, DeletionAlert, ObjectRemoval, StoredFile, TrashedFile
from locker.trash import purge_expired


def test_a_delete_moves_the_file_to_the_trash_and_keeps_its_object(
    alice_client, alice, alice_file, stored_objects, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("delete", args=[alice_file.pk]))
    assert response.status_code == 302
    assert not StoredFile.objects.filter(pk=alice_file.pk).exists()
    item = TrashedFile.objects.get(pk=alice_file.pk)
    assert (item.name, item.size, item.sha256, item.deleted_by) == (
        "alice.txt",
        alice_file.size,
        alice_file.sha256,
        alice,
    )
    assert item.purge_at == item.deleted_at + timedelta(days=settings.TRASH_DAYS)
    assert stored_objects() == [alice_file.file.name]
    assert ObjectRemoval.objects.count() == 0
    alert = DeletionAlert.objects.get()
    assert (alert.kind, alert.file_id, alert.restorable_until, alert.door) == (
        DeletionAlert.TRASHED,
        alice_file.pk,
        item.purge_at,
        "web",
    )
    assert alert.address == "127.0.0.1"


def test_the_trash_page_lists_name_size_when_by_whom_and_the_purge_date(
    alice_client, alice, alice_file
):
    alice_file.delete_by(alice)
    page = alice_client.get(reverse("trash")).content.decode()
    item = TrashedFile.objects.get()
    assert "alice.txt" in page and "alice" in page
    assert item.purge_at.strftime("%Y-%m-%d %H:%M") in page


def test_a_restore_gives_back_id_content_description_and_times(
    alice_client, alice, alice_file, stored_objects
):
    before = StoredFile.objects.values().get(pk=alice_file.pk)
    alice_file.delete_by(alice)
    response = alice_client.post(reverse("trash-restore", args=[alice_file.pk]))
    assert response.status_code == 302
    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert not TrashedFile.objects.exists()
    assert StoredFile.objects.get().file.read() == b"alice's secret\n"
    assert stored_objects() == [alice_file.file.name]


def test_restoring_twice_answers_404_the_second_time_and_changes_nothing(
    alice_client, alice, alice_file
):
    alice_file.delete_by(alice)
    item = TrashedFile.objects.get()
    assert alice_client.post(reverse("trash-restore", args=[item.pk])).status_code == 302
    assert alice_client.post(reverse("trash-restore", args=[item.pk])).status_code == 404
    with pytest.raises(AlreadyGone):
        item.restore()
    assert StoredFile.objects.count() == 1 and TrashedFile.objects.count() == 0


def test_a_name_clash_is_allowed_on_restore(alice, alice_file):
    from tests.conftest import upload_file

    alice_file.delete_by(alice)
    StoredFile.create_from_upload(alice, upload_file("alice.txt", b"a new one\n"))
    TrashedFile.objects.get().restore()
    assert sorted(StoredFile.objects.values_list("name", flat=True)) == ["alice.txt"] * 2


def test_other_users_trash_items_answer_404(client, alice, bob, alice_file, stored_objects):
    alice_file.delete_by(alice)
    client.force_login(bob)
    assert client.post(reverse("trash-restore", args=[alice_file.pk])).status_code == 404
    assert client.get(reverse("trash-delete", args=[alice_file.pk])).status_code == 404
    assert client.post(reverse("trash-delete", args=[alice_file.pk])).status_code == 404
    assert "alice.txt" not in client.get(reverse("trash")).content.decode()
    assert "alice.txt" not in client.get(reverse("trash") + "?view=all").content.decode()
    assert TrashedFile.objects.count() == 1
    assert stored_objects() == [alice_file.file.name]


def test_delete_permanently_asks_first_then_removes_the_object_with_an_alert(
    alice_client, alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    alice_file.delete_by(alice)
    page = alice_client.get(reverse("trash-delete", args=[alice_file.pk]))
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert TrashedFile.objects.count() == 1 and stored_objects() == [alice_file.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("trash-delete", args=[alice_file.pk]))
    assert response.status_code == 302
    assert not TrashedFile.objects.exists()
    assert stored_objects() == []
    assert list(DeletionAlert.objects.order_by("deleted_at").values_list("kind", flat=True)) == [
        DeletionAlert.TRASHED,
        DeletionAlert.REMOVED,
    ]


def test_empty_trash_asks_first_then_removes_only_ones_own_items(
    alice_client,
    alice,
    bob,
    alice_file,
    bob_file,
    stored_objects,
    django_capture_on_commit_callbacks,
):
    alice_file.delete_by(alice)
    bob_file.delete_by(bob)
    assert "Empty the trash?" in alice_client.get(reverse("trash-empty")).content.decode()
    assert TrashedFile.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("trash-empty"))
    assert list(TrashedFile.objects.values_list("name", flat=True)) == ["bob.txt"]
    assert stored_objects() == [bob_file.file.name]


def test_the_worker_purges_items_older_than_the_trash_days(
    alice, bob, alice_file, bob_file, stored_objects, settings, django_capture_on_commit_callbacks
):
    alice_file.delete_by(alice)
    bob_file.delete_by(bob)
    TrashedFile.objects.filter(pk=alice_file.pk).update(
        purge_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired() == 1
    assert list(TrashedFile.objects.values_list("pk", flat=True)) == [bob_file.pk]
    assert stored_objects() == [bob_file.file.name]
    purged = DeletionAlert.objects.get(kind=DeletionAlert.PURGED)
    assert (purged.file_id, purged.actor_username, purged.actor) == (alice_file.pk, "", None)


def test_the_worker_sweep_runs_the_purge(alice, alice_file, stored_objects):
    alice_file.delete_by(alice)
    TrashedFile.objects.update(purge_at=timezone.now())
    maintenance.sweep()
    maintenance.finish_object_removals()
    assert not TrashedFile.objects.exists()
    assert stored_objects() == []


def test_trash_days_zero_deletes_at_once_as_before(
    alice, alice_file, stored_objects, settings, django_capture_on_commit_callbacks
):
    settings.TRASH_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        alice_file.delete_by(alice)
    assert not TrashedFile.objects.exists() and not StoredFile.objects.exists()
    assert stored_objects() == []
    assert list(DeletionAlert.objects.values_list("kind", flat=True)) == [DeletionAlert.REMOVED]


def test_staff_see_restore_and_purge_anyones_trash(
    client,
    admin,
    alice,
    bob,
    alice_file,
    bob_file,
    stored_objects,
    django_capture_on_commit_callbacks,
):
    alice_file.delete_by(alice)
    bob_file.delete_by(bob)
    client.force_login(admin)
    page = client.get(reverse("trash") + "?view=all").content.decode()
    assert "alice.txt" in page and "bob.txt" in page
    only_bob = client.get(reverse("trash") + "?owner=bob").content.decode()
    assert "bob.txt" in only_bob and "alice.txt" not in only_bob
    assert client.post(reverse("trash-restore", args=[alice_file.pk])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("trash-delete", args=[bob_file.pk])).status_code == 302
    assert list(StoredFile.objects.values_list("pk", flat=True)) == [alice_file.pk]
    assert not TrashedFile.objects.exists()
    assert stored_objects() == [alice_file.file.name]


def test_the_admins_hear_of_the_trash_with_the_restore_date_and_a_staff_link(
    alice, alice_file, smtp, settings
):
    settings.SITE_URL = "https://locker.example"
    settings.ADMIN_EMAILS = ["ops@example.com"]
    alice_file.delete_by(alice)
    assert deliver_due() == (1, 0)
    _, message = smtp.wait_for(1)[0]
    body = message.get_body(("plain",)).get_content()
    item = TrashedFile.objects.get()
    assert message["Subject"] == "[Skylocker] alice.txt was moved to the trash by alice"
    assert f"Restorable until: {item.purge_at:%Y-%m-%d %H:%M:%S}" in body
    assert "https://locker.example/files/trash/?view=all" in body
