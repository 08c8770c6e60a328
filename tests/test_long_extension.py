"""A file whose extension is hundreds of characters long is stored like any other, not a 503."""

from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import temp_files

LONG_NAME = "report." + "x" * 400
BOUNDARY = "skylocker-boundary"


def multipart(name: str, content: bytes) -> bytes:
    """Built by hand: Django's test client would shorten the name to 255 characters first."""
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def post(client, url, **extra):
    return client.generic(
        "POST", url, multipart(LONG_NAME, b"contents\n"),
        content_type=f"multipart/form-data; boundary={BOUNDARY}", **extra,
    )


def test_a_400_character_extension_is_uploaded_from_the_page(
    alice_client, alice, stored_objects, data_dir
):
    response = post(alice_client, reverse("upload"))

    assert response.status_code == 302
    stored = StoredFile.objects.get(owner=alice)
    # Django keeps an over-long name's last 255 characters; the leading dot is then dropped.
    assert stored.name == "x" * 254
    assert stored.size == 9
    assert stored_objects() == [stored.file.name]
    assert temp_files(data_dir) == []


def test_a_400_character_extension_is_uploaded_through_the_api(client, alice, stored_objects):
    from api.models import ApiToken

    _, raw = ApiToken.issue(alice)

    response = post(client, "/api/v1/files", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 201, response.content
    stored = StoredFile.objects.get(owner=alice)
    assert response.json()["name"] == stored.name
    assert stored_objects() == [stored.file.name]
