from typing import Any

from django.conf import settings
from django.http import HttpRequest


def limits(request: HttpRequest) -> dict[str, Any]:
    return {"max_upload_bytes": settings.MAX_UPLOAD_BYTES}
