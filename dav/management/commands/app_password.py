"""`manage.py app_password USERNAME [--name NAME]`: a new app password, printed once.

Why: a server that backs up with rclone, or CI running the WebDAV suites, needs an app
password without a browser. It is recorded in the audit log as made from the command line.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.log import Door
from dav.models import AppPassword


class Command(BaseCommand):
    help = "Create an app password (for WebDAV) for a user and print it; it is shown only once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What it is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        _row, raw = AppPassword.issue(user, options["name"], door=Door.CLI)
        self.stdout.write(raw)
