"""File requests: anyone with the link uploads into the owner's locker through /r/<token>, by
the owner's own upload rules (limit counted while the bytes arrive, quota, names, CSRF), and
can never list, read or overwrite anything."""

import re
from datetime import timedelta

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from locker.models import Quota, StoredFile
from sharing.models import FileRequest, ReceivedFile, ShareLink
from tests.conftest import temp_files, upload_file

INVALID = "This link is not valid any more"


def ask(owner, **options):
    return FileRequest.create(owner, door="web", **options)


def visitor() -> Client:
    """An anonymous browser that must send the page's CSRF token, as a real one must."""
    return Client(enforce_csrf_checks=True)


def send(browser: Client, token: str, content: bytes = b"a report\n", filename="report.txt",
         **more):
    """GET the page (for its CSRF token), then POST the file as its form does."""
    page = browser.get(f"/r/{token}")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    data = {"csrfmiddlewaretoken": csrf.group(1) if csrf else "", **more}
    return browser.post(f"/r/{token}", {**data, "file": upload_file(filename, content)})


@pytest.fixture(autouse=True)
def no_spent_rates(fresh_throttle):
    """Every test starts with no failures counted against any address."""


@pytest.mark.django_db
def test_an_anonymous_upload_lands_in_the_owners_files_marked_received_via(
    alice, alice_client, stored_objects
):
    asked, token = ask(alice, message="Send me the slides", max_files=3)

    page = Client().get(f"/r/{token}")
    response = send(visitor(), token, b"slides\n", "slides.pdf", name="Carol", note="v2")

    assert "Send me the slides" in page.content.decode()
    assert response.status_code == 201
    stored = StoredFile.objects.get(owner=alice)
    assert (stored.name, stored.size, stored.description) == ("slides.pdf", 7, "v2")
    assert stored_objects() == [stored.object_name]
    mark = ReceivedFile.objects.get()
    assert (mark.request, mark.file_id, mark.uploader_name, mark.uploader_note) == (
        asked, stored.pk, "Carol", "v2"
    )
    asked.refresh_from_db()
    assert asked.files_received == 1
    events = AuditEvent.objects.filter(door="request").order_by("id")
    assert [(e.action, e.owner_id, e.actor_id) for e in events] == [
        ("file.uploaded", alice.pk, None), ("request.used", alice.pk, None)
    ]
    listed = alice_client.get("/files/").content.decode()
    assert "received via Send me the slides" in listed and "from Carol" in listed


@pytest.mark.django_db
def test_the_public_upload_form_needs_its_csrf_token(alice, stored_objects):
    _, token = ask(alice)

    response = visitor().post(f"/r/{token}", {"file": upload_file("x.txt", b"x")})

    assert response.status_code == 403
    assert not StoredFile.objects.exists() and stored_objects() == []


@pytest.mark.django_db
def test_a_request_past_its_file_count_takes_nothing_more(alice, stored_objects):
    asked, token = ask(alice, max_files=1)

    first = send(visitor(), token, b"one\n", "one.txt")
    second = send(visitor(), token, b"two\n", "two.txt")

    assert first.status_code == 201
    assert second.status_code == 404 and INVALID in second.content.decode()
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["one.txt"]
    assert len(stored_objects()) == 1
    asked.refresh_from_db()
    assert (asked.files_received, asked.state()) == (1, "full")


@pytest.mark.django_db
def test_a_request_past_its_expiry_takes_nothing(alice, stored_objects):
    asked, token = ask(alice)
    browser = visitor()
    page = browser.get(f"/r/{token}")
    FileRequest.objects.filter(pk=asked.pk).update(expires_at=timezone.now() - timedelta(1))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())

    response = browser.post(
        f"/r/{token}", {"csrfmiddlewaretoken": csrf.group(1), "file": upload_file()}
    )

    assert response.status_code == 404 and INVALID in response.content.decode()
    assert not StoredFile.objects.exists() and stored_objects() == []


@pytest.mark.django_db
def test_a_revoked_request_takes_nothing(alice, stored_objects):
    asked, token = ask(alice)
    asked.revoke(alice, door="web")

    response = send(visitor(), token)

    assert response.status_code == 404
    assert not StoredFile.objects.exists() and stored_objects() == []


@pytest.mark.django_db
def test_a_file_over_the_requests_limit_is_refused_while_it_arrives(
    alice, data_dir, stored_objects
):
    asked, token = ask(alice, max_bytes=10)

    response = send(visitor(), token, b"x" * 11, "big.bin")

    assert response.status_code == 413
    assert "10 bytes" in response.content.decode()
    assert not StoredFile.objects.exists() and stored_objects() == []
    assert temp_files(data_dir) == []
    asked.refresh_from_db()
    assert asked.files_received == 0


@pytest.mark.django_db
def test_a_request_cannot_allow_more_than_the_upload_limit(settings, alice_client):
    settings.MAX_UPLOAD_BYTES = 1000

    response = alice_client.post(
        "/requests/new/", {"days": "7", "max_files": "5", "max_bytes": "1001"}
    )

    assert response.status_code == 400
    assert not FileRequest.objects.exists()


@pytest.mark.django_db
def test_the_owners_quota_applies_and_the_uploader_does_not_learn_the_owners_numbers(
    alice, stored_objects
):
    Quota.objects.create(user=alice, quota_bytes=5)
    _, token = ask(alice)

    response = send(visitor(), token, b"more than five bytes")

    assert response.status_code == 413
    assert "full" in response.content.decode() and "5 bytes" not in response.content.decode()
    assert not StoredFile.objects.exists() and stored_objects() == []


@pytest.mark.django_db
def test_hostile_names_are_cleaned_as_for_the_owners_uploads(alice):
    _, token = ask(alice)

    send(visitor(), token, b"x\n", "../../etc/pass\u202ewd.txt")

    assert StoredFile.objects.get().name == "passwd.txt"


@pytest.mark.django_db
def test_the_uploader_cannot_list_read_or_overwrite_anything(alice, alice_file, stored_objects):
    _, token = ask(alice, max_files=5)
    browser = visitor()
    send(browser, token, b"first\n", "alice.txt")

    page = browser.get(f"/r/{token}").content.decode()
    files = browser.get("/files/")
    download = browser.get(f"/files/{alice_file.pk}/download/")

    assert "alice.txt" not in page
    assert files.status_code == 302 and download.status_code == 302  # to the log-in page
    alice_file.refresh_from_db()
    assert StoredFile.objects.filter(name="alice.txt").count() == 2  # a new file, not a replace
    with alice_file.file.open("rb") as original:
        assert original.read() == b"alice's secret\n"
    assert len(stored_objects()) == 2


@pytest.mark.django_db
def test_a_password_request_takes_nothing_without_the_password(alice, stored_objects):
    _, token = ask(alice, password="open sesame")
    browser = visitor()

    refused = send(browser, token)
    page = browser.get(f"/r/{token}").content.decode()

    assert refused.status_code == 403
    assert 'type="file"' not in page
    assert not StoredFile.objects.exists() and stored_objects() == []


@pytest.mark.django_db
def test_the_javascript_form_gets_its_answer_as_json(alice):
    _, token = ask(alice)
    browser = Client()

    response = browser.post(
        f"/r/{token}", {"file": upload_file("a.txt", b"a")}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 201
    assert response.json() == {"detail": "Received a.txt. Thank you."}


@pytest.mark.django_db
def test_the_owner_makes_a_request_on_the_page_and_revokes_it(alice, alice_client):
    made = alice_client.post(
        "/requests/new/",
        {"days": "2", "max_files": "4", "max_bytes": "1000", "message": "Your photos"},
    )
    url = re.search(r'value="(http://testserver/r/[^"]+)"', made.content.decode()).group(1)
    asked = FileRequest.objects.get()

    assert (asked.max_files, asked.max_bytes, asked.message) == (4, 1000, "Your photos")
    assert Client().get(url).status_code == 200
    alice_client.post(f"/requests/{asked.pk}/revoke/")
    assert Client().get(url).status_code == 404
    requests = AuditEvent.objects.filter(action__startswith="request.")  # not the sign-in
    assert [e.action for e in requests.order_by("id")] == [
        "request.created", "request.revoked"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_on_a_request_link_is_refused_over_http(live_server, alice, data_dir):
    _, token = ask(alice)

    def chunks():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.txt\"\r\n\r\n"
        yield b"chunked\r\n--b--\r\n"

    response = httpx.post(
        f"{live_server.url}/r/{token}", content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )

    assert response.status_code == 411
    assert not StoredFile.objects.exists() and temp_files(data_dir) == []


@pytest.mark.django_db
def test_the_type_rule_applies_and_a_shared_html_file_is_served_as_opaque_bytes(alice):
    _, token = ask(alice)
    page = b"<!doctype html><html><script>alert(document.cookie)</script></html>"

    send(visitor(), token, page, "innocent.txt")
    stored = StoredFile.objects.get()
    _, share_token = ShareLink.create(stored, alice, door="web")
    download = Client().get(f"/s/{share_token}/download")

    assert stored.content_type == "text/html"  # detected from the bytes, not the name
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
