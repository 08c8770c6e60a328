"""Skylocker in other processes, as `make run` runs it: `manage.py` commands, gunicorn, and
the helpers every test over real processes needs (a free port, waiting for a condition)."""

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def gunicorn(env: dict, *, workers: int = 1) -> Iterator[str]:
    """The base URL of a gunicorn serving Skylocker with this environment, once /healthz answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "skylocker.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert process.poll() is None, "gunicorn exited while starting"
        return answers(f"{url}/healthz")

    try:
        wait_until(up)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
