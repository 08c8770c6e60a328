from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from locker import storage


def readiness() -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        probe_storage()
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {type(exc).__name__}"
    return checks


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
            checks = readiness()
            ready = all(value == "ok" for value in checks.values())
            status = "ok" if ready else "unavailable"
            return JsonResponse(
                {"status": status, **checks}, status=200 if ready else 503, headers=probe_headers()
            )
        return self.get_response(request)
