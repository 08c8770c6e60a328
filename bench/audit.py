#!/usr/bin/env python3
"""The audit log at size: does the CSV export's memory stay flat, and does a deep page cost
what the first does?

On a fresh data folder (SQLite), fills the log with N events for growing N, then
- streams the whole CSV export (audit/export.py), timed, then once more measuring its peak
  Python memory (tracemalloc);
- reads the last page of 50 by keyset (audit/filters.py, `before=<id>`) and by OFFSET (what a
  page-number paginator does), each timed as the best of three.
Prints a table.

    .venv/bin/python bench/audit.py [--rows 10000 100000 300000]
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(runs: int, work, *args) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        list(work(*args))
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    args = parser.parse_args()
    os.environ["SKYLOCKER_DATA_DIR"] = tempfile.mkdtemp(prefix="skylocker-bench-audit-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skylocker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from audit.export import csv_lines
    from audit.filters import AuditQuery, events_for, keyset_page
    from audit.models import AuditEvent

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    staff = User.objects.create_superuser("bench", "bench@example.com", None)
    print("| events | export s | export peak MiB | CSV MiB | last page keyset ms "
          "| last page OFFSET ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    made = 0
    now = timezone.now()
    for rows in args.rows:
        batch = []
        for i in range(made, rows):
            batch.append(AuditEvent(
                at=now - timezone.timedelta(milliseconds=i), actor_username=f"user{i % 500}",
                door="api", address="192.0.2.10", action="file.downloaded",
                object_type="file", object_id=str(i), object_name=f"report-{i}.pdf",
                detail={"size": i},
            ))
            if len(batch) == 5000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        made = rows
        events = events_for(staff, AuditQuery(), everyone=True)

        start = time.perf_counter()
        size = sum(len(line) for line in csv_lines(events))
        export_s = time.perf_counter() - start
        tracemalloc.start()  # a second pass: tracing slows Python down several times
        for _line in csv_lines(events):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

        ordered = AuditEvent.objects.order_by("-at", "-id")
        edge = ordered.values_list("pk", flat=True)[rows - 51]
        keyset_s = best_of(3, lambda e, cursor: keyset_page(e, before=cursor).events,
                           events, str(edge))
        offset_s = best_of(3, lambda o, n: o[n - 50 : n], ordered, rows)
        print(f"| {rows:,} | {export_s:.1f} | {peak / 2**20:.1f} | {size / 2**20:.0f} "
              f"| {keyset_s * 1000:.1f} | {offset_s * 1000:.1f} |")


if __name__ == "__main__":
    main()
