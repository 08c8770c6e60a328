"""How the API answers errors: the one place that decides (the pages' is locker/page_errors.py).

Every API error is JSON with a human `detail`; invalid input also lists `{field: [messages]}`.
Domain errors (locker/errors.py) keep their own words and get their status code here, and
"not found" (`ObjectDoesNotExist`: someone else's file or nobody's) is 404 with one text.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from locker.errors import (
    ContentUnavailable,
    DirectUploadsUnavailable,
    DomainError,
    FolderError,
    QuotaExceeded,
    StorageUnavailable,
    TooLarge,
)

NOT_FOUND = "There is no file or upload with this id."
MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "Log in first: send 'Authorization: Bearer <token>'.",
    status.HTTP_403_FORBIDDEN: "You may not do this.",
    status.HTTP_404_NOT_FOUND: NOT_FOUND,
}
STATUS: list[tuple[type[DomainError], int]] = [
    (TooLarge, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE),
    (QuotaExceeded, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE),
    (FolderError, status.HTTP_409_CONFLICT),
    (DirectUploadsUnavailable, status.HTTP_409_CONFLICT),
    (StorageUnavailable, status.HTTP_503_SERVICE_UNAVAILABLE),
    (ContentUnavailable, status.HTTP_503_SERVICE_UNAVAILABLE),
]


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = "Too many failed log-ins for this username from your address. Try again later."


class AddressLockedOut(LockedOut):
    default_detail = "Too many failed log-ins from your address. Try again later."


def as_api_exception(exc: Exception) -> Exception:
    """A domain error or "not found" as the DRF exception carrying its status and words."""
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return exceptions.NotFound(NOT_FOUND)
    if isinstance(exc, DomainError):
        refused = exceptions.APIException(exc.message)
        refused.status_code = next(
            (code for kind, code in STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST
        )
        return refused
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(as_api_exception(exc), context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": summary(fields), **fields}
    elif not isinstance(data, dict) or "detail" not in data:
        response.data = {"detail": MESSAGES.get(response.status_code, "The request failed.")}
    return response


def summary(fields: dict[str, Any]) -> str:
    names = [name for name in fields if name != "non_field_errors"]
    if not names:
        return "The request is not valid."
    return "Please correct: " + ", ".join(names) + "."


@csrf_exempt  # it changes nothing, and a POST to a wrong path should still hear "404"
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/ answer JSON like the rest of the API, not an HTML page."""
    return JsonResponse({"detail": "There is no such API path."}, status=404)
