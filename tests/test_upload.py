"""Uploads: the size limit counted while streaming, empty files, what is recorded."""

import hashlib

import pytest
from django.urls import reverse

from locker.forms import over_limit_message
from locker.models import StoredFile
from tests.conftest import temp_files, upload_file

BOUNDARY = "skylocker-boundary"


def multipart(
    name: str, content: bytes, *, part_headers: str = "", description: str = "d"
) -> bytes:
    """A multipart body built by hand, so the tests can say things a browser would not."""
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="description"\r\n\r\n{description}\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n{part_headers}\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def post_raw(client, body: bytes, **extra):
    return client.generic(
        "POST",
        reverse("upload"),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **extra,
    )


def test_an_upload_records_name_size_sha256_type_and_owner(alice_client, alice, stored_objects):
    content = b"%PDF-1.4 Skylocker quarterly report"
    response = alice_client.post(
        reverse("upload"), {"file": upload_file("report.pdf", content), "description": "Q3"}
    )
    assert response.status_code == 302
    assert response.url == reverse("files")
    stored = StoredFile.objects.get()
    assert (stored.owner, stored.name, stored.description) == (alice, "report.pdf", "Q3")
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.content_type == "application/pdf"
    assert stored_objects() == [stored.file.name]
    assert stored.file.name.startswith(f"u/{alice.pk}/")
    assert "report" not in stored.file.name


def test_the_content_type_comes_from_the_bytes_not_the_browser(alice_client):
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    alice_client.post(reverse("upload"), {"file": upload_file("notes.txt", gif, "text/plain")})
    assert StoredFile.objects.get().content_type == "image/gif"


def test_a_file_of_exactly_the_limit_is_accepted(alice_client, settings, stored_objects, data_dir):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    content = b"s" * settings.MAX_UPLOAD_BYTES
    response = alice_client.post(reverse("upload"), {"file": upload_file("big.bin", content)})
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.size == 10_485_760
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored_objects() == [stored.file.name]
    assert temp_files(data_dir) == []


def test_one_byte_over_the_limit_is_refused_in_plain_words(
    alice_client, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    content = b"s" * (settings.MAX_UPLOAD_BYTES + 1)
    response = alice_client.post(
        reverse("upload"), {"file": upload_file("big.bin", content), "description": "x"}
    )
    assert response.status_code == 413
    assert "larger than the 10.0\xa0MB limit (10,485,760 bytes)" in over_limit_message()
    assert over_limit_message() in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_a_lying_part_content_length_does_not_get_past_the_limit(
    alice_client, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 1000
    body = multipart("big.bin", b"x" * 5000, part_headers="Content-Length: 10\r\n")
    response = post_raw(alice_client, body)
    assert response.status_code == 413
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_a_request_content_length_claiming_less_stores_only_what_was_declared(
    alice_client, settings, stored_objects, data_dir
):
    """The server reads no more than the declared length; the rest never becomes a file."""
    settings.MAX_UPLOAD_BYTES = 1000
    body = multipart("big.bin", b"x" * 5000)
    response = post_raw(alice_client, body, CONTENT_LENGTH="300")
    assert response.status_code in (400, 413)
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_an_upload_over_the_limit_through_the_raw_body_is_refused(
    alice_client, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 1000
    response = post_raw(alice_client, multipart("big.bin", b"x" * 1001))
    assert response.status_code == 413
    assert over_limit_message() in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_an_empty_file_is_refused_with_a_clear_error(alice_client, stored_objects, data_dir):
    response = alice_client.post(
        reverse("upload"), {"file": upload_file("empty.txt", b""), "description": "x"}
    )
    assert response.status_code == 400
    assert "The file is empty" in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_an_upload_without_a_file_asks_for_one(alice_client, stored_objects):
    response = alice_client.post(reverse("upload"), {"description": "nothing"})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()
    assert StoredFile.objects.count() == 0


def test_a_description_over_255_characters_is_refused_and_nothing_is_kept(
    alice_client, stored_objects, data_dir
):
    response = alice_client.post(
        reverse("upload"), {"file": upload_file(), "description": "d" * 256}
    )
    assert response.status_code == 400
    assert "at most 255 characters" in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_the_upload_page_shows_the_form(alice_client):
    response = alice_client.get(reverse("upload"))
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_object_is_removed_when_its_row_cannot_be_written(alice, stored_objects, monkeypatch):
    """A database failure after the object was written leaves no orphan object."""
    from django.db import IntegrityError

    def refuse(*args, **kwargs):
        raise IntegrityError("the database said no")

    # An in-process fault: a real database refusing this one insert cannot be arranged portably.
    monkeypatch.setattr(StoredFile, "save", refuse)
    with pytest.raises(IntegrityError):
        StoredFile.create_from_upload(alice, upload_file(), "x")
    assert stored_objects() == []


def test_markup_in_an_uploaded_name_is_escaped_in_the_confirmation(alice_client):
    hostile = "<img src=x onerror=alert('skylocker')>.txt"
    response = alice_client.post(
        reverse("upload"),
        {"file": upload_file(hostile, b"x"), "description": "<i>hi</i>"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<img src=x" not in page
    assert "<i>hi</i>" not in page
    assert "Uploaded &lt;img src=x onerror=alert(&#x27;skylocker&#x27;)&gt;.txt" in page
    assert StoredFile.objects.get().name == hostile
