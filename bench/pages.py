#!/usr/bin/env python3
"""How fast "My files" is served next to /healthz: requests/s of each, interleaved, same server.

One seeded site (alice, 20 files, signed in through the log-in page) served as `make run` serves
it; `wrk -t2 -c8` runs /healthz and /files/ in turn, --rounds times, --seconds each, so that
the shared machine's noise falls on both alike. Prints each round and the median ratio
(/files/ requests/s over /healthz requests/s), and the page's median time in-process (Django's
test client, no server), which is its CPU cost.

Between the two, a third page is timed the same way: a signed-in "not found" page, which is
the site's layout and nothing else (the session, the account, the preferences, the menu). No
page a signed-in person sees can be faster than it, so its ratio to /healthz is the ceiling
of "My files"' ratio on this stack.

    .venv/bin/python bench/pages.py [--rounds 3] [--seconds 5] [--files 20] [--postgres]

--postgres serves the site from PostgreSQL (a database `skylocker_pages_bench` on
127.0.0.1:5432, made afresh) instead of SQLite.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys

import httpx
from serving import cores, manage, need_wrk, seeded_site, served

PASSWORD = "pages bench passphrase 14"  # noqa: S105 - a throw-away site's
SET_PASSWORD = f"""
from django.contrib.auth.models import User
alice = User.objects.get(username="alice")
alice.set_password({PASSWORD!r})
alice.save()
"""
IN_PROCESS = """
import time, statistics
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
settings.ALLOWED_HOSTS = ["testserver"]
client = Client()
client.force_login(User.objects.get(username="alice"))
for url, status in (("/files/", 200), ({layout!r}, 404)):
    for _ in range(20):
        assert client.get(url).status_code == status
    times = []
    for _ in range({n}):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"{{statistics.median(times) * 1000:.2f}} {{len(queries)}}", end=" ")
print()
"""


# The layout-only page: a signed-in "not found" (404.html: base.html and one sentence).
LAYOUT = "/files/no-such-page/"


def wrk(url: str, cookie: str, seconds: int, not_found: bool = False) -> float:
    """Requests/s; every answer must be a 200 (a 404 for the layout-only page)."""
    done = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    answered = int(re.search(r"(\d+) requests in", done.stdout).group(1))
    others = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    refused = int(others.group(1)) if others else 0
    if refused != (answered if not_found else 0):
        raise SystemExit(f"wrk saw unexpected answers:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def sign_in(url: str) -> str:
    """alice's session cookie, from the real log-in page."""
    with httpx.Client(base_url=url) as browser:
        form = browser.get("/accounts/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        done = browser.post("/accounts/login/", data={
            "csrfmiddlewaretoken": token, "username": "alice", "password": PASSWORD,
        })  # fmt: skip
        assert done.status_code == 302, done.status_code
        page = browser.get("/files/")
        assert page.status_code == 200 and "report-0.pdf" in page.text, page.status_code
        return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--in-process", type=int, default=200, help="requests timed in-process")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    need_wrk()
    database = "PostgreSQL" if args.postgres else "SQLite"
    url = "postgres://postgres@127.0.0.1:5432/skylocker_pages_bench" if args.postgres else ""
    data, port, env, _ = seeded_site("pages", files=args.files, database_url=url)
    rounds = []
    try:
        manage(env, "shell", "-c", SET_PASSWORD)
        timed = manage(env, "shell", "-c", IN_PROCESS.format(n=args.in_process, layout=LAYOUT))
        ms, queries, layout_ms, layout_queries = timed.strip().splitlines()[-1].split()
        print(f"in-process: {ms} ms, {queries} queries", file=sys.stderr, flush=True)
        with served("skylocker", data, port, env) as url:
            cookie = sign_in(url)
            for _ in range(20):
                httpx.get(f"{url}/files/", headers={"Cookie": cookie}).raise_for_status()
            for _ in range(args.rounds):
                health = wrk(f"{url}/healthz", cookie, args.seconds)
                layout = wrk(f"{url}{LAYOUT}", cookie, args.seconds, not_found=True)
                page = wrk(f"{url}/files/", cookie, args.seconds)
                rounds.append((health, layout, page))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"\nrequests/s, wrk -t2 -c8, {args.seconds} s each, interleaved; {database}, "
          f"{cores()} cores, 2 web processes; My files with {args.files} files")  # fmt: skip
    print("| round | /healthz | layout only | My files | layout only / /healthz | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for number, (health, layout, page) in enumerate(rounds, 1):
        print(f"| {number} | {health:.0f} | {layout:.0f} | {page:.0f} | {layout / health:.3f} "
              f"| {page / health:.3f} |")  # fmt: skip
    ratio = statistics.median(page / health for health, _, page in rounds)
    ceiling = statistics.median(layout / health for health, layout, _ in rounds)
    print(f"median ratio {ratio:.3f} (target ≥ 0.15: {'met' if ratio >= 0.15 else 'not met'}); "
          f"layout only {ceiling:.3f}")  # fmt: skip
    print(f"My files in-process: median {float(ms):.2f} ms of {args.in_process}, {queries} queries")
    print(f"layout only (signed-in 404) in-process: median {float(layout_ms):.2f} ms, "
          f"{layout_queries} queries")  # fmt: skip


if __name__ == "__main__":
    main()
