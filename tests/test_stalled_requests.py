"""A request whose body or headers stop arriving is dropped after SKYLOCKER_BODY_TIMEOUT seconds
without a byte, over real HTTP on the real web server: it holds no web thread meanwhile, and
nothing of it is kept."""

import json
import socket

import pytest

from tests.live import read_response, site_with_alice, start_upload

TIMEOUT = 1  # seconds; the default is 30


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with site_with_alice(tmp_path_factory.mktemp("stall"), body_timeout=str(TIMEOUT)) as site:
        yield site


def test_a_body_that_stops_arriving_is_answered_408_and_the_connection_closed(site):
    upload = start_upload(site, length=100_000)
    upload.sendall(b"--b\r\n" + b"x" * 5000)  # a start, then silence
    status, body = read_response(upload)  # returns once the server has closed the connection
    assert status == 408
    assert json.loads(body)["detail"].startswith("The request's body stopped arriving for 1 second")
    assert site.stored_rows() == 0
    assert site.leftovers() == []


def test_a_body_that_never_starts_is_dropped_too(site):
    upload = start_upload(site, length=100_000, path="/files/upload/")
    status, body = read_response(upload)
    assert status == 408
    assert body.decode().startswith("The request's body stopped arriving")
    assert site.stored_rows() == 0


@pytest.mark.parametrize("sent", [b"", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "])
def test_headers_that_stop_arriving_are_dropped_without_an_answer(site, sent):
    port = int(site.url.rsplit(":", 1)[1])
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(sent)
    assert connection.recv(1) == b""  # closed by the server, well before this socket's timeout
