"""Skylocker's django-allauth adapters: account mail through the outbox, browser sessions
recorded on log-in, and the audit records of email and two-factor changes.

allauth runs email verification, email change, two-factor sign-in and recovery codes; the
sign-up and log-in pages stay Skylocker's own (their fields, lockout and per-address limits)
and hand over to allauth's log-in flow (accounts/views.py), whose stages ask for a verified
address or a second factor before anyone is signed in.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest

from accounts import outbox, sso
from accounts.models import UserSession
from audit import log as audit
from audit.models import Door
from skylocker.client import client_address


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Written to the outbox, sent by the worker with retries: a verification or reset mail
        asked for while the mail server is away still arrives."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        outbox.queue(self.render_mail(template_prefix, email, ctx))

    def add_message(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        """The sign-up page says it all in one message of its own (accounts/views.py)."""
        if getattr(request, "skylocker_signup", False):
            return
        super().add_message(request, *args, **kwargs)

    def login(self, request: HttpRequest, user: Any) -> None:
        """Signed in (after any second factor): the browser gets its row on the Account page,
        and the audit record says when it was single sign-on (accounts/sso.py)."""
        request.login_detail = sso.login_detail(request, user)  # type: ignore[attr-defined]
        super().login(request, user)
        UserSession.record(request, user)

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        """A confirmed address; when it replaces the account's address, that is recorded."""
        user = email_address.user
        before = type(user).objects.filter(pk=user.pk).values_list("email", flat=True).first()
        with transaction.atomic():
            confirmed = bool(super().confirm_email(request, email_address))
            user.refresh_from_db(fields=["email"])
            if confirmed and before is not None and before.lower() != user.email.lower():
                audit.record(
                    "account.email_changed", actor=user, door=Door.WEB,
                    address=client_address(request), target=user,
                    old_email=before, new_email=user.email,
                )
        return confirmed
