from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import UserSession
from skylocker.client import client_address

TOUCH_EVERY_SECONDS = 60  # a write a minute per browser at most, not one per request


def touch_user_session(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: keeps each signed-in browser's "last used" and address on its Account row."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.session_key:
            now = timezone.now().timestamp()
            if now - request.session.get("seen_at", 0) > TOUCH_EVERY_SECONDS:
                request.session["seen_at"] = now
                UserSession.objects.filter(
                    session_key=request.session.session_key, user=request.user
                ).update(last_used_at=timezone.now(), address=client_address(request) or None)
        return get_response(request)

    return middleware
