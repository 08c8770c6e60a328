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


class Recorded:
    """Before allauth's view in the bases: its change and the audit record, in one transaction."""

    action = ""
    method = ""
    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().form_valid(form)  # type: ignore[misc]  # allauth's view
            audit.record(
                self.action, actor=self.request.user, door=Door.WEB,
                address=client_address(self.request), target=self.request.user,
                method=self.method,
            )
        return response


class ActivateTotp(Recorded, ActivateTOTPView):
    action, method = "account.mfa_enabled", "totp"


class DeactivateTotp(Recorded, DeactivateTOTPView):
    action, method = "account.mfa_disabled", "totp"


class AddWebAuthn(Recorded, AddWebAuthnView):
    action, method = "account.mfa_enabled", "webauthn"


class RemoveWebAuthn(Recorded, RemoveWebAuthnView):
    action, method = "account.mfa_disabled", "webauthn"
