"""The authentication backend for app passwords: only `app_password=` reaches it.

Listed in AUTHENTICATION_BACKENDS after django-axes' backend, so a WebDAV sign-in goes
through `django.contrib.auth.authenticate` like the log-in page: axes refuses a locked-out
username and address before any password is looked at, and counts each failure. The log-in
page and the API pass `password=`, which this backend never answers, and the account
password never opens WebDAV: ModelBackend gets no `password` from the WebDAV door.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from dav.models import AppPassword
from skylocker.client import client_address


class AppPasswordBackend(BaseBackend):
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *, username: str = "", app_password: str = ""
    ) -> Any:
        if not username or not app_password:
            return None
        address = client_address(request) if request is not None else None
        found = AppPassword.find(username, app_password, address)
        return found.user if found is not None else None

    def get_user(self, user_id: int) -> Any:
        return None  # never a session: each WebDAV request signs in anew
