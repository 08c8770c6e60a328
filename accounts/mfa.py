"""Two-factor sign-in beyond the pages allauth serves: staff required to use it, and the
second factor for API tokens.

SKYLOCKER_REQUIRE_MFA_FOR_STAFF=1: a signed-in staff member without a second factor is sent
to set one up and can open nothing else (no files, no admin, no API) until they have.
"""

from collections.abc import Callable
from typing import Any

from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# What a staff member without a second factor may still open: setting one up (and allauth's
# password confirmation before it), verifying their address (allauth adds a second factor
# only to an account whose addresses are verified), signing out, and the static files.
SETUP_PATHS = (
    "/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/email/",
    "/accounts/confirm-email/", "/accounts/logout/", "/static/",
)


def must_set_up_mfa(user: Any) -> bool:
    return bool(
        settings.REQUIRE_MFA_FOR_STAFF
        and getattr(user, "is_staff", False)
        and not is_mfa_enabled(user)
    )


def staff_mfa_missing_message() -> str:
    return _("Staff accounts must use two-factor sign-in: set it up before anything else.")


def require_staff_mfa(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: staff without a second factor go to its set-up, while it is required."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and must_set_up_mfa(user)
            and not request.path.startswith(SETUP_PATHS)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": staff_mfa_missing_message()}, status=403)
            messages.warning(request, staff_mfa_missing_message())
            return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware


def second_factor_ok(user: Any, code: str) -> bool:
    """A current TOTP code or an unused recovery code of this user (a recovery code is then
    spent), through allauth's own check, with its rate limit and its refusal of a code
    used before."""
    form = BaseAuthenticateForm(data={"code": code}, user=user)
    if not form.is_valid():
        return False
    authenticator: Authenticator = form.authenticator
    authenticator.record_usage()
    return True
