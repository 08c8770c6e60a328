#!/usr/bin/env python3
"""Slow connections: does the file list stay fast while uploads trickle in and bodies stall?

Starts a real Skylocker (2 web processes, as `make run`) on a fresh database with 100 files,
times the API list idle, then again while N clients each send an upload at R bytes/s and S
more connections send a body's first kilobyte and then nothing. Prints a table: list p50/p95
idle and under load, probes refused or timed out (5 s), and how long after its last byte each
stalled body was dropped. The issue's targets: 50 uploads at 2 KB/s keep the list's p50 within
2× idle with no probe refused or timed out; stalled bodies are dropped within
SKYLOCKER_BODY_TIMEOUT + 5 s.

    .venv/bin/python bench/slow_clients.py [--clients 50] [--rate 2048] [--stalled 8]
        [--body-timeout 10] [--database-url postgres://postgres@127.0.0.1:5432/sky_bench]
        [--server skylocker|gunicorn]
"""

import argparse
import asyncio
import shutil
import time

import httpx
from serving import cores, percentile, seeded_site, served

PROBES = 40
PROBE_TIMEOUT = 5.0


async def probe_list(url: str, token: str, count: int) -> dict:
    """`count` list requests one after another: latencies of the answered ones, and failures."""
    latencies, refused, timed_out = [], 0, 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=PROBE_TIMEOUT) as client:
        for _ in range(count):
            start = time.perf_counter()
            try:
                response = await client.get("/api/v1/files")
            except httpx.TimeoutException:
                timed_out += 1
                continue
            except httpx.TransportError:
                refused += 1
                continue
            if response.status_code != 200:
                refused += 1
                continue
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(0.05)
    return {"latencies": latencies, "refused": refused, "timed_out": timed_out}


def upload_head(port: int, token: str, length: int) -> bytes:
    return (
        f"POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


async def trickle(port: int, token: str, rate: int, stop: asyncio.Event, dropped: list):
    """One upload sent at `rate` bytes/s (a tenth of that every 0.1 s) until told to stop."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(upload_head(port, token, length=rate * 3600))  # it never completes
    step = max(1, rate // 10)
    try:
        while not stop.is_set():
            writer.write(b"x" * step)
            await writer.drain()
            await asyncio.sleep(0.1)
            if reader.at_eof():
                dropped.append(1)
                return
    except ConnectionError:
        dropped.append(1)
    finally:
        writer.close()


async def stall(port: int, token: str, wait: float) -> float | None:
    """A body's first kilobyte, then silence: seconds until the server closed (None: never)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(upload_head(port, token, length=1_000_000) + b"--b\r\n" + b"x" * 1019)
    await writer.drain()
    silent_since = time.perf_counter()
    try:
        async with asyncio.timeout(wait):
            while await reader.read(65536):
                pass
        return time.perf_counter() - silent_since
    except (TimeoutError, ConnectionError):
        return None
    finally:
        writer.close()


async def measure(url: str, port: int, token: str, args) -> dict:
    idle = await probe_list(url, token, PROBES)
    stop, dropped = asyncio.Event(), []
    uploads = [asyncio.create_task(trickle(port, token, args.rate, stop, dropped))
               for _ in range(args.clients)]  # fmt: skip
    stalls = [asyncio.create_task(stall(port, token, args.body_timeout + 30))
              for _ in range(args.stalled)]  # fmt: skip
    await asyncio.sleep(2)  # every upload under way
    loaded = await probe_list(url, token, PROBES)
    stop.set()
    await asyncio.gather(*uploads)
    return {"idle": idle, "loaded": loaded, "drops": await asyncio.gather(*stalls),
            "uploads_dropped": len(dropped)}  # fmt: skip


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(result: dict, args, database: str) -> None:
    idle, loaded = result["idle"], result["loaded"]
    p50_idle, p50_loaded = percentile(idle["latencies"], 0.5), percentile(loaded["latencies"], 0.5)
    ratio = p50_loaded / p50_idle
    print(f"\n{args.server} on {database}, {cores()} cores, 2 web processes; "
          f"SKYLOCKER_BODY_TIMEOUT={args.body_timeout}")  # fmt: skip
    print(f"| GET /api/v1/files ({PROBES} probes) | idle | {args.clients} uploads at "
          f"{args.rate} B/s + {args.stalled} stalled bodies |")  # fmt: skip
    print("|---|---:|---:|")
    print(f"| p50 ms | {ms(p50_idle)} | {ms(p50_loaded)} |")
    print(f"| p95 ms | {ms(percentile(idle['latencies'], 0.95))} | "
          f"{ms(percentile(loaded['latencies'], 0.95))} |")  # fmt: skip
    print(f"| refused | {idle['refused']} | {loaded['refused']} |")
    print(f"| timed out ({PROBE_TIMEOUT:.0f} s) | {idle['timed_out']} | {loaded['timed_out']} |")
    drops = result["drops"]
    dropped = [d for d in drops if d is not None]
    limit = args.body_timeout + 5
    spread = f"min {min(dropped):.1f}, max {max(dropped):.1f}" if dropped else "-"
    print(f"\nstalled bodies dropped: {len(dropped)} of {len(drops)}; seconds after their last "
          f"byte: {spread}")  # fmt: skip
    print(f"trickling uploads dropped by the server meanwhile: {result['uploads_dropped']}")
    failed = loaded["refused"] + loaded["timed_out"]
    checks = [
        (f"list p50 under load ≤ 2× idle ({ratio:.2f}×)", ratio <= 2),
        (f"no probe refused or timed out under load ({failed})", failed == 0),
        (f"every stalled body dropped within {limit} s", len(dropped) == len(drops)
         and all(d <= limit for d in dropped)),
    ]  # fmt: skip
    for text, met in checks:
        print(f"{'met' if met else 'NOT MET'}: {text}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=2048, help="bytes per second per upload")
    parser.add_argument("--stalled", type=int, default=8)
    parser.add_argument("--body-timeout", type=int, default=10)
    parser.add_argument("--database-url", default="", help="default: SQLite in the data folder")
    parser.add_argument("--server", choices=["skylocker", "gunicorn"], default="skylocker")
    args = parser.parse_args()
    data, port, env, token = seeded_site(
        "slow", files=100, database_url=args.database_url,
        SKYLOCKER_BODY_TIMEOUT=str(args.body_timeout),
    )  # fmt: skip
    try:
        with served(args.server, data, port, env) as url:
            result = asyncio.run(measure(url, port, token, args))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    report(result, args, "PostgreSQL" if args.database_url else "SQLite")


if __name__ == "__main__":
    main()
