"""Remove every upload temp file; run just before the web server starts.

Why: an upload streams into a temp file, and a server killed mid-upload leaves that file
behind. Before the web server starts no upload can be in flight, so each one left is dead and
goes now; while it runs, the worker's sweep removes those silent for an hour (a live upload
touches its file all the time). bin/serve and the instances' web service run this first.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from locker.maintenance import sweep_temp_files


class Command(BaseCommand):
    help = "Remove every upload temp file (before the web server starts, never while it serves)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep_temp_files(max_age=timedelta(0))
        if removed:
            self.stdout.write(f"Removed {len(removed)} temp files of interrupted uploads")
