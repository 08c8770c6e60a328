"""Every API error is JSON with a human `detail`; invalid input also lists `{field: [messages]}`."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from locker.forms import over_limit_message
from locker.quota import QuotaExceeded

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "Log in first: send 'Authorization: Bearer <token>'.",
    status.HTTP_403_FORBIDDEN: "You may not do this.",
    status.HTTP_404_NOT_FOUND: "Not found.",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(over_limit_message())


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = "Too many failed log-ins for this username from your address. Try again later."


class OverQuota(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "over_quota"


def exception_handler(exc, context):
    if isinstance(exc, QuotaExceeded):  # a domain error: the API's answer is a 413
        exc = OverQuota(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": summary(fields), **fields}
    elif not isinstance(data, dict) or "detail" not in data:
        response.data = {"detail": MESSAGES.get(response.status_code, "The request failed.")}
    return response


def summary(fields: dict) -> str:
    names = [name for name in fields if name != "non_field_errors"]
    if not names:
        return "The request is not valid."
    return "Please correct: " + ", ".join(names) + "."


@csrf_exempt  # it changes nothing, and a POST to a wrong path should still hear "404"
def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON like the rest of the API, not an HTML page."""
    return JsonResponse({"detail": "There is no such API path."}, status=404)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    """Django's own 400s (a body it refuses to parse) answer JSON under /api/ too."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = "The form fields other than the file are too large."
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        detail = "The request has too many fields or files: send one file and a description."
    else:
        detail = "The request could not be read."
    return JsonResponse({"detail": detail}, status=400)


def server_error(request):
    """An unexpected error under /api/ is JSON that says so; the traceback goes to the log."""
    if not is_api(request):
        return defaults.server_error(request)
    return JsonResponse(
        {"detail": "Something went wrong on the server. It has been logged; try again later."},
        status=500,
    )
