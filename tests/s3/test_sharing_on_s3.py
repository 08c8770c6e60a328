"""Share links and file requests with S3 storage (the moto server over HTTP): a share download is
a 302 to a signed URL serving the file as an attachment; a request's upload becomes an object
in the bucket, and a refused one leaves none."""

import re

import httpx
import pytest
from django.test import Client

from locker.models import StoredFile
from sharing.models import FileRequest, ReceivedFile, ShareLink
from tests.conftest import upload_file


@pytest.fixture(autouse=True)
def no_spent_rates(fresh_throttle):
    """Every test starts with no failures counted against any address."""


def test_a_share_download_redirects_to_a_signed_url_serving_the_current_content(
    alice, alice_file
):
    link, token = ShareLink.create(alice_file, alice, door="web")
    alice_file.replace(upload_file("v2.txt", b"second version\n"), actor=alice)

    response = Client().get(f"/s/{token}/download")

    assert response.status_code == 302
    fetched = httpx.get(response["Location"]).raise_for_status()
    assert fetched.content == b"second version\n"
    assert fetched.headers["content-disposition"].startswith("attachment")
    link.refresh_from_db()
    assert link.downloads == 1


def test_a_used_up_link_hands_out_no_signed_url(alice, alice_file):
    _, token = ShareLink.create(alice_file, alice, door="web", max_downloads=1)
    Client().get(f"/s/{token}/download")

    response = Client().get(f"/s/{token}/download")

    assert response.status_code == 404 and "Location" not in response


def csrf_of(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_an_upload_through_a_request_becomes_an_object_in_the_bucket(
    alice, s3, bucket, stored_objects
):
    _, token = FileRequest.create(alice, door="web", max_files=2)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/r/{token}")

    response = browser.post(
        f"/r/{token}",
        {"csrfmiddlewaretoken": csrf_of(page), "file": upload_file("in.txt", b"sent in\n"),
         "name": "Dan"},
    )

    assert response.status_code == 201
    stored = StoredFile.objects.get(owner=alice)
    assert stored_objects() == [stored.object_name]
    assert s3.get_object(Bucket=bucket, Key=stored.object_name)["Body"].read() == b"sent in\n"
    assert ReceivedFile.objects.get().uploader_name == "Dan"


def test_an_oversize_upload_through_a_request_leaves_nothing_in_the_bucket(
    alice, stored_objects
):
    _, token = FileRequest.create(alice, door="web", max_bytes=4)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/r/{token}")

    response = browser.post(
        f"/r/{token}",
        {"csrfmiddlewaretoken": csrf_of(page), "file": upload_file("big.txt", b"12345")},
    )

    assert response.status_code == 413
    assert not StoredFile.objects.exists() and stored_objects() == []
