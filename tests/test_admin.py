"""The Django admin: staff only, and its deletes take the one delete path."""

from django.contrib.admin import helpers
from django.urls import reverse

from locker.models import AlertDelivery, DeletionAlert, StoredFile, TrashedFile


def test_the_admin_is_closed_to_users_who_are_not_staff(alice_client, alice_file):
    response = alice_client.get(reverse("admin:locker_storedfile_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_staff_list_and_search_files_in_the_admin(client, admin, alice_file, bob_file):
    client.force_login(admin)
    response = client.get(reverse("admin:locker_storedfile_changelist"), {"q": "alice"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [alice_file]
    page = response.content.decode()
    assert "Alice Liddell" in page


def test_staff_list_users_in_the_admin(client, admin, alice):
    client.force_login(admin)
    response = client.get(reverse("admin:auth_user_changelist"), {"q": "alice"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [alice]


def test_a_delete_from_the_admin_moves_the_file_to_the_trash_and_records_an_alert(
    client, admin, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    url = reverse("admin:locker_storedfile_delete", args=[alice_file.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert StoredFile.objects.count() == 0
    assert stored_objects() == [alice_file.file.name]  # in the trash
    assert TrashedFile.objects.get().pk == alice_file.pk
    alert = DeletionAlert.objects.get()
    assert (alert.file_name, alert.actor_username, alert.owner_username) == (
        "alice.txt",
        "admin",
        "alice",
    )
    assert AlertDelivery.objects.filter(alert=alert, channel="email").count() == 1


def test_the_bulk_delete_action_deletes_each_file_through_the_one_path(
    client, admin, alice_file, bob_file, stored_objects, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:locker_storedfile_changelist"),
            {
                "action": "delete_selected",
                helpers.ACTION_CHECKBOX_NAME: [str(alice_file.pk), str(bob_file.pk)],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert StoredFile.objects.count() == 0
    assert sorted(stored_objects()) == sorted([alice_file.file.name, bob_file.file.name])
    assert TrashedFile.objects.count() == 2
    assert sorted(DeletionAlert.objects.values_list("file_name", flat=True)) == [
        "alice.txt",
        "bob.txt",
    ]
    # The admins' email for each, and each owner's own notice.
    channels = sorted(AlertDelivery.objects.values_list("channel", flat=True))
    assert channels == ["email", "email", "owner", "owner"]


def test_a_description_edited_in_the_admin_moves_the_update_time_and_nothing_else(
    client, admin, alice_file
):
    client.force_login(admin)
    before = StoredFile.objects.values().get(pk=alice_file.pk)
    response = client.post(
        reverse("admin:locker_storedfile_change", args=[alice_file.pk]),
        {"description": "edited by staff"},
    )
    assert response.status_code == 302
    after = StoredFile.objects.values().get(pk=alice_file.pk)
    assert after["description"] == "edited by staff"
    assert after["updated_at"] > before["updated_at"]
    unchanged = {k for k in before if k not in ("description", "updated_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_the_admin_cannot_add_files_or_edit_alerts(client, admin, alice_file):
    client.force_login(admin)
    assert client.get(reverse("admin:locker_storedfile_add")).status_code == 403
    alice_file.delete_by(admin)
    alert = DeletionAlert.objects.get()
    response = client.post(
        reverse("admin:locker_deletionalert_change", args=[alert.pk]), {"file_name": "changed"}
    )
    assert response.status_code in (302, 403)
    alert.refresh_from_db()
    assert alert.file_name == "alice.txt"
    delete_url = reverse("admin:locker_deletionalert_delete", args=[alert.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert DeletionAlert.objects.count() == 1


def test_a_files_admin_page_links_to_its_download_not_into_the_storage(
    client, admin, alice_file
):
    client.force_login(admin)
    page = client.get(reverse("admin:locker_storedfile_change", args=[alice_file.pk]))

    assert page.status_code == 200
    download = reverse("download", args=[alice_file.pk])
    assert f'<a href="{download}">Download</a>' in page.content.decode()
    assert f'href="/{alice_file.file.name}"' not in page.content.decode()
    assert alice_file.file.name in page.content.decode()  # shown, as text
    assert client.get(download).status_code == 200
