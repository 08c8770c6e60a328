"""The WebDAV door at /dav/: Basic auth with an app password, then WsgiDAV on the user's tree.

WsgiDAV runs inside Django, as a view, rather than beside it in the ASGI layer: the request then
passes Django's middleware like every other (security headers, the client's address under the
configured proxies, database connections opened and closed per request), log-in throttling is
django-axes' own, and the tests drive the door with Django's test client. The body has already
been received whole by the ASGI layer (skylocker/bodies.py), which for /dav/ also reads
bodies without a Content-Length, counting them against the limit as they arrive.
"""

import base64
import binascii
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from wsgidav.error_printer import ErrorPrinter
from wsgidav.request_resolver import RequestResolver
from wsgidav.wsgidav_app import WsgiDAVApp

from accounts.limits import address_locked_out
from dav.locks import DatabaseLockStorage, locks_of
from dav.properties import DatabasePropertyManager
from dav.provider import LockerProvider
from skylocker.client import client_address

MOUNT = "/dav"
REALM = "Skylocker WebDAV"
BLOCK = 256 * 1024


@cache
def wsgidav() -> WsgiDAVApp:
    """One WsgiDAV application per process; its locks and properties live in the database."""
    return WsgiDAVApp(
        {
            "provider_mapping": {"/": LockerProvider()},
            "mount_path": MOUNT,
            # Authentication happens before WsgiDAV (see `door`); no directory pages either.
            "middleware_stack": [ErrorPrinter, RequestResolver],
            "lock_storage": DatabaseLockStorage(),
            "property_manager": DatabasePropertyManager(),
            "block_size": BLOCK,
            "suppress_version_info": True,
            "dir_browser": {"enable": False},
            "hotfixes": {"re_encode_path_info": False},
            "verbose": 1,
            "logging": {"enable": False},
        }
    )


def challenge(status: int = 401, text: str = "") -> HttpResponse:
    response = HttpResponse(
        text or _("Sign in with your username and an app password from your Account page."),
        status=status,
        content_type="text/plain; charset=utf-8",
    )
    if status == 401:
        response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _space, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, colon, password = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if colon else None


def locked_out() -> HttpResponse:
    response = challenge(
        429,
        _("Too many failed sign-ins from this address. Try again in %(minutes)s minutes.")
        % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@csrf_exempt
def door(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """Every WebDAV request: who is it (an app password only), then WsgiDAV answers."""
    given = credentials(request)
    if given is None:
        return challenge()
    if address_locked_out(request):
        return locked_out()
    # Through django-axes, as the log-in page: failures count per username and address.
    user = authenticate(request=request, username=given[0], app_password=given[1])
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # type: ignore[attr-defined]  # answered here instead
        return locked_out()
    if user is None:
        return challenge()
    return run_wsgidav(request, user)


def run_wsgidav(request: HttpRequest, user: Any) -> HttpResponseBase:
    environ = dict(request.META)  # the WSGI environ, as Django keeps it
    environ.setdefault("HTTP_HOST", request.get_host())  # COPY and MOVE compare it
    environ.update(
        {
            "SCRIPT_NAME": MOUNT,
            # Django has decoded the path from UTF-8 already (WsgiDAV is told not to again).
            "PATH_INFO": request.path_info[len(MOUNT) :] or "/",
            "wsgi.input": request,  # reads no further than the body
            "skylocker.user": user,
            "skylocker.address": client_address(request),
            "wsgidav.auth.user_name": user.get_username(),
            "wsgidav.auth.realm": REALM,
        }
    )
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.update(status=status, headers=headers)

    with locks_of(user.pk):
        body = iter(wsgidav()(environ, start_response))
        # The work (and every database query) happens before the first chunk is handed over;
        # what follows, for a download, is reading the file.
        first = next(body, b"")
    code, _space, reason = started["status"].partition(" ")
    rest = list_or_stream(first, body)
    response: HttpResponseBase
    if isinstance(rest, bytes):
        response = HttpResponse(rest, status=int(code), reason=reason or None)
    else:
        response = StreamingHttpResponse(rest, status=int(code), reason=reason or None)
    del response["Content-Type"]  # WsgiDAV says which, if any
    for name, value in started["headers"]:
        response[name] = value
    return response


def list_or_stream(first: bytes, body: Iterator[bytes]) -> bytes | Iterator[bytes]:
    """The whole answer when it came in one chunk (nearly all do), else a stream of chunks."""
    second = next(body, None)
    if second is None:
        close = getattr(body, "close", None)
        if close is not None:
            close()
        return first

    def chunks() -> Iterator[bytes]:
        try:
            yield first
            yield second
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return chunks()
