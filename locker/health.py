from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse


def readiness() -> dict[str, str]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        default_storage.exists("readyz-probe")
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {type(exc).__name__}"
    return checks


class HealthMiddleware:
    """Answers /healthz and /readyz before anything looks at the Host header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            checks = readiness()
            ready = all(value == "ok" for value in checks.values())
            return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
        return self.get_response(request)
