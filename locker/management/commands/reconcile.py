"""`manage.py reconcile`: do the database and the object store still agree?

Why: a row without its object is a file its owner can no longer download, and an object
without its row is a file we promised to delete but kept. Run it from cron (it is safe
while the app serves); it exits 1 when it found problems, so cron mails someone.
See locker/reconcile.py for what is checked and how races with live traffic are avoided.
"""

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from locker.reconcile import GRACE, reconcile, summary


class Command(BaseCommand):
    help = "Compare files in the database with objects in storage; report (and --fix) drift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true",
                            help="Delete orphan objects and mark files whose object is missing.")
        parser.add_argument("--verify", action="store_true",
                            help="Re-read every object and compare its SHA-256 (slow).")
        parser.add_argument("--grace", type=int, default=int(GRACE.total_seconds()),
                            help="Seconds an unreferenced object is left alone (default 3600).")
        parser.add_argument("--json", dest="as_json", action="store_true",
                            help="Print the report as JSON.")

    def handle(
        self,
        *args: Any,
        fix: bool = False,
        verify: bool = False,
        grace: int = 3600,
        as_json: bool = False,
        **options: Any,
    ) -> None:
        report = reconcile(fix=fix, verify=verify, grace=timedelta(seconds=grace))
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write(summary(report, fix=fix))
        if report.problems:
            raise SystemExit(1)

