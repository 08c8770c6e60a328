import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from locker import direct
from locker.downloads import ContentUnavailable, download_response
from locker.forms import FileForm
from locker.models import StorageUnavailable, StoredFile
from locker.quota import QuotaExceeded, usage_of
from locker.uploads import upload_storage_failed, upload_too_large
from skylocker.client import client_address

PAGE_SIZE = 50
SORTS = {
    "name": ["name"],
    "description": ["description"],
    "size": ["size"],
    "owner": ["owner__last_name", "owner__first_name", "owner__username"],
    "created_at": ["created_at"],
    "updated_at": ["updated_at"],
}


def get_file_for(user, pk) -> StoredFile:
    """The file if this user may see it; 404 otherwise, so nobody learns what others keep."""
    return get_object_or_404(StoredFile.objects.visible_to(user).select_related("owner"), pk=pk)


def _ordering(sort: str) -> tuple[str, list[str]]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        return "-updated_at", ["-updated_at", "-pk"]
    sign = "-" if sort.startswith("-") else ""
    return sort, [f"{sign}{field}" for field in SORTS[key]] + [f"{sign}pk"]


def _table(request, files, **context):
    query = request.GET.get("q", "")[:200]
    sort, ordering = _ordering(request.GET.get("sort", ""))
    files = files.search(query).select_related("owner").order_by(*ordering)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "files": page.object_list, "q": query, "sort": sort, **context}


@login_required
def my_files(request):
    files = StoredFile.objects.visible_to(request.user).filter(owner=request.user)
    context = _table(request, files, view="mine", usage=usage_of(request.user))
    return render(request, "locker/files.html", context)


@login_required
def all_files(request):
    if not request.user.is_staff:
        raise Http404
    files = StoredFile.objects.visible_to(request.user)
    owner = request.GET.get("owner", "")
    if owner.isdigit():
        files = files.filter(owner_id=int(owner))
    owners = get_user_model().objects.filter(files__isnull=False).distinct().order_by(
        "last_name", "first_name", "username"
    )
    context = _table(request, files, view="all", owners=owners, owner=owner)
    return render(request, "locker/files.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
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
        return _storage_failed(request, "locker/upload.html", form, StorageUnavailable())
    if request.method == "POST" and form.is_valid():
        try:
            stored = StoredFile.create_from_upload(
                request.user, form.cleaned_data["file"], form.cleaned_data["description"]
            )
        except StorageUnavailable as exc:
            return _storage_failed(request, "locker/upload.html", form, exc)
        except QuotaExceeded as exc:
            form.add_error("file", str(exc))
            context = {"form": form, "direct_upload": direct.available()}
            return render(request, "locker/upload.html", context, status=413)
        messages.success(request, f"Uploaded {stored.name}.")
        return redirect("files")
    status = 413 if form.too_large else 400 if request.method == "POST" else 200
    # On S3 the page (with JavaScript) sends the bytes straight to the bucket; see upload.js.
    context = {"form": form, "direct_upload": direct.available()}
    return render(request, "locker/upload.html", context, status=status)


def _uploaded_directly(request, pk: str):
    """Where upload.js goes after a direct upload's finalize: the list, saying what was stored."""
    try:
        uploaded = StoredFile.objects.visible_to(request.user).filter(pk=uuid.UUID(pk)).first()
    except ValueError:
        uploaded = None
    if uploaded is not None:
        messages.success(request, f"Uploaded {uploaded.name}.")
    return redirect("files")


@login_required
def download(request, pk):
    stored = get_file_for(request.user, pk)
    try:
        return download_response(stored)
    except ContentUnavailable as exc:
        return render(
            request, "locker/unavailable.html", {"file": stored, "reason": exc.detail}, status=503
        )


@login_required
@require_http_methods(["GET", "POST"])
def replace(request, pk):
    stored = get_file_for(request.user, pk)
    bound = request.method == "POST"
    form = FileForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        initial={"description": stored.description},
        too_large=upload_too_large(request),
        file_required=False,
    )
    if bound and upload_storage_failed(request):
        return _storage_failed(
            request, "locker/replace.html", form, StorageUnavailable(), file=stored
        )
    if request.method == "POST" and form.is_valid():
        try:
            stored.replace(
                form.cleaned_data["file"], form.cleaned_data["description"], by=request.user
            )
        except StoredFile.DoesNotExist:
            raise Http404 from None
        except StorageUnavailable as exc:
            return _storage_failed(request, "locker/replace.html", form, exc, file=stored)
        except QuotaExceeded as exc:
            form.add_error("file", str(exc))
            return render(
                request, "locker/replace.html", {"form": form, "file": stored}, status=413
            )
        messages.success(request, f"Replaced {stored.name}.")
        return redirect(_back(request))
    status = 413 if form.too_large else 400 if request.method == "POST" else 200
    return render(request, "locker/replace.html", {"form": form, "file": stored}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    stored = get_file_for(request.user, pk)
    if request.method == "POST":
        try:
            stored.delete_by(request.user, door="web", address=client_address(request))
        except StoredFile.DoesNotExist:
            raise Http404 from None
        messages.success(request, f"Moved {stored.name} to the trash." if settings.TRASH_DAYS
                         else f"Deleted {stored.name}.")
        return redirect(_back(request))
    context = {"file": stored, "trash_days": settings.TRASH_DAYS}
    return render(request, "locker/delete.html", context)


def _storage_failed(request, template, form, exc, **context):
    """The form again with the reason; 503 so monitoring sees it too."""
    messages.error(request, str(exc.detail))
    return render(request, template, {"form": form, **context}, status=503)


def _back(request) -> str:
    return "all-files" if request.POST.get("back") == "all" and request.user.is_staff else "files"


def home(request):
    return redirect("files" if request.user.is_authenticated else "login")
