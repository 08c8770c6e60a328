"""`make run`'s server (bin/serve): Ctrl-C stops the web server and the worker, cleanly.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group; the test does the
same to bin/serve's group, after the web server has answered requests.
"""

import os
import signal
import subprocess
from pathlib import Path

import httpx

from tests.live import ROOT, answers, free_port, manage, wait_until


def processes_serving(data) -> list[int]:
    """Every process whose environment names this data folder: gunicorn's and the worker."""
    mark = f"SKYLOCKER_DATA_DIR={data}".encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if mark in (Path("/proc") / pid / "environ").read_bytes().split(b"\0"):
                found.append(int(pid))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def test_ctrl_c_stops_the_web_server_and_the_worker_gracefully(tmp_path):
    data = tmp_path / "data"
    port = free_port()
    env = {**os.environ, "SKYLOCKER_DATA_DIR": str(data), "SECRET_KEY": "k" * 50,
           "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v", "0")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen([str(ROOT / "bin" / "serve")], cwd=ROOT, env=env,
                                 start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/healthz"))
        assert len(processes_serving(data)) >= 3  # bin/serve, gunicorn's master, the worker…
        for _ in range(20):
            assert httpx.get(f"http://127.0.0.1:{port}/accounts/login/").status_code == 200

        os.killpg(serve.pid, signal.SIGINT)

        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    assert processes_serving(data) == []  # neither gunicorn nor the worker left behind
    assert not answers(f"http://127.0.0.1:{port}/healthz")
    output = log.read_text()
    assert "Shutting down: Master" in output
    assert "SIGKILL" not in output  # no worker had to be killed
