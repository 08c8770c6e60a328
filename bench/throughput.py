#!/usr/bin/env python3
"""Requests per second of the web server: /healthz and the API list, with wrk.

One seeded site (alice, 100 files) served in turn by each server named, each measured twice,
alternating, with `wrk -t2 -c8` for 10 s a run; prints a table of the better run of each. To
compare with the server Skylocker had before, install gunicorn in .venv and name it.

    .venv/bin/python bench/throughput.py [--servers skylocker gunicorn] [--seconds 10]
        [--database-url postgres://postgres@127.0.0.1:5432/sky_bench]
"""

import argparse
import re
import shutil
import subprocess

import httpx
from serving import cores, need_wrk, seeded_site, served

PATHS = {"/healthz": "/healthz", "API list (50 rows)": "/api/v1/files"}


def wrk(url: str, token: str, seconds: int) -> float:
    done = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise SystemExit(f"wrk saw errors:\n{done.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--servers", nargs="+", default=["skylocker"],
                        choices=["skylocker", "gunicorn"])  # fmt: skip
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    need_wrk()
    data, port, env, token = seeded_site("throughput", files=100, database_url=args.database_url)
    best = {}
    try:
        for _ in range(args.rounds):
            for server in args.servers:
                with served(server, data, port, env) as url:
                    auth = {"Authorization": f"Bearer {token}"}
                    for _ in range(20):  # imports, connections and caches warmed up
                        httpx.get(f"{url}/api/v1/files", headers=auth).raise_for_status()
                    for name, path in PATHS.items():
                        rate = wrk(url + path, token, args.seconds)
                        best[server, name] = max(best.get((server, name), 0), rate)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nrequests/s, wrk -t2 -c8, best of {args.rounds} alternating runs of "
          f"{args.seconds} s; {database}, {cores()} cores, 2 web processes")  # fmt: skip
    print("| path | " + " | ".join(args.servers) + " |")
    print("|---|" + "---:|" * len(args.servers))
    for name in PATHS:
        print(f"| {name} | " + " | ".join(f"{best[s, name]:.0f}" for s in args.servers) + " |")
    if len(args.servers) == 2:
        first, second = args.servers
        for name in PATHS:
            print(f"{name}: {first} / {second} = {best[first, name] / best[second, name]:.2f}×")


if __name__ == "__main__":
    main()
