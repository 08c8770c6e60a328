"""Delete with SKYLOCKER_TRASH_DAYS=0: a confirmation step, then row, alert and object removal
together, as before the trash (tests/test_trash.py covers the default)."""

import pytest
from django.db import transaction
from django.urls import reverse

from locker.models import AlertDelivery, DeletionAlert, ObjectRemoval, StoredFile


@pytest.fixture(autouse=True)
def delete_at_once(settings):
    settings.TRASH_DAYS = 0


def test_the_delete_page_asks_for_confirmation_and_deletes_nothing(
    alice_client, alice_file, stored_objects
):
    response = alice_client.get(reverse("delete", args=[alice_file.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "alice.txt" in page and 'method="post"' in page
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()
    assert stored_objects() == [alice_file.file.name]
    assert DeletionAlert.objects.count() == 0


def test_an_owner_deletes_their_file_with_its_object_and_an_alert(
    alice_client, alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("delete", args=[alice_file.pk]))
    assert response.status_code == 302
    assert response.url == reverse("files")
    assert not StoredFile.objects.filter(pk=alice_file.pk).exists()
    assert stored_objects() == []
    assert ObjectRemoval.objects.count() == 0
    alert = DeletionAlert.objects.get()
    assert (alert.file_id, alert.file_name, alert.size, alert.sha256) == (
        alice_file.pk,
        "alice.txt",
        alice_file.size,
        alice_file.sha256,
    )
    assert (alert.owner_username, alert.actor_username, alert.actor_is_staff) == (
        "alice",
        "alice",
        False,
    )
    assert alert.owner_name == "Alice Liddell"
    assert list(alert.deliveries.values_list("channel", "delivered_at")) == [("email", None)]


def test_staff_delete_another_users_file_and_return_to_all_files(
    client, admin, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delete", args=[alice_file.pk]), {"back": "all"})
    assert response.status_code == 302
    assert response.url == reverse("all-files")
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
    alert = DeletionAlert.objects.get()
    assert (alert.owner_username, alert.actor_username, alert.actor_is_staff) == (
        "alice",
        "admin",
        True,
    )


def test_back_to_all_files_is_only_for_staff(alice_client, alice_file):
    response = alice_client.post(reverse("delete", args=[alice_file.pk]), {"back": "all"})
    assert response.url == reverse("files")


def test_the_object_stays_until_the_delete_commits(
    alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alice_file.delete_by(alice)
    assert stored_objects() == [alice_file.file.name]
    assert ObjectRemoval.objects.filter(name=alice_file.file.name).exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert stored_objects() == []
    assert ObjectRemoval.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_delete_keeps_row_object_and_sends_no_alert(alice, stored_objects):
    from locker.models import StoredFile as Model
    from tests.conftest import upload_file

    kept = Model.create_from_upload(alice, upload_file(), "")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        kept.delete_by(alice)
        raise Abort
    assert Model.objects.filter(pk=kept.pk).exists()
    assert stored_objects() == [kept.file.name]
    assert DeletionAlert.objects.count() == 0
    assert AlertDelivery.objects.count() == 0
    assert ObjectRemoval.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_delete_commits_row_alert_and_removal_together(client, alice, stored_objects):
    from tests.conftest import upload_file

    client.force_login(alice)
    doomed = StoredFile.create_from_upload(alice, upload_file(), "")
    response = client.post(reverse("delete", args=[doomed.pk]))
    assert response.status_code == 302
    assert StoredFile.objects.count() == 0
    assert AlertDelivery.objects.filter(alert__file_id=doomed.pk, channel="email").count() == 1
    assert stored_objects() == []
    assert ObjectRemoval.objects.count() == 0


def test_deleting_a_file_deleted_meanwhile_answers_404_and_records_one_alert(
    alice_client, alice, alice_file
):
    StoredFile.objects.get(pk=alice_file.pk).delete_by(alice)
    response = alice_client.post(reverse("delete", args=[alice_file.pk]))
    assert response.status_code == 404
    assert DeletionAlert.objects.count() == 1


def test_a_delete_by_get_never_deletes(alice_client, alice_file, stored_objects):
    alice_client.get(reverse("delete", args=[alice_file.pk]), {"confirm": "yes"})
    assert StoredFile.objects.count() == 1
    assert stored_objects() == [alice_file.file.name]
