"""Downloads: streamed from storage, always as attachments, active content never rendered inline."""

import hashlib
from urllib.parse import quote

import pytest
from django.http import FileResponse
from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import upload_file

HTML = b"<!doctype html><html><body><script>alert('skylocker')</script></body></html>"
PDF = b"%PDF-1.7 a report a browser would open inline\n"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert('skylocker')</script></svg>"


def stored(owner, name, content):
    return StoredFile.create_from_upload(owner, upload_file(name, content), "")


def test_a_download_streams_the_stored_bytes_as_an_attachment(alice_client, alice_file):
    response = alice_client.get(reverse("download", args=[alice_file.pk]))
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response.streaming
    assert b"".join(response.streaming_content) == b"alice's secret\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Length"] == str(alice_file.size)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_large_download_is_sent_in_chunks_not_read_whole(alice_client, alice):
    content = b"0123456789abcdef" * 65536  # 1 MiB
    big = stored(alice, "big.bin", content)
    response = alice_client.get(reverse("download", args=[big.pk]))
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert max(len(chunk) for chunk in chunks) <= FileResponse.block_size
    assert hashlib.sha256(b"".join(chunks)).hexdigest() == big.sha256


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("page.html", HTML, "text/html"),
        ("drawing.svg", SVG, "image/svg+xml"),
        ("page.txt", HTML, "text/html"),
        ("report.pdf", PDF, "application/pdf"),
    ],
)
def test_active_types_are_recorded_as_detected_and_served_as_opaque_attachments(
    alice_client, alice, name, content, detected
):
    active = stored(alice, name, content)
    assert active.content_type == detected
    response = alice_client.get(reverse("download", args=[active.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content


def test_a_plain_file_keeps_its_detected_type(alice_client, alice_file):
    response = alice_client.get(reverse("download", args=[alice_file.pk]))
    assert response["Content-Type"].startswith("text/plain")


def test_the_download_name_follows_rfc_6266_with_an_ascii_fallback(alice_client, alice):
    name = 'Résumé "final" – 日本.txt'
    unicode_file = stored(alice, name, b"cv")
    response = alice_client.get(reverse("download", args=[unicode_file.pk]))
    disposition = response["Content-Disposition"]
    assert disposition == (
        'attachment; filename="R_sum_ _final_ _ __.txt"; '
        f"filename*=UTF-8''{quote(unicode_file.name, safe='')}"
    )
    assert "\n" not in disposition and "\r" not in disposition


def test_a_name_with_header_breaking_characters_cannot_split_the_header(alice_client, alice):
    tricky = stored(alice, 'a";\r\nSet-Cookie: x=1.txt', b"x")
    response = alice_client.get(reverse("download", args=[tricky.pk]))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.cookies.get("x") is None


def test_a_file_whose_object_cannot_be_read_answers_503_with_a_message(
    alice_client, alice_file, files_dir
):
    (files_dir / alice_file.file.name).unlink()  # the disk lost it behind Skylocker's back
    response = alice_client.get(reverse("download", args=[alice_file.pk]))
    assert response.status_code == 503
    assert "cannot read this file" in response.content.decode()
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()  # nothing is changed


def test_the_api_answers_503_in_json_when_the_object_cannot_be_read(
    client, alice, alice_file, files_dir
):
    (files_dir / alice_file.file.name).unlink()
    client.force_login(alice)
    response = client.get(f"/api/v1/files/{alice_file.pk}/content")
    assert response.status_code == 503
    assert "cannot read this file" in response.json()["detail"]
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()
