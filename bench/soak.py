#!/usr/bin/env python3
"""Load without loss: many API clients upload, list, download, replace and delete at once.

Starts a real Skylocker (bin/serve: the web server and the worker) on a free port with a fresh data
folder, runs N clients for S seconds, then proves nothing was lost: every surviving file
downloads with the SHA-256 its client recorded, each client's list matches what it kept,
every deletion's alert was delivered, and `manage.py reconcile --verify --grace 0` is clean.
Prints a table (requests, errors, p50/p99 per operation); exits 1 on any error.

    .venv/bin/python bench/soak.py [--clients 50] [--seconds 60]
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MIX = {"upload": 25, "list": 25, "download": 25, "replace": 10, "delete": 15}

SEED = """
import json
from django.contrib.auth.models import User
from api.models import ApiToken
users = [User.objects.create_user(f"soak{i}", password=None) for i in range({n})]
print(json.dumps([ApiToken.issue(user)[1] for user in users]))
"""
ALERTS = """
import json
from locker.models import AlertDelivery, DeletionAlert, ObjectRemoval
print(json.dumps({"alerts": DeletionAlert.objects.count(),
                  "undelivered": AlertDelivery.objects.pending().count(),
                  "removals": ObjectRemoval.objects.count()}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode not in (0, 1) or (done.returncode and args[0] != "reconcile"):
        sys.exit(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def fresh_install(name: str, **settings) -> tuple[Path, int, dict]:
    """A migrated Skylocker on SQLite and local disk in a new temporary data folder.

    Returns the folder, a free port for it and the environment to serve it with (HOST, PORT
    and `settings` set; a database, bucket, mail server or key from the caller's shell left out).
    """
    data = Path(tempfile.mkdtemp(prefix=f"skylocker-{name}-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SKYLOCKER_S3_BUCKET", "EMAIL_URL", "SECRET_KEY"}}
    env.update(SKYLOCKER_DATA_DIR=str(data), HOST="127.0.0.1", PORT=str(port),
               LOG_LEVEL="WARNING", **settings)
    manage(env, "migrate", "-v", "0")
    return data, port, env


def last_json(text: str):
    """The JSON printed last (start-up may print other lines first)."""
    return json.loads(text.strip().splitlines()[-1])


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.samples = []

    def record(self, op: str, seconds: float, ok: bool, detail: str = ""):
        with self.lock:
            self.latency[op].append(seconds)
            if not ok:
                self.errors[op] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{op}: {detail}")


class SoakClient(threading.Thread):
    """One user's API client; it remembers the SHA-256 of every file it believes it has."""

    def __init__(self, base: str, token: str, stats: Stats, stop: threading.Event, seed: int):
        super().__init__(daemon=True)
        self.http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                 timeout=120)
        self.stats, self.stop, self.rng = stats, stop, random.Random(seed)  # noqa: S311
        self.files: dict[str, str] = {}

    def call(self, op: str, method: str, url: str, expect: int, **kwargs):
        start = time.perf_counter()
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.stats.record(op, time.perf_counter() - start, False, repr(exc))
            return None
        ok = response.status_code == expect
        self.stats.record(op, time.perf_counter() - start, ok,
                          f"{response.status_code} {response.text[:200]}")
        return response if ok else None

    def payload(self) -> bytes:
        return os.urandom(self.rng.choice([1, 16, 64, 256]) * 1024 - self.rng.randrange(1000))

    def run(self):
        while not self.stop.is_set():
            op = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
            if op != "upload" and op != "list" and not self.files:
                op = "upload"
            getattr(self, f"op_{op}")()

    def op_upload(self):
        data = self.payload()
        if r := self.call("upload", "POST", "/api/v1/files", 201,
                          files={"file": ("soak.bin", data)}, data={"description": "soak"}):
            self.files[r.json()["id"]] = hashlib.sha256(data).hexdigest()

    def op_list(self):
        self.call("list", "GET", "/api/v1/files", 200)

    def op_download(self):
        pk = self.rng.choice(list(self.files))
        if r := self.call("download", "GET", f"/api/v1/files/{pk}/content", 200):
            if hashlib.sha256(r.content).hexdigest() != self.files[pk]:
                self.stats.record("download", 0, False, f"{pk}: bytes differ from the upload")

    def op_replace(self):
        pk, data = self.rng.choice(list(self.files)), self.payload()
        if self.call("replace", "PATCH", f"/api/v1/files/{pk}", 200,
                     files={"file": ("soak-v2.bin", data)}):
            self.files[pk] = hashlib.sha256(data).hexdigest()

    def op_delete(self):
        pk = self.rng.choice(list(self.files))
        if self.call("delete", "DELETE", f"/api/v1/files/{pk}", 204):
            del self.files[pk]

    def verify(self) -> list[str]:
        """Every file this client kept is listed, and only those, with the recorded bytes."""
        problems, listed, url = [], set(), "/api/v1/files?page_size=500"
        while url:
            page = self.http.get(url).json()
            listed |= {item["id"] for item in page["results"]}
            url = page.get("next")
        if listed != set(self.files):
            problems.append(f"list differs: {sorted(listed ^ set(self.files))}")
        for pk, sha256 in self.files.items():
            content = self.http.get(f"/api/v1/files/{pk}/content").content
            if hashlib.sha256(content).hexdigest() != sha256:
                problems.append(f"{pk}: bytes differ")
        return problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def table(stats: Stats, seconds: float) -> str:
    rows = ["| operation | requests | errors | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for op in MIX:
        values = stats.latency[op]
        rows.append(f"| {op} | {len(values)} | {stats.errors[op]} | "
                    f"{percentile(values, 0.5):.0f} | {percentile(values, 0.99):.0f} |")
    total = sum(len(v) for v in stats.latency.values())
    rows.append(f"| **all** | {total} | {sum(stats.errors.values())} | | |")
    rows.append(f"\n{total / seconds:.0f} requests/s over {seconds:.0f} s")
    return "\n".join(rows)


def wait_until_ready(url: str, server: subprocess.Popen):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the server exited during start-up")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit("the server did not become ready within 60 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--web-concurrency", default="2", help="web server processes (bin/serve)")
    args = parser.parse_args()

    data, port, env = fresh_install("soak", SKYLOCKER_ADMIN_EMAILS="ops@skylocker.example",
                                    WEB_CONCURRENCY=args.web_concurrency)
    tokens = last_json(manage(env, "shell", "-c", SEED.replace("{n}", str(args.clients))))
    base = f"http://127.0.0.1:{port}"
    log = open(data / "server.log", "w")  # noqa: SIM115 - open for the server's whole life
    server = subprocess.Popen([str(ROOT / "bin" / "serve")], cwd=ROOT, env=env,
                              start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    failures = []
    try:
        wait_until_ready(base, server)
        print(f"Soak: {args.clients} clients for {args.seconds:.0f} s against {base} "
              f"(data in {data})", flush=True)
        stats, stop = Stats(), threading.Event()
        clients = [SoakClient(base, t, stats, stop, seed=i) for i, t in enumerate(tokens)]
        started = time.monotonic()
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started

        for client in clients:
            failures += client.verify()
        kept = sum(len(c.files) for c in clients)
        deadline = time.monotonic() + 120  # the worker sends the alerts and removes objects
        while (state := last_json(manage(env, "shell", "-c", ALERTS)))["undelivered"] or \
                state["removals"]:
            if time.monotonic() > deadline:
                failures.append(f"worker did not catch up: {state}")
                break
            time.sleep(1)
        # Every client has stopped and the worker has caught up, so no upload is in flight:
        # no grace period, every object without a row counts (the default hour would hide
        # whatever this one-minute run leaked).
        report = json.loads(manage(env, "reconcile", "--verify", "--grace", "0", "--json"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    print(table(stats, elapsed))
    print(f"\nAfter the run: {kept} files kept, each listed and downloaded with its recorded "
          f"SHA-256: {'ok' if not failures else 'FAILED'}")
    print(f"Deletion alerts: {state['alerts']} recorded, {state['undelivered']} undelivered; "
          f"pending object removals: {state['removals']}")
    print(f"reconcile --verify --grace 0: {report['rows']} files, {report['objects']} objects, "
          f"{report['problems']} problems ({'clean' if report['clean'] else 'NOT CLEAN'})")
    for line in stats.samples + failures[:20]:
        print(f"  ! {line}")
    errors = sum(stats.errors.values())
    print(f"\nErrors: {errors}")
    if errors or failures or not report["clean"]:
        sys.exit(f"Soak FAILED; the data folder and server.log are kept in {data}")
    shutil.rmtree(data)


if __name__ == "__main__":
    main()
