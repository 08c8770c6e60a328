"""How the pages answer a domain error (locker/errors.py): the one place that decides.

The page comes back with the reason as a message (or, for a download, on its own page) and
the status code monitoring should see. "Not found" (`ObjectDoesNotExist`, e.g. from
`StoredFile.objects.get_for`) is the 404 page, whether the file is someone else's or nobody's.
The API's counterpart is api/errors.py.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from locker.errors import (
    ContentUnavailable,
    DirectUploadsUnavailable,
    DomainError,
    FolderError,
    QuotaExceeded,
    StorageUnavailable,
    TooLarge,
)
from skylocker.error_views import is_api

STATUS: list[tuple[type[DomainError], int]] = [
    (TooLarge, 413),
    (QuotaExceeded, 413),
    (FolderError, 409),
    (DirectUploadsUnavailable, 409),
    (StorageUnavailable, 503),
    (ContentUnavailable, 503),
]


def status_for(exc: DomainError) -> int:
    """The status code of a domain error, the same on both doors (400 unless listed)."""
    return next((status for kind, status in STATUS if isinstance(exc, kind)), 400)


def page_again(
    request: HttpRequest, exc: DomainError, template: str, context: dict[str, Any]
) -> HttpResponse:
    """The form page again with the reason as a message; nothing was changed."""
    messages.error(request, exc.message)
    return render(request, template, context, status=status_for(exc))


def cannot_download(request: HttpRequest, exc: DomainError, stored: Any) -> HttpResponse:
    """A download whose bytes cannot be handed over: a page that says why."""
    context = {"file": stored, "reason": exc.message}
    return render(request, "locker/unavailable.html", context, status=status_for(exc))


class PageErrorsMiddleware:
    """What a page view did not answer itself: not found is the 404 page, a domain error its
    message with its status. API views answer their own errors (api/errors.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_api(request):
            return None
        if isinstance(exc, ObjectDoesNotExist):
            raise Http404 from exc  # Django's 404 handling: the site's one 404 page
        if isinstance(exc, DomainError):
            return HttpResponse(exc.message, status=status_for(exc), content_type="text/plain")
        return None
