"""The site's own 400 and 500 answers (Django's handler400/handler500, see urls.py).

The pages keep Django's own; under /api/ they are JSON like the API's other errors.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
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


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected error under /api/ is JSON that says so; the traceback goes to the log."""
    if not is_api(request):
        return defaults.server_error(request)
    return JsonResponse(
        {"detail": "Something went wrong on the server. It has been logged; try again later."},
        status=500,
    )
