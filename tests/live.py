"""Skylocker in other processes, as `make run` runs it: `manage.py` commands, its web server,
and the helpers every test over real processes needs (a free port, waiting for a condition)."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`manage.py ARGS` with this environment, to the end; with `check`, a failure fails the
    test with its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def start_manage(env: dict, *args: str, **popen: Any) -> subprocess.Popen:
    """`manage.py ARGS` started in the background (a worker, a server); its output is read
    from the returned process unless `popen` says otherwise."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True, **popen}
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, **options)


def wait_until(condition: Callable[[], T], timeout: float = 30.0) -> T:
    """The first truthy answer of `condition()`, asked every 0.05 s; the test fails after
    `timeout` seconds without one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"the condition never came true within {timeout} s")


def answers(url: str) -> bool:
    """Whether `url` answers 200 right now (a server that is up and ready)."""
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def web_server(port: int, workers: int = 1) -> list[str]:
    """The command that serves Skylocker's web side, as bin/serve and the AWS instances run it."""
    return [sys.executable, "-m", "skylocker.serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers)]  # fmt: skip


@contextmanager
def serving(env: dict, *, workers: int = 1, ready_within: float = 30.0) -> Iterator[str]:
    """The base URL of Skylocker served with this environment, once /healthz answers."""
    port = free_port()
    process = subprocess.Popen(
        web_server(port, workers),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert process.poll() is None, "the web server exited while starting"
        return answers(f"{url}/healthz")

    try:
        wait_until(up, timeout=ready_within)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


SEED_ALICE = """
from django.contrib.auth.models import User
from api.models import ApiToken
print(ApiToken.issue(User.objects.create_user("alice", password="x"))[1])
"""


@dataclass
class Site:
    url: str
    data: Path
    token: str  # alice's API token

    def stored_rows(self) -> int:
        with sqlite3.connect(self.data / "skylocker.sqlite3") as db:
            return db.execute("SELECT count(*) FROM locker_storedfile").fetchone()[0]

    def leftovers(self) -> list[Path]:
        """Files in storage or in the temp folder: an upload refused or dropped leaves none."""
        return [p for folder in ("files", "tmp") for p in (self.data / folder).rglob("*")
                if p.is_file()]  # fmt: skip


@contextmanager
def site_with_alice(tmp_path: Path, **settings: str) -> Iterator[Site]:
    """Skylocker on a fresh SQLite database with these SKYLOCKER_* settings; alice signed up."""
    data = tmp_path / "data"
    env = {**os.environ, "SKYLOCKER_DATA_DIR": str(data), "SECRET_KEY": "live-" + "s" * 45}
    env.pop("DATABASE_URL", None)
    env.update({f"SKYLOCKER_{name.upper()}": value for name, value in settings.items()})
    manage(env, "migrate", "-v", "0")
    token = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SEED_ALICE],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    with serving(env) as url:
        yield Site(url, data, token)


def start_upload(site: Site, length: int, path: str = "/api/v1/files") -> socket.socket:
    """A connection that has sent an upload's headers, declaring `length` bytes of body, and
    nothing of the body yet."""
    port = int(site.url.rsplit(":", 1)[1])
    upload = socket.create_connection(("127.0.0.1", port), timeout=60)
    upload.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {site.token}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {length}\r\n\r\n".encode()
    )
    return upload


def read_response(connection: socket.socket) -> tuple[int, bytes]:
    """The status and body of the one response the server sends, read until it closes."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body
