#!/usr/bin/env python3
"""Lists as the locker grows: page and API list times and query counts at 1,000 to 1,000,000 files.

For each size, a database of that many file rows (bulk-inserted, no objects; 51 owners, alice
one of them with every 20th file, and a staff member) is built once and kept outside the
repository (SQLite under --cache, or a PostgreSQL database per size), then every list is
asked for in-process through
Django's test client: the staff "All files" page and the API list (first page, last page,
search, owner filter, each sort), and alice's "My files" page. Each case runs once to warm up,
then --repeat times; prints the median milliseconds and the queries per request, a column per
size, and each list's time at the largest size over its time at the smallest.

    .venv/bin/python bench/listing.py [--sizes 1000 100000 1000000] [--database postgres]
        [--cache ~/.cache/skylocker-bench] [--repeat 5]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWNERS = 51
# alice owns every ALICE_EVERY-th file (50 of 1,000, 50,000 of 1,000,000), so that her lists
# show a full page of PAGE rows at every size and the ratios compare like with like (with a
# 51st share she had 20 files at 1,000: a page of 20 rows against 50 at a million).
ALICE_EVERY = 20
PAGE = 50
WORDS = ["report", "invoice", "photo", "scan", "notes", "budget", "draft", "contract"]
EXTENSIONS = ["pdf", "jpg", "txt", "docx", "png", "csv"]
SORTS = ["name", "-name", "size", "-size", "created_at", "-created_at", "updated_at",
         "-updated_at"]  # fmt: skip


def owner_param(alice) -> str:
    """The page's owner filter: a username under the list contract (locker/listing.py), the
    user's id before it."""
    try:
        import locker.listing  # noqa: F401
    except ImportError:
        return str(alice.pk)
    return alice.username


def alice_files(size: int) -> int:
    return -(-size // ALICE_EVERY)


def cases(size: int, alice) -> list[tuple[str, str, str]]:
    """(who, label, URL) for every list measured; `who` is "staff" or "alice"."""
    last = max(1, -(-size // PAGE))
    mine_last = max(1, -(-alice_files(size) // PAGE))
    found = [
        ("staff", "page all: first", "/files/all/"),
        ("staff", "page all: last page", f"/files/all/?page={last}"),
        ("staff", "page all: middle page", f"/files/all/?page={(last + 1) // 2}"),
        ("staff", "page all: middle page, first visit", f"/files/all/?page={(last + 1) // 2}"),
        ("staff", "page all: search", "/files/all/?q=invoice"),
        ("staff", "page all: owner", f"/files/all/?owner={owner_param(alice)}"),
        *(("staff", f"page all: sort {s}", f"/files/all/?sort={s}") for s in SORTS),
        ("staff", "page all: sort owner", "/files/all/?sort=owner"),
        ("staff", "page all: sort -owner", "/files/all/?sort=-owner"),
        ("alice", "page mine: first", "/files/"),
        ("alice", "page mine: last page", f"/files/?page={mine_last}"),
        ("staff", "API all: first", "/api/v1/files?page_size=50"),
        ("staff", "API all: first, count not kept", "/api/v1/files?page_size=50"),
        ("staff", "API all: last page", f"/api/v1/files?page_size=50&page={last}"),
        ("staff", "API all: middle page", f"/api/v1/files?page_size=50&page={(last + 1) // 2}"),
        ("staff", "API all: middle page, first visit",
         f"/api/v1/files?page_size=50&page={(last + 1) // 2}"),
        ("staff", "API all: search", "/api/v1/files?page_size=50&search=invoice"),
        ("staff", "API all: search, count not kept", "/api/v1/files?page_size=50&search=invoice"),
        ("staff", "API all: owner", "/api/v1/files?page_size=50&owner=alice"),
        *(("staff", f"API all: ordering {s}", f"/api/v1/files?page_size=50&ordering={s}")
          for s in [*SORTS, "owner", "-owner"]),
        ("staff", "API all: owner, ordering owner",
         "/api/v1/files?page_size=50&owner=alice&ordering=owner"),
        ("alice", "API mine: first", "/api/v1/files?page_size=50"),
    ]  # fmt: skip
    return found


# Rows go in through the driver (COPY on PostgreSQL), not through model instances: a million
# Django objects would take longer than every measurement together.
COLUMNS = ["id", "owner", "file", "name", "description", "size", "sha256", "content_type",
           "created_at", "updated_at", "owner_last_name", "owner_first_name",
           "owner_username", "name_key"]  # fmt: skip


def insert(rows: list[list]) -> None:
    from django.db import connection, transaction

    from locker.models import StoredFile

    table = StoredFile._meta.db_table
    columns = ", ".join(StoredFile._meta.get_field(name).column for name in COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB: indexes stay in memory
            marks = ", ".join(["%s"] * len(COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608 - our names
            cursor.executemany(sql, rows)


def build(size: int) -> None:
    """Exactly `size` file rows, 51 owners and a staff member; rebuilt only when they differ."""
    import random
    import uuid
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from locker.models import StoredFile, name_digest

    built = StoredFile.objects.count() == size and User.objects.filter(username="staff").exists()
    if built and StoredFile.objects.filter(owner__username="alice").count() == alice_files(size):
        return
    started = time.monotonic()
    StoredFile.objects.all()._raw_delete(StoredFile.objects.db)
    User.objects.all().delete()
    User.objects.create_user("staff", password=None, is_staff=True, is_superuser=True)
    owners = [User(username=f"user{i:02}", first_name=f"First{i:02}", last_name=f"Last{i:02}",
                   email=f"user{i:02}@example.com") for i in range(OWNERS - 1)]  # fmt: skip
    owners.append(User(username="alice", first_name="Alice", last_name="Able",
                       email="alice@example.com"))  # fmt: skip
    owners = User.objects.bulk_create(owners)
    rng = random.Random(14)
    now = timezone.now()
    fields = [StoredFile._meta.get_field(name) for name in COLUMNS]
    batch = 50_000
    for start in range(0, size, batch):
        rows = []
        for i in range(start, min(size, start + batch)):
            created = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
            owner = owners[-1] if i % ALICE_EVERY == 0 else owners[i % (OWNERS - 1)]
            name = f"{rng.choice(WORDS)}-{i}.{rng.choice(EXTENSIONS)}"
            values = (
                uuid.UUID(int=rng.getrandbits(128), version=4), owner.pk, f"u/{owner.pk}/{i}",
                name,
                rng.choice(["", "", "kept for the records", "from the phone"]),
                rng.randrange(1, 10_000_000), "0" * 64, "application/octet-stream", created,
                created + timedelta(seconds=rng.randrange(86400)),
                owner.last_name, owner.first_name, owner.username, name_digest(name),
            )  # fmt: skip
            pairs = zip(fields, values, strict=True)
            rows.append([field.get_db_prep_save(value, connection) for field, value in pairs])
        insert(rows)
        print(f"  built {min(size, start + batch):,} of {size:,} rows", file=sys.stderr)
    print(f"  built in {time.monotonic() - started:.0f} s", file=sys.stderr)


def measure(size: int, repeat: int, build_only: bool = False) -> dict:
    """In a process whose environment names the database: build it, then time every case."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skylocker.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    build(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # for index-only scans: the visibility map
    if build_only:
        return {}
    clients = {}
    for who, username in (("staff", "staff"), ("alice", "alice")):
        clients[who] = Client()
        clients[who].force_login(User.objects.get(username=username))
    alice = User.objects.get(username="alice")
    results = {}
    for who, label, url in cases(size, alice):
        client = clients[who]
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeat):
            if "count not kept" in label:  # a long search's count is kept a minute: not here
                cache.clear()
            if "first visit" in label:  # no page of this list read within the minute
                forget_anchors()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        times.sort()
        results[label] = {"ms": times[len(times) // 2] * 1000, "queries": len(queries)}
    return results


def forget_anchors() -> None:
    """Drop the kept page anchors (locker/listing.py), keeping the kept counts."""
    from django.conf import settings
    from django.db import connection

    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s", ["%list-anchor:%"])  # noqa: S608  # nosec B608 - the settings' table name


def environment(size: int, database: str, cache: Path, prefix: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SECRET_KEY"] = "listing-bench-" + "k" * 40
    env["LOG_LEVEL"] = "WARNING"
    if database == "postgres":
        name = f"{prefix}_{size}"
        ensure_postgres_database(name)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        env["SKYLOCKER_DATA_DIR"] = str(cache / "postgres-data")
    else:
        env["SKYLOCKER_DATA_DIR"] = str(cache / f"sqlite-{size}")
    return env


def ensure_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "skylocker-bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres-prefix", default="skylocker_listing",
                        help="PostgreSQL databases are named PREFIX_SIZE")  # fmt: skip
    parser.add_argument("--build-only", action="store_true", help="build the databases only")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child's size
    args = parser.parse_args()
    if args.measure is not None:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(args.measure, args.repeat, args.build_only)))
        return
    results = {}
    for size in args.sizes:
        print(f"{size:,} files on {args.database}…", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--measure", str(size), "--repeat", str(args.repeat),
             *(["--build-only"] if args.build_only else [])],
            env=environment(size, args.database, args.cache, args.postgres_prefix), cwd=ROOT,
            stdout=subprocess.PIPE, text=True, check=True,
        )  # fmt: skip
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    if not args.build_only:
        report(results, args)


def report(results: dict, args) -> None:
    sizes = list(results)
    print(f"\nmedian ms (queries) of {args.repeat} requests, in-process; {args.database}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    ratio = len(sizes) > 1
    print("| list | " + " | ".join(f"{s:,} files" for s in sizes)
          + (f" | {sizes[-1]:,} / {sizes[0]:,} | ≤ 1.5× |" if ratio else " |"))  # fmt: skip
    print("|---|" + "---:|" * (len(sizes) + ratio) + ("---|" if ratio else ""))
    for label in results[sizes[0]]:
        cells = [f"{results[s][label]['ms']:.1f} ({results[s][label]['queries']})" for s in sizes]
        times = results[sizes[-1]][label]["ms"] / results[sizes[0]][label]["ms"]
        tail = f" | {times:.1f}× | {'yes' if times <= 1.5 else 'no'}"
        print(f"| {label} | " + " | ".join(cells) + (tail if ratio else "") + " |")


if __name__ == "__main__":
    main()
