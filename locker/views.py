import dataclasses
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from locker import direct, listing
from locker.downloads import download_response
from locker.errors import ContentUnavailable, QuotaExceeded, StorageUnavailable
from locker.forms import FileForm
from locker.models import StoredFile
from locker.page_errors import cannot_download, page_again
from locker.quota import usage_of
from locker.uploads import upload_storage_failed, upload_too_large
from skylocker.client import client_address

PAGE_PARAMETERS = {"search": "q", "sort": "sort", "owner": "owner"}


def _table(request: HttpRequest, view: str, **context: Any) -> HttpResponse:
    """The list contract of locker/listing.py, read from the page's parameter names.

    Parameters that break it are named in a message (and the answer is 400), and the list is
    shown as if they had not been given.
    """
    status = 200
    try:
        query = listing.parse_params(request.GET, PAGE_PARAMETERS)
    except listing.InvalidListQuery as exc:
        messages.error(request, exc.message)
        query, status = exc.valid, 400
    if view == "mine":
        query = dataclasses.replace(query, owner=request.user.get_username())
    files = listing.files(request.user, query)
    page = Paginator(files, listing.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "files": page.object_list,
        "q": request.GET.get("q", "") if status == 200 else query.search,
        "sort": query.sort,
        "owner": query.owner if view == "all" else "",
        "view": view,
        **context,
    }
    return render(request, "locker/files.html", context, status=status)


@login_required
def my_files(request: HttpRequest) -> HttpResponse:
    return _table(request, "mine", usage=usage_of(request.user))


@login_required
def all_files(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    owners = get_user_model().objects.filter(files__isnull=False).distinct().order_by(
        "last_name", "first_name", "username"
    )
    return _table(request, "all", owners=owners)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and "uploaded" in request.GET:
        return _uploaded_directly(request, request.GET["uploaded"])
    # A POST stays a bound form even when the size limit stopped the body before any field arrived.
    bound = request.method == "POST"
    form = FileForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        too_large=upload_too_large(request),
    )
    if bound and upload_storage_failed(request):
        return page_again(request, StorageUnavailable(), "locker/upload.html", {"form": form})
    if request.method == "POST" and form.is_valid():
        try:
            stored = StoredFile.create_from_upload(
                request.user, form.cleaned_data["file"], form.cleaned_data["description"]
            )
        except (StorageUnavailable, QuotaExceeded) as exc:
            return page_again(request, exc, "locker/upload.html", {"form": form})
        messages.success(request, f"Uploaded {stored.name}.")
        return redirect("files")
    status = 413 if form.too_large else 400 if request.method == "POST" else 200
    # On S3 the page (with JavaScript) sends the bytes straight to the bucket; see upload.js.
    context = {"form": form, "direct_upload": direct.available()}
    return render(request, "locker/upload.html", context, status=status)


def _uploaded_directly(request: HttpRequest, pk: str) -> HttpResponse:
    """Where upload.js goes after a direct upload's finalize: the list, saying what was stored."""
    try:
        uploaded = StoredFile.objects.visible_to(request.user).filter(pk=UUID(pk)).first()
    except ValueError:
        uploaded = None
    if uploaded is not None:
        messages.success(request, f"Uploaded {uploaded.name}.")
    return redirect("files")


@login_required
def download(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    stored = StoredFile.objects.get_for(request.user, pk)
    try:
        return download_response(stored)
    except ContentUnavailable as exc:
        return cannot_download(request, exc, stored)


@login_required
@require_http_methods(["GET", "POST"])
def replace(request: HttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    bound = request.method == "POST"
    form = FileForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        initial={"description": stored.description},
        too_large=upload_too_large(request),
        file_required=False,
    )
    page = {"form": form, "file": stored}
    if bound and upload_storage_failed(request):
        return page_again(request, StorageUnavailable(), "locker/replace.html", page)
    if request.method == "POST" and form.is_valid():
        try:
            stored.replace(
                form.cleaned_data["file"], form.cleaned_data["description"], by=request.user
            )
        except (StorageUnavailable, QuotaExceeded) as exc:
            return page_again(request, exc, "locker/replace.html", page)
        messages.success(request, f"Replaced {stored.name}.")
        return redirect(_back(request))
    status = 413 if form.too_large else 400 if request.method == "POST" else 200
    return render(request, "locker/replace.html", page, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    if request.method == "POST":
        # StoredFile.DoesNotExist: deleted meanwhile, a 404
        stored.delete_by(request.user, door="web", address=client_address(request))
        trashed = settings.TRASH_DAYS > 0
        messages.success(
            request, f"Moved {stored.name} to the trash." if trashed else f"Deleted {stored.name}."
        )
        return redirect(_back(request))
    context = {"file": stored, "trash_days": settings.TRASH_DAYS}
    return render(request, "locker/delete.html", context)


def _back(request: HttpRequest) -> str:
    return "all-files" if request.POST.get("back") == "all" and request.user.is_staff else "files"


def home(request: HttpRequest) -> HttpResponse:
    return redirect("files" if request.user.is_authenticated else "login")
