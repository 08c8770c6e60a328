"""Per-address limits on log-in and sign-up, for the pages and the API alike.

django-axes locks a username and address pair after a few failures, so an attacker cannot
lock others out; but one address could then try one password against any number of
usernames, each try costing an Argon2 hash. The address limit counts that address's
failures over all usernames (axes' own records, within its cool-off) and refuses further
log-ins from it until they expire. Sign-ups are rate-limited per address in the cache.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from skylocker.client import client_address


def address_failures(address: str) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked_out(request: HttpRequest) -> bool:
    """Too many failed log-ins from this address, whatever usernames they named."""
    return address_failures(client_address(request)) >= settings.LOGIN_ADDRESS_LIMIT


UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"10/hour" as (10, 3600): how many in how many seconds."""
    count, unit = rate.split("/")
    return int(count), UNITS[unit.strip().removesuffix("s")]


def take(scope: str, request: HttpRequest) -> bool:
    """Counts one attempt from this address against settings.ADDRESS_RATES[scope], in the
    shared cache (every worker and instance count together); False once the rate is spent."""
    allowed, seconds = parse_rate(settings.ADDRESS_RATES[scope])
    key = f"address-rate:{scope}:{client_address(request)}"
    cache.add(key, 0, seconds)  # the window starts with the first attempt
    try:
        spent = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds)
        spent = 1
    return spent <= allowed


def signup_allowed(request: HttpRequest) -> bool:
    return take("signup", request)


def password_reset_allowed(request: HttpRequest) -> bool:
    return take("password_reset", request)
