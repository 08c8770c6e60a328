"""allauth's pages that turn a second factor on or off, each recording it in the audit log in
the same transaction (no record, no change). Served at allauth's own addresses, ahead of them."""

from typing import Any

from allauth.mfa.totp.views import ActivateTOTPView, DeactivateTOTPView
from allauth.mfa.webauthn.views import AddWebAuthnView, RemoveWebAuthnView
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from audit import log as audit
from audit.models import Door
from skylocker.client import client_address


def recorded(request: HttpRequest, action: str, method: str, change: Any) -> HttpResponse:
    with transaction.atomic():
        response = change()
        audit.record(
            action, actor=request.user, door=Door.WEB, address=client_address(request),
            target=request.user, method=method,
        )
    return response


class ActivateTotp(ActivateTOTPView):
    def form_valid(self, form: Any) -> HttpResponse:
        change = lambda: super(ActivateTotp, self).form_valid(form)  # noqa: E731
        return recorded(self.request, "account.mfa_enabled", "totp", change)


class DeactivateTotp(DeactivateTOTPView):
    def form_valid(self, form: Any) -> HttpResponse:
        change = lambda: super(DeactivateTotp, self).form_valid(form)  # noqa: E731
        return recorded(self.request, "account.mfa_disabled", "totp", change)


class AddWebAuthn(AddWebAuthnView):
    def form_valid(self, form: Any) -> HttpResponse:
        change = lambda: super(AddWebAuthn, self).form_valid(form)  # noqa: E731
        return recorded(self.request, "account.mfa_enabled", "webauthn", change)


class RemoveWebAuthn(RemoveWebAuthnView):
    def form_valid(self, form: Any) -> HttpResponse:
        change = lambda: super(RemoveWebAuthn, self).form_valid(form)  # noqa: E731
        return recorded(self.request, "account.mfa_disabled", "webauthn", change)
