"""Local storage fails before or during an upload or a replace: a clear error, and nothing kept.

No row, no partial object, no upload temp file; a replaced file keeps its old content.
"""

import pytest
from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import bearer_client, temp_files, upload_file

BIG = b"0123456789" * 500  # 5,000 bytes: the full disk has room for 1,000


def assert_nothing_kept(data_dir, stored_objects, count=0):
    assert StoredFile.objects.count() == count
    assert stored_objects() == sorted(f.file.name for f in StoredFile.objects.all())
    assert temp_files(data_dir) == []


@pytest.mark.parametrize("fault", ["full_disk", "storage_gone"])
def test_an_upload_page_says_the_storage_failed_and_keeps_nothing(
    request, fault, alice_client, data_dir, stored_objects
):
    request.getfixturevalue(fault)

    response = alice_client.post(
        reverse("upload"), {"file": upload_file("big.bin", BIG), "description": "report"}
    )

    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert_nothing_kept(data_dir, stored_objects)


def test_a_replace_on_a_full_disk_keeps_the_old_content(
    alice_client, alice_file, full_disk, data_dir, stored_objects
):
    before = StoredFile.objects.values().get(pk=alice_file.pk)
    old_bytes = alice_file.file.open("rb").read()

    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]),
        {"file": upload_file("new.bin", BIG), "description": "new"},
    )

    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert StoredFile.objects.get(pk=alice_file.pk).file.open("rb").read() == old_bytes
    assert_nothing_kept(data_dir, stored_objects, count=1)


@pytest.mark.parametrize("fault", ["full_disk", "storage_gone"])
def test_an_api_upload_is_503_with_a_message_and_keeps_nothing(
    request, fault, alice, data_dir, stored_objects
):
    request.getfixturevalue(fault)

    response = bearer_client(alice).post(
        "/api/v1/files", {"file": upload_file("big.bin", BIG)}, format="multipart"
    )

    assert response.status_code == 503
    assert "could not be stored" in response.json()["detail"]
    assert_nothing_kept(data_dir, stored_objects)


def test_an_api_replace_on_a_full_disk_is_503_and_keeps_the_old_content(
    alice, alice_file, full_disk, data_dir, stored_objects
):
    before = StoredFile.objects.values().get(pk=alice_file.pk)

    response = bearer_client(alice).patch(
        f"/api/v1/files/{alice_file.pk}", {"file": upload_file("new.bin", BIG)},
        format="multipart",
    )

    assert response.status_code == 503
    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert_nothing_kept(data_dir, stored_objects, count=1)


def test_a_small_upload_that_fits_on_the_full_disk_is_stored(
    alice_client, full_disk, stored_objects
):
    response = alice_client.post(reverse("upload"), {"file": upload_file("small.txt", b"fits")})

    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored_objects() == [stored.file.name]
    assert stored.file.open("rb").read() == b"fits"


def test_an_upload_page_with_the_temp_folder_gone_says_so_and_keeps_nothing(
    alice_client, temp_folder_gone, data_dir, stored_objects
):
    response = alice_client.post(reverse("upload"), {"file": upload_file("a.txt", b"bytes")})

    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert_nothing_kept(data_dir, stored_objects)


def test_an_api_replace_with_the_temp_folder_gone_is_503_and_keeps_the_old_content(
    alice, alice_file, temp_folder_gone, data_dir, stored_objects
):
    before = StoredFile.objects.values().get(pk=alice_file.pk)

    response = bearer_client(alice).patch(
        f"/api/v1/files/{alice_file.pk}", {"file": upload_file("v2.txt", b"v2")},
        format="multipart",
    )

    assert response.status_code == 503
    assert "could not be stored" in response.json()["detail"]
    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert_nothing_kept(data_dir, stored_objects, count=1)
