"""Uploads over real HTTP whose Content-Length is missing or wrong: refused clearly, nothing kept.

The size limit never trusts Content-Length (see locker/uploads.py). Django reads no more than the
declared length (nothing when it is missing), so such a file never arrives whole: the client gets
a JSON error and no row, object or temp file is left. An honest over-limit body gets the 413.
"""

import http.client
import json
from urllib.parse import urlsplit

import pytest

from api.models import ApiToken
from locker.models import StoredFile
from tests.conftest import temp_files

BOUNDARY = "skylocker-boundary"


def multipart(content: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.fixture
def post_raw(live_server, alice):
    token = ApiToken.issue(alice)[1]
    server = urlsplit(live_server.url)

    def post(body: bytes, content_length: int | None):
        conn = http.client.HTTPConnection(server.hostname, server.port, timeout=30)
        conn.putrequest("POST", "/api/v1/files")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        if content_length is None:
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            conn.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        else:
            conn.putheader("Content-Length", str(content_length))
            conn.endheaders()
            conn.send(body)
        response = conn.getresponse()
        result = response.status, json.loads(response.read())
        conn.close()
        return result

    return post


@pytest.mark.parametrize("size", [10, 5000])
def test_an_upload_without_content_length_is_411_saying_so_and_leaves_nothing(
    post_raw, settings, stored_objects, data_dir, size
):
    settings.MAX_UPLOAD_BYTES = 1000
    status, body = post_raw(multipart(b"x" * size), content_length=None)
    assert status == 411
    assert body["detail"].startswith("Send the request with a Content-Length header")
    assert not StoredFile.objects.exists()
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_an_over_limit_upload_claiming_to_be_small_is_refused_and_leaves_nothing(
    post_raw, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 1000
    status, body = post_raw(multipart(b"x" * 5000), content_length=600)
    assert (status, body["file"]) == (400, ["Choose a file to upload."])
    assert not StoredFile.objects.exists()
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_an_over_limit_upload_with_an_honest_length_is_413_over_real_http(
    post_raw, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 1000
    payload = multipart(b"x" * 5000)
    status, body = post_raw(payload, content_length=len(payload))
    assert status == 413
    assert "larger than" in body["detail"]
    assert not StoredFile.objects.exists()
    assert stored_objects() == []
    assert temp_files(data_dir) == []
