#!/usr/bin/env python3
"""10 MiB up and down: Skylocker's upload and download times, and nginx serving the same bytes.

One seeded site (alice with an API token, SQLite, local disk) served as `make run` serves it
(python -m skylocker.serve, 2 web processes), and nginx from Debian's package serving the same
bytes from a folder of its own, on another port. Uploads go through the API (POST
/api/v1/files, multipart, the body sent from memory) and are deleted again (the site keeps no
trash) so that the quota never fills; downloads read GET /api/v1/files/<id>/content and
nginx's copy in turn, so the machine's noise falls on both alike. Every download's SHA-256 is
checked. Prints the median and 95th percentile of each and the download's median over nginx's.

    .venv/bin/python bench/transfer.py [--mib 10] [--rounds 30]

Needs nginx (`apt-get install -y nginx-light`); it is started with its own configuration in a
temporary folder and stopped afterwards.
"""

import argparse
import hashlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from serving import cores, percentile, seeded_site, served
from soak import free_port

NGINX_CONF = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    types {{ application/octet-stream bin; }}
    server {{
        listen 127.0.0.1:{port};
        root {root}/files;
    }}
}}
"""


def need_nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        raise SystemExit("this bench compares with nginx: apt-get install -y nginx-light")
    return found


class Nginx:
    """nginx serving `body` as /same.bin from a temporary folder, on a free port."""

    def __init__(self, body: bytes) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="skylocker-nginx-"))
        self.root.chmod(0o755)  # nginx's workers may run as another user than its master
        (self.root / "files").mkdir(mode=0o755)
        (self.root / "files" / "same.bin").write_bytes(body)
        self.port = free_port()
        conf = self.root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=self.root, port=self.port))
        self.process = subprocess.Popen(
            [need_nginx(), "-c", str(conf), "-p", str(self.root), "-g", "daemon off;"],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}/same.bin"
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.head(self.url).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"nginx did not start: {self.root / 'error.log'}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def timed_get(client: httpx.Client, url: str, digest: str) -> float:
    started = time.perf_counter()
    answer = client.get(url)
    seconds = time.perf_counter() - started
    answer.raise_for_status()
    if hashlib.sha256(answer.content).hexdigest() != digest:
        raise SystemExit(f"{url} sent other bytes than were uploaded")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    need_nginx()
    body = os.urandom(args.mib * 2**20)
    digest = hashlib.sha256(body).hexdigest()
    # Deleted uploads skip the trash (SKYLOCKER_TRASH_DAYS=0), so the quota never fills.
    data, port, env, token = seeded_site("transfer", files=0, SKYLOCKER_TRASH_DAYS="0")
    uploads, downloads, nginx_downloads = [], [], []
    nginx = None
    try:
        with served("skylocker", data, port, env) as url:
            nginx = Nginx(body)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, headers=headers, timeout=120) as api, \
                    httpx.Client(timeout=120) as plain:  # fmt: skip
                kept = None
                for number in range(args.rounds + 1):  # the first of each is a warm-up
                    started = time.perf_counter()
                    answer = api.post(
                        "/api/v1/files", files={"file": ("same.bin", body)},
                        data={"description": "transfer bench"},
                    )  # fmt: skip
                    seconds = time.perf_counter() - started
                    if answer.status_code != 201:
                        raise SystemExit(f"upload answered {answer.status_code}: {answer.text}")
                    if kept is None:
                        kept = answer.json()["id"]
                    else:
                        api.delete(f"/api/v1/files/{answer.json()['id']}").raise_for_status()
                    down = timed_get(api, f"/api/v1/files/{kept}/content", digest)
                    same = timed_get(plain, nginx.url, digest)
                    if number:
                        uploads.append(seconds)
                        downloads.append(down)
                        nginx_downloads.append(same)
    finally:
        if nginx is not None:
            nginx.stop()
        shutil.rmtree(data, ignore_errors=True)
    print(f"\n{args.mib} MiB, {args.rounds} rounds after a warm-up; SQLite and local disk, "
          f"{cores()} cores, 2 web processes; nginx 1 worker, sendfile")  # fmt: skip
    print("| transfer | median ms | p95 ms | MiB/s at the median |")
    print("|---|---:|---:|---:|")
    for label, times in (
        ("upload (API)", uploads),
        ("download (API)", downloads),
        ("download (nginx, same bytes)", nginx_downloads),
    ):
        median = statistics.median(times)
        print(f"| {label} | {median * 1000:.1f} | {percentile(times, 0.95) * 1000:.1f} "
              f"| {args.mib / median:.0f} |")  # fmt: skip
    ratio = statistics.median(downloads) / statistics.median(nginx_downloads)
    print(f"download / nginx: {ratio:.2f}× (today's: 1.5×); "
          f"upload median {statistics.median(uploads) * 1000:.0f} ms (today's: about 60 ms)")


if __name__ == "__main__":
    sys.exit(main())
