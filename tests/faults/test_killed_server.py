"""The web server is SIGKILLed in the middle of an upload: no row, no object, and the upload's
temp file is gone once the server starts again. Real gunicorn, a real SQLite file, a real
socket. (The worker's sweep of temp files silent for an hour is in tests/test_worker.py.)"""

import os
import signal
import socket
import sqlite3
import subprocess

from tests.live import ROOT, answers, free_port, manage, wait_until

SEED = """
from django.contrib.auth.models import User
from api.models import ApiToken
print(ApiToken.issue(User.objects.create_user("alice", password="x"))[1])
"""


def test_a_killed_upload_leaves_no_row_and_the_next_start_clears_its_temp_file(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "SKYLOCKER_DATA_DIR": str(data), "SECRET_KEY": "k" * 50}
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v", "0")
    token = manage(env, "shell", "-c", SEED).stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "skylocker.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/healthz"))
        head = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n")
        size = 4 * 1024 * 1024
        upload = socket.create_connection(("127.0.0.1", port))
        upload.sendall(
            f"POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {len(head) + size + 8}\r\n\r\n".encode() + head
        )
        upload.sendall(b"x" * (size // 4))  # a quarter of the file, then silence
        temp = wait_until(lambda: [p for p in (data / "tmp").glob("*.upload*")
                                   if p.stat().st_size > 0])
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        upload.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)

    with sqlite3.connect(data / "skylocker.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM locker_storedfile").fetchone() == (0,)
    assert [p for p in (data / "files").rglob("*") if p.is_file()] == []
    assert all(p.exists() for p in temp)  # nobody was left to remove it
    manage(env, "run_worker", "--once")
    assert all(p.exists() for p in temp)  # young: the worker cannot tell it from a live upload

    # The next start (bin/serve, as `make run` does) clears it before serving anyone.
    port = free_port()
    restarted = subprocess.Popen(
        [str(ROOT / "bin" / "serve")], cwd=ROOT, env={**env, "PORT": str(port)},
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/healthz"))
        assert list((data / "tmp").glob("*.upload*")) == []
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=30)
