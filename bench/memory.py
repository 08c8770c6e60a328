#!/usr/bin/env python3
"""Memory while files stream: does a web process's RSS grow with the size of what it carries?

Starts the web server (skylocker/serve.py) as one process with one thread on a fresh data
folder (local disk, SQLite) and a size limit raised for the run, then uploads and downloads
files of growing size through the API, sampling the process's resident memory (VmRSS in
/proc) every few milliseconds. Bodies are spooled to an unnamed temp file as they arrive,
uploads are counted and hashed chunk by chunk into a temporary file, and downloads are
streamed from storage, so the peak should stay near the idle size whatever the file size.
Prints a table; exits 1 if a download's SHA-256 differs from the upload's.

    .venv/bin/python bench/memory.py [--sizes-mib 1 10 100 400]
"""

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak import ROOT, fresh_install, manage, wait_until_ready  # noqa: E402

SEED = """
from django.contrib.auth.models import User
from api.models import ApiToken
print(ApiToken.issue(User.objects.create_user("bench", password=None))[1])
"""
MIB = 1024 * 1024


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class PeakRss(threading.Thread):
    """Samples a process's RSS until stopped; `peak` is the highest value seen, in KiB."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, rss_kib(pid), threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.005)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()


def random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = size
        while left:
            chunk = os.urandom(min(left, MIB))
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mib", type=int, nargs="+", default=[1, 10, 100, 400])
    args = parser.parse_args()

    data, port, env = fresh_install(
        "memory", SKYLOCKER_MAX_UPLOAD_BYTES=str(max(args.sizes_mib) * MIB),
        SKYLOCKER_WEB_THREADS="1")
    token = manage(env, "shell", "-c", SEED).strip().splitlines()[-1]
    base = f"http://127.0.0.1:{port}"
    log = open(data / "server.log", "w")  # noqa: SIM115 - open for the server's whole life
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "skylocker.serve", "--port", str(port),
         "--workers", "1"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    rows, failures = [], []
    try:
        wait_until_ready(base, server)
        pid = server.pid  # one web process: the server itself
        client = httpx.Client(base_url=base, timeout=600,
                              headers={"Authorization": f"Bearer {token}"})
        client.get("/api/v1/files").raise_for_status()  # imports and connections warmed up
        idle = rss_kib(pid)
        print(f"Memory bench against {base}: one web process (pid {pid}), "
              f"idle RSS {idle / 1024:.1f} MiB", flush=True)
        for size_mib in args.sizes_mib:
            source = data / f"upload-{size_mib}.bin"
            sha = random_file(source, size_mib * MIB)

            with PeakRss(pid) as up, source.open("rb") as body:
                started = time.monotonic()
                answer = client.post("/api/v1/files", files={"file": (source.name, body)},
                                     data={"description": f"{size_mib} MiB"})
                up_seconds = time.monotonic() - started
            answer.raise_for_status()
            stored = answer.json()

            digest = hashlib.sha256()
            with PeakRss(pid) as down:
                started = time.monotonic()
                with client.stream("GET", f"/api/v1/files/{stored['id']}/content") as reply:
                    reply.raise_for_status()
                    for chunk in reply.iter_bytes():
                        digest.update(chunk)
                down_seconds = time.monotonic() - started
            if stored["sha256"] != sha or digest.hexdigest() != sha:
                failures.append(f"{size_mib} MiB: SHA-256 differs")
            source.unlink()
            rows.append((size_mib, up.peak, up_seconds, down.peak, down_seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    print()
    print("| file MiB | upload s | upload MiB/s | peak RSS upload MiB | download s "
          "| download MiB/s | peak RSS download MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size_mib, up_peak, up_s, down_peak, down_s in rows:
        print(f"| {size_mib} | {up_s:.2f} | {size_mib / up_s:.0f} | {up_peak / 1024:.1f} "
              f"| {down_s:.2f} | {size_mib / down_s:.0f} | {down_peak / 1024:.1f} |")
    print(f"\nIdle RSS {idle / 1024:.1f} MiB. SHA-256 of every download: "
          f"{'ok' if not failures else 'FAILED'}")
    for line in failures:
        print(f"  ! {line}")
    if failures:
        sys.exit(f"Memory bench FAILED; the data folder is kept in {data}")
    shutil.rmtree(data)


if __name__ == "__main__":
    main()
