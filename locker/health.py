import ipaddress
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from locker import storage
from skylocker.client import client_address


def readiness(details: bool = False) -> dict[str, str]:
    """Each check's "ok" or "error"; with details, the exception's class name after "error:"."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = _error(exc, details)
    try:
        probe_storage()
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = _error(exc, details)
    return checks


def _error(exc: Exception, details: bool) -> str:
    return f"error: {type(exc).__name__}" if details else "error"


def may_see_details(request: HttpRequest) -> bool:
    """Exception names help operators and attackers alike: only staff and this machine see them."""
    try:
        if ipaddress.ip_address(client_address(request)).is_loopback:
            return True
    except ValueError:
        pass
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    # The probe answers before the session middleware runs, so it reads the session itself.
    try:
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
        return get_user(request).is_staff
    except Exception:  # noqa: BLE001 - a database that is down has no staff to recognise
        return False


def probe_storage() -> None:
    """Raise unless the default storage can be used.

    On local disk exists() answers False rather than failing when the folder is unusable
    (a file in its place, a missing mount), so the folder itself is checked there.
    """
    location = storage.local_folder()
    bucket = storage.s3()
    if location is not None:
        location.mkdir(parents=True, exist_ok=True)
        if not location.is_dir():
            raise NotADirectoryError(f"{location} is not a folder")
        storage.default().listdir("")
    elif bucket is not None:  # a missing bucket also answers 404
        bucket.connection.meta.client.head_bucket(Bucket=bucket.bucket_name)
    else:
        storage.default().exists("readyz-probe")


def probe_headers() -> dict[str, str]:
    """The headers the security and CSP middleware give every other answer, from the same
    settings: the probes answer before those middleware run, so they carry them themselves."""
    return {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Cache-Control": "no-store",
    }


class HealthMiddleware:
    """Answers /healthz and /readyz before anything looks at the Host header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"}, headers=probe_headers())
        if request.path == "/readyz":
            checks = readiness(details=may_see_details(request))
            ready = all(value == "ok" for value in checks.values())
            status = "ok" if ready else "unavailable"
            return JsonResponse(
                {"status": status, **checks}, status=200 if ready else 503, headers=probe_headers()
            )
        return self.get_response(request)
