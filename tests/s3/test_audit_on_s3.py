"""On S3 the audit log is the same: a direct upload is recorded when it is finalized (at the
door that finalized it), and a download when its signed URL is handed out."""

import httpx
from rest_framework.test import APIClient

from api.models import ApiToken
from audit.models import AuditEvent
from locker.models import StoredFile
from tests.audit_rows import CLI, events
from tests.conftest import client_for, upload_file

CONTENT = b"%PDF-1.7 quarterly report\n"


def direct_upload(api) -> dict:
    ticket = api.post("/api/v1/uploads", {"name": "q3.pdf"}, format="json").json()
    sent = httpx.post(ticket["url"], data=ticket["fields"], files={"file": ("f", CONTENT)})
    assert sent.is_success
    response = api.post(f"/api/v1/uploads/{ticket['id']}/finalize", {}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_direct_upload_from_the_page_and_from_the_cli_is_recorded_once_finalized(alice):
    page = APIClient()
    page.force_login(alice)  # the upload page's JavaScript: the session cookie
    from_page = direct_upload(page)
    _, raw = ApiToken.issue(alice)
    cli = APIClient(HTTP_USER_AGENT=CLI, HTTP_AUTHORIZATION=f"Bearer {raw}")
    from_cli = direct_upload(cli)
    assert events("file.uploaded") == [
        ("alice", "alice", "web", "127.0.0.1", "ok"), ("alice", "alice", "cli", "127.0.0.1", "ok")
    ]
    first, second = StoredFile.objects.order_by("created_at")
    assert [str(first.pk), str(second.pk)] == [from_page["id"], from_cli["id"]]
    uploads = AuditEvent.objects.filter(action="file.uploaded").order_by("id")
    assert [e.detail for e in uploads] == [{"size": len(CONTENT), "direct": True}] * 2


def test_a_download_on_s3_is_recorded_when_its_signed_url_is_handed_out(client, alice):
    stored = StoredFile.create_from_upload(alice, upload_file("q3.pdf", CONTENT))
    response = client_for(client, alice).get(f"/files/{stored.pk}/download/")
    assert response.status_code == 302
    assert httpx.get(response["Location"]).content == CONTENT
    assert events("file.downloaded") == [("alice", "alice", "web", "127.0.0.1", "ok")]

