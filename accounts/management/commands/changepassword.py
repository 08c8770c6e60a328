"""`manage.py changepassword USER`: Django's, which then signs the user out everywhere.

Why: a password set from the command line (a suspected leak, a forgotten admin password) must
end the user's browser sessions and revoke their API tokens, as on the pages and in the admin.
accounts comes before django.contrib.auth in INSTALLED_APPS so that this command is the one run.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from accounts.models import sign_out_everywhere
from audit.log import Door, record


class Command(changepassword.Command):
    help = changepassword.Command.help + " Signs the user out everywhere and revokes API tokens."

    def handle(self, *args: Any, **options: Any) -> str:
        done = super().handle(*args, **options)  # raises CommandError when nothing changed
        users = get_user_model()._default_manager.using(options["database"])
        user = users.get(**{get_user_model().USERNAME_FIELD: options["username"]})
        sign_out_everywhere(user)
        record("account.password_changed", target=user, door=Door.CONSOLE)
        return f"{done}; every session signed out and every API token revoked."
