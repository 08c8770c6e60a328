"""`manage.py backup PATH`: the embedded install's database, files and secret key in one archive.

Why: so the zero-config install can be backed up from cron while it serves, and restored
whole. On PostgreSQL, MySQL or S3 it explains which native tools to use instead.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from locker.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup archive (SQLite snapshot, files, secret key) to PATH."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Where to write the .tar.gz archive (kept private: 0600).")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            manifest = backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up {manifest['files']} files to {path}.")
        for name in manifest["missing"]:
            self.stderr.write(f"Deleted while the backup ran, not included: {name}")
