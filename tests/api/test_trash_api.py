"""The trash through the API: DELETE trashes, the trash lists, restores and deletes for good."""

from django.utils import timezone

from locker.models import DeletionAlert, StoredFile, TrashedFile
from tests.conftest import downloaded


def test_delete_moves_the_file_to_the_trash_and_keeps_its_object(
    alice_api, alice_file, stored_objects
):
    response = alice_api.delete(f"/api/v1/files/{alice_file.pk}")
    assert response.status_code == 204
    assert not StoredFile.objects.exists()
    assert TrashedFile.objects.get().pk == alice_file.pk
    assert stored_objects() == [alice_file.file.name]
    alert = DeletionAlert.objects.get()
    assert (alert.kind, alert.door) == (DeletionAlert.TRASHED, "api")


def test_the_trash_lists_ones_own_items_paginated_like_the_files(
    alice_api, alice, bob, alice_file, bob_file
):
    alice_file.delete_by(alice)
    bob_file.delete_by(bob)
    body = alice_api.get("/api/v1/trash").json()
    assert body["count"] == 1 and body["next"] is None
    [item] = body["results"]
    assert (item["id"], item["name"], item["deleted_by"]) == (
        str(alice_file.pk),
        "alice.txt",
        "alice",
    )
    assert item["purge_at"] > item["deleted_at"]
    # others always see their own trash only, whatever owner they ask for
    assert alice_api.get("/api/v1/trash?owner=bob").json()["count"] == 0


def test_staff_list_everyones_trash_and_filter_by_owner(
    admin_api, alice, bob, alice_file, bob_file
):
    alice_file.delete_by(alice)
    bob_file.delete_by(bob)
    assert admin_api.get("/api/v1/trash").json()["count"] == 2
    only = admin_api.get("/api/v1/trash", {"owner": "bob"}).json()
    assert [item["name"] for item in only["results"]] == ["bob.txt"]


def test_restore_answers_the_file_as_it_was(alice_api, alice, alice_file, stored_objects):
    alice_file.delete_by(alice)
    response = alice_api.post(f"/api/v1/trash/{alice_file.pk}/restore")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["description"], body["sha256"]) == (
        str(alice_file.pk),
        "mine",
        alice_file.sha256,
    )
    restored = StoredFile.objects.get()
    assert (restored.created_at, restored.updated_at) == (
        alice_file.created_at,
        alice_file.updated_at,
    )
    assert (
        downloaded(alice_api.get(f"/api/v1/files/{alice_file.pk}/content")) == b"alice's secret\n"
    )
    assert alice_api.post(f"/api/v1/trash/{alice_file.pk}/restore").status_code == 404
    assert stored_objects() == [alice_file.file.name]


def test_delete_from_the_trash_is_permanent(
    alice_api, alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    alice_file.delete_by(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/api/v1/trash/{alice_file.pk}").status_code == 204
    assert not TrashedFile.objects.exists() and not StoredFile.objects.exists()
    assert stored_objects() == []
    assert alice_api.delete(f"/api/v1/trash/{alice_file.pk}").status_code == 404


def test_another_users_trash_item_answers_404(bob_api, alice, alice_file, stored_objects):
    alice_file.delete_by(alice)
    for response in (
        bob_api.post(f"/api/v1/trash/{alice_file.pk}/restore"),
        bob_api.delete(f"/api/v1/trash/{alice_file.pk}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "There is no file with this id in the trash."}
    assert TrashedFile.objects.filter(purge_at__gt=timezone.now()).count() == 1
    assert stored_objects() == [alice_file.file.name]
