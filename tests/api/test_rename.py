"""Rename through the API: PATCH /api/v1/files/{id} with `name`; content and id stay."""

from locker.models import ObjectRemoval, StoredFile
from tests.conftest import upload_file

FILES = "/api/v1/files"


def test_a_json_patch_with_a_name_renames_and_keeps_content_and_id(
    alice_api, alice_file, stored_objects
):
    before = (alice_file.file.name, alice_file.sha256, alice_file.description)
    response = alice_api.patch(f"{FILES}/{alice_file.pk}", {"name": "plans.txt"}, format="json")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["name"]) == (str(alice_file.pk), "plans.txt")
    alice_file.refresh_from_db()
    assert alice_file.name == "plans.txt"
    assert (alice_file.file.name, alice_file.sha256, alice_file.description) == before
    assert stored_objects() == [alice_file.file.name]
    assert ObjectRemoval.objects.count() == 0


def test_a_new_name_is_cleaned_as_an_upload_name_is(alice_api, alice_file):
    response = alice_api.patch(
        f"{FILES}/{alice_file.pk}", {"name": "C:\\temp\\con.txt\n"}, format="json"
    )
    assert response.status_code == 200
    alice_file.refresh_from_db()
    assert alice_file.name == "_con.txt"


def test_a_blank_name_is_400_and_nothing_changes(alice_api, alice_file):
    response = alice_api.patch(f"{FILES}/{alice_file.pk}", {"name": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == ["Give the file a name."]
    alice_file.refresh_from_db()
    assert alice_file.name == "alice.txt"


def test_new_content_with_a_name_takes_that_name(alice_api, alice_file, stored_objects):
    response = alice_api.patch(
        f"{FILES}/{alice_file.pk}",
        {"file": upload_file("upload-name.txt", b"v2\n"), "name": "chosen.txt"},
        format="multipart",
    )
    assert response.status_code == 200
    stored = StoredFile.objects.get()
    assert (stored.pk, stored.name, stored.file.read()) == (alice_file.pk, "chosen.txt", b"v2\n")


def test_someone_elses_file_cannot_be_renamed(bob_api, alice_file):
    response = bob_api.patch(f"{FILES}/{alice_file.pk}", {"name": "mine.txt"}, format="json")
    assert response.status_code == 404
    alice_file.refresh_from_db()
    assert alice_file.name == "alice.txt"
