"""Versions through the API: list, download and restore; another user's version is a 404."""

from locker.models import FileVersion
from tests.conftest import downloaded, upload_file


def replace(api, stored, name, content):
    response = api.patch(
        f"/api/v1/files/{stored.pk}",
        {"file": upload_file(name, content), "name": name},  # the new content's name too
        format="multipart",
    )
    assert response.status_code == 200


def test_three_replaces_make_three_versions_and_the_first_comes_back(
    alice_api, alice_file, stored_objects
):
    for n in (2, 3, 4):
        replace(alice_api, alice_file, f"v{n}.txt", f"version {n}\n".encode())
    listing = alice_api.get(f"/api/v1/files/{alice_file.pk}/versions").json()
    assert [v["name"] for v in listing] == ["v3.txt", "v2.txt", "alice.txt"]
    assert all(v["replaced_by"] == "alice" for v in listing)
    first = listing[-1]
    content = alice_api.get(first["download_url"])
    assert downloaded(content) == b"alice's secret\n"
    restored = alice_api.post(f"/api/v1/files/{alice_file.pk}/versions/{first['id']}/restore")
    assert restored.status_code == 200
    assert (restored.json()["name"], restored.json()["sha256"]) == ("alice.txt", first["sha256"])
    alice_file.refresh_from_db()
    assert alice_file.file.read() == b"alice's secret\n"
    assert sorted(FileVersion.objects.values_list("name", flat=True)) == [
        "v2.txt",
        "v3.txt",
        "v4.txt",
    ]
    assert len(stored_objects()) == 4
    again = alice_api.post(f"/api/v1/files/{alice_file.pk}/versions/{first['id']}/restore")
    assert again.status_code == 404


def test_another_users_versions_answer_404(bob_api, alice, alice_file):
    alice_file.replace(upload_file("v2.txt", b"two\n"), actor=alice)
    version = FileVersion.objects.get()
    base = f"/api/v1/files/{alice_file.pk}/versions"
    for response in (
        bob_api.get(base),
        bob_api.get(f"{base}/{version.pk}/content"),
        bob_api.post(f"{base}/{version.pk}/restore"),
    ):
        assert response.status_code == 404
    assert FileVersion.objects.get().pk == version.pk
    alice_file.refresh_from_db()
    assert alice_file.file.read() == b"two\n"  # still the content bob could not restore over


def test_a_version_of_another_file_answers_404(alice_api, alice, alice_file):
    from locker.models import StoredFile

    other = StoredFile.create_from_upload(alice, upload_file("other.txt", b"other\n"))
    alice_file.replace(upload_file("v2.txt", b"two\n"), actor=alice)
    version = FileVersion.objects.get()
    response = alice_api.get(f"/api/v1/files/{other.pk}/versions/{version.pk}/content")
    assert response.status_code == 404
    assert response.json() == {"detail": "This file has no version with this id."}
