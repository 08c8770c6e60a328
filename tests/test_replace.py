"""Replace with no versions kept: new content is a new object; the old one goes only after the
commit."""

import hashlib

import pytest
from django.urls import reverse

from locker.models import ObjectRemoval, StoredFile, TrashedFile
from tests.conftest import temp_files, upload_file


@pytest.fixture(autouse=True)
def keep_no_versions(settings):
    """SKYLOCKER_KEEP_VERSIONS=0: the old content goes, as before versions (test_versions.py
    covers the default)."""
    settings.KEEP_VERSIONS = 0


def test_new_content_is_a_new_object_and_the_old_one_goes_after_commit(
    alice_client, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    old_name, created_at, updated_at = (
        alice_file.file.name,
        alice_file.created_at,
        alice_file.updated_at,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = alice_client.post(
            reverse("replace", args=[alice_file.pk]),
            {"file": upload_file("v2.txt", b"version two\n"), "description": "second"},
        )
    assert response.status_code == 302
    alice_file.refresh_from_db()
    # Committed but the removal has not run yet: both objects are there, the row points to the new.
    assert sorted(stored_objects()) == sorted([old_name, alice_file.file.name])
    assert ObjectRemoval.objects.filter(name=old_name).exists()
    for callback in callbacks:
        callback()
    assert stored_objects() == [alice_file.file.name]
    assert alice_file.file.name != old_name
    assert ObjectRemoval.objects.count() == 0
    assert alice_file.name == "alice.txt"  # new content keeps the name unless asked
    assert alice_file.description == "second"
    assert alice_file.size == len(b"version two\n")
    assert alice_file.sha256 == hashlib.sha256(b"version two\n").hexdigest()
    assert alice_file.created_at == created_at
    assert alice_file.updated_at > updated_at
    assert StoredFile.objects.count() == 1
    assert alice_file.file.read() == b"version two\n"


def test_a_description_only_replace_keeps_the_object(
    alice_client, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    before = alice_file.file.name, alice_file.sha256, alice_file.created_at, alice_file.updated_at
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("replace", args=[alice_file.pk]), {"description": "just the words"}
        )
    assert response.status_code == 302
    alice_file.refresh_from_db()
    assert alice_file.description == "just the words"
    assert (alice_file.file.name, alice_file.sha256, alice_file.created_at) == before[:3]
    assert alice_file.updated_at > before[3]
    assert stored_objects() == [alice_file.file.name]
    assert ObjectRemoval.objects.count() == 0


def test_a_replace_over_the_limit_keeps_the_old_file_untouched(
    alice_client, alice_file, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 100
    before = alice_file.file.name, alice_file.sha256, alice_file.description, alice_file.updated_at
    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]), {"file": upload_file("big.bin", b"x" * 101)}
    )
    assert response.status_code == 413
    assert "larger than the" in response.content.decode()
    alice_file.refresh_from_db()
    after = alice_file.file.name, alice_file.sha256, alice_file.description, alice_file.updated_at
    assert after == before
    assert stored_objects() == [alice_file.file.name]
    assert temp_files(data_dir) == []


def test_a_replace_with_an_empty_file_is_refused_and_keeps_the_old_one(
    alice_client, alice_file, stored_objects
):
    before = alice_file.file.name
    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]), {"file": upload_file("e.txt", b"")}
    )
    assert response.status_code == 400
    alice_file.refresh_from_db()
    assert alice_file.file.name == before
    assert stored_objects() == [before]


@pytest.mark.django_db(transaction=True)
def test_a_replace_of_a_file_deleted_meanwhile_leaves_no_orphan(alice, admin, stored_objects):
    stale = StoredFile.create_from_upload(alice, upload_file(), "")
    StoredFile.objects.get(pk=stale.pk).delete_by(admin)
    with pytest.raises(StoredFile.DoesNotExist):
        stale.replace(upload_file("v2.txt", b"too late"))
    assert StoredFile.objects.count() == 0
    # nothing new: only what the trash still holds (nothing, where deletes remove at once)
    assert stored_objects() == list(TrashedFile.objects.values_list("file", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_replace_through_the_page_removes_the_old_object_on_commit(client, alice, stored_objects):
    client.force_login(alice)
    original = StoredFile.create_from_upload(alice, upload_file(), "")
    response = client.post(
        reverse("replace", args=[original.pk]), {"file": upload_file("v2.txt", b"two")}
    )
    assert response.status_code == 302
    original.refresh_from_db()
    assert stored_objects() == [original.file.name]
    assert ObjectRemoval.objects.count() == 0
