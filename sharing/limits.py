"""Throttling the public pages: wrong passwords per link and per address, and unknown tokens
per address, counted in the shared cache as accounts/limits.py counts sign-ups."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from accounts.limits import parse_rate
from skylocker.client import client_address


def _key(scope: str, who: str) -> str:
    return f"sharing-rate:{scope}:{who}"


def spent(scope: str, who: str, rate: str) -> bool:
    """Whether this rate is used up, without counting an attempt."""
    allowed, _ = parse_rate(rate)
    return (cache.get(_key(scope, who)) or 0) >= allowed


def take(scope: str, who: str, rate: str) -> None:
    """Count one failure against the rate; its window starts with the first one."""
    _, seconds = parse_rate(rate)
    key = _key(scope, who)
    cache.add(key, 0, seconds)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds)


def guessing(request: HttpRequest) -> bool:
    """Too many unknown or dead tokens from this address: every token is refused for a while."""
    return spent("miss", client_address(request), settings.SHARE_MISS_RATE)


def missed(request: HttpRequest) -> None:
    take("miss", client_address(request), settings.SHARE_MISS_RATE)


def password_blocked(request: HttpRequest, link_id: str) -> bool:
    address = client_address(request)
    return spent("password-address", address, settings.SHARE_PASSWORD_RATE) or spent(
        "password-link", link_id, settings.SHARE_LINK_PASSWORD_RATE
    )


def wrong_password(request: HttpRequest, link_id: str) -> None:
    take("password-address", client_address(request), settings.SHARE_PASSWORD_RATE)
    take("password-link", link_id, settings.SHARE_LINK_PASSWORD_RATE)
