"""A body too large for any upload is refused as soon as that is known, over real HTTP on the real
web server: from its Content-Length before a byte of it is read, while the client still has
nearly all of it to send. The answer uses the app's own words; nothing is kept."""

import json

import pytest

from tests.live import read_response, site_with_alice, start_upload

LIMIT = 1000
BODY = 500_000  # far past the limit and the form's allowance
WORDS = "This file is larger than the 1000\xa0bytes limit (1,000 bytes)."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with site_with_alice(tmp_path_factory.mktemp("big"), max_upload_bytes=str(LIMIT)) as site:
        yield site


def test_an_api_upload_declaring_too_many_bytes_is_refused_before_they_are_sent(site):
    upload = start_upload(site, length=BODY)
    upload.sendall(b"--b\r\n" + b"x" * 1000)  # 0.2 % of the body; the rest is never sent
    status, body = read_response(upload)
    assert status == 413
    assert json.loads(body) == {"detail": f"{WORDS} Nothing was stored."}
    assert site.stored_rows() == 0
    assert site.leftovers() == []


def test_a_page_upload_declaring_too_many_bytes_is_refused_in_the_same_words(site):
    upload = start_upload(site, length=BODY, path="/files/upload/")
    status, body = read_response(upload)  # not one byte of the body was sent
    assert status == 413
    assert body.decode().startswith(WORDS)
    assert site.stored_rows() == 0
    assert site.leftovers() == []
