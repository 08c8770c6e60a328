"""A file whose extension is hundreds of characters long is stored like any other, not a 503."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import temp_files

LONG_NAME = "report." + "x" * 400


def test_a_400_character_extension_is_uploaded_from_the_page(
    alice_client, alice, stored_objects, data_dir
):
    upload = SimpleUploadedFile(LONG_NAME, b"contents\n", content_type="text/plain")

    response = alice_client.post(reverse("upload"), {"file": upload})

    assert response.status_code == 302
    stored = StoredFile.objects.get(owner=alice)
    # Django keeps an over-long name's last 255 characters; the leading dot is then dropped.
    assert stored.name == "x" * 254
    assert stored.size == 9
    assert stored_objects() == [stored.file.name]
    assert temp_files(data_dir) == []


def test_a_400_character_extension_is_uploaded_through_the_api(alice, stored_objects):
    from tests.api.conftest import bearer_client

    upload = SimpleUploadedFile(LONG_NAME, b"contents\n", content_type="text/plain")

    response = bearer_client(alice).post("/api/v1/files", {"file": upload}, format="multipart")

    assert response.status_code == 201, response.content
    stored = StoredFile.objects.get(owner=alice)
    assert response.json()["name"] == stored.name
    assert stored_objects() == [stored.file.name]
