"""Uploads trickling in over slow connections do not keep anyone else waiting: while a dozen of
them arrive a few bytes at a time, the same single web process (4 threads, as each of
`make run`'s) answers the file list and the health check. Real web server, real sockets."""

import socket
import threading
import time

import httpx
import pytest

from tests.live import site_with_alice, start_upload

SLOW_UPLOADS = 16  # four times the web process's threads


@pytest.fixture
def site(tmp_path):
    with site_with_alice(tmp_path) as site:
        yield site


def test_the_list_and_health_check_answer_while_slow_uploads_trickle_in(site):
    uploads = [start_upload(site, length=1_000_000) for _ in range(SLOW_UPLOADS)]
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for upload in uploads:
                upload.sendall(b"x" * 20)
            time.sleep(0.1)

    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        time.sleep(0.5)  # every upload under way
        with httpx.Client(base_url=site.url, timeout=10) as client:
            auth = {"Authorization": f"Bearer {site.token}"}
            answers = [client.get("/api/v1/files", headers=auth) for _ in range(10)]
            answers += [client.get("/healthz") for _ in range(10)]
        still_receiving = [upload for upload in uploads if quiet(upload)]
    finally:
        stop.set()
        trickler.join()
        for upload in uploads:
            upload.close()
    assert [a.status_code for a in answers] == [200] * 20
    assert answers[0].json()["count"] == 0
    assert len(still_receiving) == SLOW_UPLOADS  # no upload was answered or dropped meanwhile
    assert site.stored_rows() == 0


def quiet(upload) -> bool:
    """The server has neither answered nor closed this connection."""
    upload.setblocking(False)
    try:
        upload.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    finally:
        upload.setblocking(True)
    return False
