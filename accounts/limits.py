"""Per-address limits on log-in and sign-up, for the pages and the API alike.

django-axes locks a username and address pair after a few failures, so an attacker cannot
lock others out; but one address could then try one password against any number of
usernames, each try costing an Argon2 hash. The address limit counts that address's
failures over all usernames (axes' own records, within its cool-off) and refuses further
log-ins from it until they expire. Sign-ups are rate-limited per address in the cache.
"""

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from skylocker.client import client_address


def address_failures(address: str) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked_out(request: HttpRequest) -> bool:
    """Too many failed log-ins from this address, whatever usernames they named."""
    return address_failures(client_address(request)) >= settings.LOGIN_ADDRESS_LIMIT


class AddressThrottle(SimpleRateThrottle):
    """A rate per client address, counted in the shared cache (every worker and instance)."""

    scope: str

    def get_rate(self) -> str | None:
        return str(api_settings.DEFAULT_THROTTLE_RATES[self.scope])  # read now: settings change

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupThrottle(AddressThrottle):
    scope = "signup"


def allowed(throttle: AddressThrottle, request: HttpRequest) -> bool:
    """Counts one attempt from this address; False once the throttle's rate is spent.

    The pages are no DRF views: the throttle reads only the request's address.
    """
    return throttle.allow_request(request, None)  # type: ignore[arg-type]


def signup_allowed(request: HttpRequest) -> bool:
    return allowed(SignupThrottle(), request)


class PasswordResetThrottle(AddressThrottle):
    scope = "password_reset"
