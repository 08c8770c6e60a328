"""`manage.py restore PATH`: unpack a backup into a fresh, empty data folder.

Why: the counterpart of `backup`. It never overwrites: a non-empty data folder is refused,
so a mistyped command cannot replace a live locker with an old one.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from locker.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive made by `manage.py backup` into an empty data folder."
    requires_system_checks = []  # nothing may touch the database before it is restored

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The .tar.gz archive written by `manage.py backup`.")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            manifest = restore(Path(path))
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {manifest['files']} files from a backup of "
                          f"{manifest['created_at']}. Run `manage.py reconcile --verify` to check.")
        if manifest["key_from_environment"]:
            self.stderr.write("SECRET_KEY is set in the environment and wins over the restored "
                              "key: set it to the old value to keep sessions and links valid.")
