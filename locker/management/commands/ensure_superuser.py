"""Create the first admin from DJANGO_SUPERUSER_* when no superuser exists yet.

Why: `make run` and the AWS instances can bootstrap an admin without a prompt, and
running it again (every start) never touches an existing admin.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a superuser from DJANGO_SUPERUSER_USERNAME/_PASSWORD/_EMAIL if none exists."

    def handle(self, *args, **options):
        if not os.environ.get("DJANGO_SUPERUSER_USERNAME"):
            return
        if get_user_model().objects.filter(is_superuser=True).exists():
            return
        call_command("createsuperuser", interactive=False, verbosity=options["verbosity"])
        self.stdout.write(f"Created superuser {os.environ['DJANGO_SUPERUSER_USERNAME']}")
