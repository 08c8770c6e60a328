"""`migrate` under a database-wide lock.

Why: on AWS several instances boot at once and each runs migrations; the lock makes
the first one migrate and the others wait, then find nothing to do.
"""

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

LOCK_NAME = "skylocker-migrate"


@contextmanager
def migration_lock(timeout: int) -> Iterator[None]:
    vendor = connection.vendor
    if vendor == "postgresql":
        key = zlib.crc32(LOCK_NAME.encode())
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = %s", [f"{timeout}s"])
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    elif vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT GET_LOCK(%s, %s)", [LOCK_NAME, timeout])
            if cursor.fetchone()[0] != 1:
                raise CommandError(f"Could not get the migration lock within {timeout} s")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [LOCK_NAME])
    else:
        with open(settings.DATA_DIR / "migrate.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield


class Command(BaseCommand):
    help = "Apply migrations while holding a lock, so concurrent starts migrate once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=int, default=600)

    def handle(self, *args: Any, timeout: int = 600, **options: Any) -> None:
        with migration_lock(timeout):
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
