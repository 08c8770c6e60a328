"""The pages anyone with a link may open: /s/<token> (a shared file) and /r/<token> (a file
request). No account, no list, nothing but the one file or the one upload form.

Every way a link can be unusable gives the same plain 404 page, and each such answer counts
against the address (sharing/limits.py): past the rate every token is refused, so tokens
cannot be guessed at speed. Wrong passwords count per link and per address.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from locker.downloads import download_response
from locker.errors import ContentUnavailable, QuotaExceeded, StorageUnavailable, over_limit_message
from locker.page_errors import status_for
from locker.uploads import LockerUploadHandler, upload_storage_failed, upload_too_large
from sharing import limits
from sharing.forms import DropForm, PasswordForm
from sharing.models import FileRequest, ShareLink, Unusable
from skylocker.client import client_address

UNLOCKED = "sharing-unlocked"  # the session's list of links whose password was given


def _private(response: HttpResponseBase) -> HttpResponseBase:
    """Public pages are nobody's to keep or index: the token is in their address."""
    response.setdefault("Cache-Control", "private, no-store")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def invalid(request: HttpRequest) -> HttpResponseBase:
    """The one answer for every unusable link, whatever the reason."""
    return _private(render(request, "sharing/invalid.html", status=404))


def too_many(request: HttpRequest) -> HttpResponseBase:
    return _private(render(request, "sharing/too_many.html", status=429))


def _open(model: Any, request: HttpRequest, token: str) -> tuple[Any, HttpResponseBase | None]:
    """The usable link, or the answer refusing it: too many tries from this address, or the
    404 (which counts as one more)."""
    if limits.guessing(request):
        return None, too_many(request)
    try:
        return model.objects.by_token(token), None
    except Unusable:
        limits.missed(request)
        return None, invalid(request)


def _unlocked(request: HttpRequest, link: Any) -> bool:
    return not link.has_password or str(link.pk) in request.session.get(UNLOCKED, [])


def _password_page(request: HttpRequest, link: Any, template_context: dict[str, Any]) -> Any:
    """The password form, and its answer: the link's own page again once it is right."""
    form = PasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if limits.password_blocked(request, str(link.pk)):
            return too_many(request)
        if form.is_valid() and link.check_password(form.cleaned_data["password"]):
            request.session[UNLOCKED] = [*request.session.get(UNLOCKED, []), str(link.pk)][-50:]
            return redirect(request.path)
        limits.wrong_password(request, str(link.pk))
        form = PasswordForm()
        template_context["wrong"] = True
        status = 403
    return _private(
        render(request, "sharing/password.html", {**template_context, "form": form}, status=status)
    )


@require_http_methods(["GET", "POST"])
def shared(request: HttpRequest, token: str) -> HttpResponseBase:
    link, refused = _open(ShareLink, request, token)
    if refused:
        return refused
    if not _unlocked(request, link):
        return _password_page(request, link, {"what": "share"})
    if request.method == "POST":
        return redirect(request.path)
    try:
        stored = link.current_file()
    except Unusable:
        return invalid(request)
    context = {"link": link, "file": stored, "token": token}
    return _private(render(request, "sharing/shared.html", context))


@require_GET
def shared_download(request: HttpRequest, token: str) -> HttpResponseBase:
    link, refused = _open(ShareLink, request, token)
    if refused:
        return refused
    if not _unlocked(request, link):
        return redirect("share", token=token)
    try:
        with transaction.atomic():  # a download that cannot be handed over is not counted
            stored = link.count_download(address=client_address(request))
            response = download_response(stored)
    except Unusable:
        return invalid(request)
    except ContentUnavailable as exc:
        context = {"file": stored, "reason": exc.message}
        return render(request, "locker/unavailable.html", context, status=status_for(exc))
    return _private(response)


class RequestUploadHandler(LockerUploadHandler):
    """The owner's upload handler, with the request's own limit and one file a POST."""

    def __init__(self, request: HttpRequest | None = None, max_bytes: int = 0) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_files = 1


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@csrf_exempt  # checked below, once the upload handler with the request's limit is in place
@require_http_methods(["GET", "POST"])
def requested(request: HttpRequest, token: str) -> HttpResponseBase:
    link, refused = _open(FileRequest, request, token)
    if refused:
        return refused
    if request.method == "POST" and request.content_type == "multipart/form-data":
        request.upload_handlers = [RequestUploadHandler(request, link.max_bytes)]
    return csrf_protect(_requested)(request, link)


def _requested(request: HttpRequest, link: FileRequest) -> HttpResponseBase:
    if not _unlocked(request, link):
        return _password_page(request, link, {"what": "request", "link": link})
    form = DropForm()
    if request.method == "POST":
        form = DropForm(request.POST, request.FILES)
        answer = _receive(request, link, form)
        if _wants_json(request):
            return _private(JsonResponse({"detail": answer.message}, status=answer.status))
        if answer.status == 404:
            return invalid(request)
        if answer.status == 201:
            form = DropForm()
        context = {"link": link, "form": form, "answer": answer}
        return _private(render(request, "sharing/request.html", context, status=answer.status))
    return _private(render(request, "sharing/request.html", {"link": link, "form": form}))


class Answer:
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message

    @property
    def ok(self) -> bool:
        return self.status == 201


def _receive(request: HttpRequest, link: FileRequest, form: DropForm) -> Answer:
    if upload_storage_failed(request):
        return Answer(503, StorageUnavailable().message)
    if upload_too_large(request):
        return Answer(413, over_limit_message(link.max_bytes))
    if len(request.FILES.getlist("file")) > 1:
        return Answer(400, _("Send one file at a time."))
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return Answer(400, " ".join(errors))
    data = form.cleaned_data
    try:
        stored = link.receive(
            data["file"], name=data["name"], note=data["note"], address=client_address(request)
        )
    except Unusable:
        return Answer(404, _("This link is not valid any more."))
    except QuotaExceeded:
        # Not the owner's numbers: the uploader learns only that it does not fit.
        return Answer(413, _("The recipient's locker is full. Nothing was saved."))
    except StorageUnavailable as exc:
        return Answer(503, exc.message)
    return Answer(201, _("Received %(name)s. Thank you.") % {"name": stored.name})


def share_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("share", args=[token]))


def request_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("file-request", args=[token]))
