"""Create the first admin from DJANGO_SUPERUSER_* when no superuser exists yet.

Why: `make run` and the AWS instances can bootstrap an admin without a prompt, and
running it again (every start) never touches an existing admin. Unlike a bare
`createsuperuser --noinput`, the password must pass the same rules as everyone's.
"""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a superuser from DJANGO_SUPERUSER_USERNAME/_PASSWORD/_EMAIL if none exists."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME")
        if not username:
            return
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        if User.objects.filter(username=username).exists():
            self.stderr.write(
                f"A user named {username} exists and is not an administrator: left as it is. "
                "Set DJANGO_SUPERUSER_USERNAME to a free name, or run "
                "`manage.py createsuperuser`."
            )
            return
        if password := os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            candidate = User(username=username, email=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""))
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD is refused: " + " ".join(error.messages)
                ) from None
        call_command("createsuperuser", interactive=False, verbosity=options["verbosity"])
        self.stdout.write(f"Created superuser {username}")
