"""One content-type rule whichever way a file arrived: the type detected from the bytes is
recorded, and types a browser would render or run are sent as opaque bytes."""

import hashlib

import httpx

from locker.models import StoredFile
from tests.conftest import client_for, upload_file
from tests.s3.test_direct_upload import finalize, send, start

PDF = b"%PDF-1.7 the same report\n" + b"x" * 500
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077")


def served(client, stored: StoredFile) -> httpx.Response:
    """The download as the browser gets it: the app's redirect, then the signed URL."""
    response = client.get(f"/api/v1/files/{stored.pk}/content")
    assert response.status_code == 302
    return httpx.get(response["Location"])


def through_the_app(client, name: str, content: bytes) -> StoredFile:
    response = client.post("/api/v1/files", {"file": upload_file(name, content)})
    assert response.status_code == 201, response.content
    return StoredFile.objects.get(pk=response.json()["id"])


def directly(client, name: str, content: bytes) -> StoredFile:
    ticket = start(client, name=name)
    assert send(ticket, content).status_code == 204
    response = finalize(client, ticket, sha256=hashlib.sha256(content).hexdigest())
    assert response.status_code == 201, response.content
    return StoredFile.objects.get(pk=response.json()["id"])


def test_a_pdf_is_recorded_as_pdf_and_sent_as_bytes_however_it_arrived(client, alice):
    client = client_for(client, alice)

    by_app = through_the_app(client, "report.pdf", PDF)
    direct = directly(client, "report.pdf", PDF)

    assert by_app.content_type == direct.content_type == "application/pdf"
    for stored in (by_app, direct):
        response = served(client, stored)
        assert response.status_code == 200
        assert response.content == PDF
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-disposition"].startswith('attachment; filename="report')


def test_a_harmless_type_is_recorded_and_sent_as_itself_however_it_arrived(client, alice):
    client = client_for(client, alice)

    by_app = through_the_app(client, "dot.png", PNG)
    direct = directly(client, "dot.png", PNG)

    assert by_app.content_type == direct.content_type == "image/png"
    for stored in (by_app, direct):
        response = served(client, stored)
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"
