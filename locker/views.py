import dataclasses
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from audit.doors import where
from locker import direct, file_rows, listing
from locker.downloads import recorded_download
from locker.errors import ContentUnavailable, QuotaExceeded, StorageUnavailable
from locker.folder_views import folder_context, folder_param
from locker.forms import FileForm, RenameForm, UploadForm
from locker.models import MANAGE_ALL_FILES, StoredFile
from locker.page_errors import cannot_download, page_again
from locker.quota import usage_of
from locker.uploads import (
    OVER_QUOTA,
    UNAVAILABLE,
    Refusal,
    clean_filename,
    summary,
    upload_refusals,
    upload_storage_failed,
    upload_too_large,
)
from previews.kinds import mark as mark_previews
from skylocker.client import client_address

PAGE_PARAMETERS = {"search": "q", "sort": "sort", "owner": "owner", "folder": "folder"}
# The phone's "Sort by" menu (the table's column headers do it on wider screens).
SORT_CHOICES = [
    ("-updated_at", gettext_lazy("Updated, newest first")),
    ("updated_at", gettext_lazy("Updated, oldest first")),
    ("name", gettext_lazy("Name, A to Z")),
    ("-name", gettext_lazy("Name, Z to A")),
    ("-size", gettext_lazy("Size, largest first")),
    ("size", gettext_lazy("Size, smallest first")),
    ("-created_at", gettext_lazy("Uploaded, newest first")),
    ("created_at", gettext_lazy("Uploaded, oldest first")),
    ("description", gettext_lazy("Description, A to Z")),
    ("-description", gettext_lazy("Description, Z to A")),
    ("owner", gettext_lazy("Owner, A to Z")),
    ("-owner", gettext_lazy("Owner, Z to A")),
]


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
        if not query.search and not query.folder:  # My files opens at the top folder
            query = dataclasses.replace(query, folder=listing.ROOT)
    files = listing.files(request.user, query)
    owner = query.owner if view == "all" else ""
    own = StoredFile.objects.visible_to(request.user).filter(owner_id=request.user.pk)
    totals = own.usage() if view == "mine" else None
    if totals is not None:  # the usage bar reuses the files' total rather than summing again
        context["usage"] = usage_of(request.user, files_bytes=totals[1])
    pages = listing.Pages(files, listing.PAGE_SIZE, text_search=bool(query.search))
    page = pages.get_page(request.GET.get("page"))
    mark_previews(page.object_list)  # each row's icon and thumbnail, in one query
    context = {
        **folder_context(request.user, view, query, page),
        "page": page,
        "files": page.object_list,
        "rows": file_rows.rows(page.object_list, view),
        "q": request.GET.get("q", "") if status == 200 else query.search,
        "search": query.search,
        "totals": totals,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "sort": query.sort,
        "owner": owner,
        "view": view,
        "paging": urlencode(
            {"q": query.search, "sort": query.sort, "owner": owner, **folder_param(query)}
        ),
        "sort_choices": [
            (key, label) for key, label in SORT_CHOICES if view == "all" or "owner" not in key
        ],
        **context,
    }
    return render(request, "locker/files.html", context, status=status)


@login_required
def my_files(request: HttpRequest) -> HttpResponse:
    return _table(request, "mine")


@login_required
def all_files(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(MANAGE_ALL_FILES):
        raise Http404
    return _table(request, "all")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and "uploaded" in request.GET:
        return _uploaded_directly(request, request.GET.getlist("uploaded"))
    # A POST stays a bound form even when the size limit stopped the body before any field arrived.
    bound = request.method == "POST"
    form = UploadForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        refusals=upload_refusals(request),
    )
    if bound and upload_storage_failed(request):
        return page_again(request, StorageUnavailable(), "locker/upload.html", {"form": form})
    if request.method == "POST" and form.is_valid():
        stored, refusals = [], form.refusals
        for uploaded in form.cleaned_data["file"]:
            try:
                stored.append(
                    StoredFile.create_from_upload(
                        request.user, uploaded, form.cleaned_data["description"], **where(request)
                    )
                )
            except (StorageUnavailable, QuotaExceeded) as exc:
                if not stored and len(form.cleaned_data["file"]) == 1:
                    return page_again(request, exc, "locker/upload.html", {"form": form})
                kind = OVER_QUOTA if isinstance(exc, QuotaExceeded) else UNAVAILABLE
                refusals.append(Refusal(clean_filename(uploaded.name), kind, exc.message))
        _say_uploaded(request, [row.name for row in stored])
        for refusal in refusals:
            messages.error(
                request,
                _("Not uploaded: %(name)s. %(reason)s")
                % {"name": refusal.name, "reason": refusal.reason},
            )
        if refusals:
            messages.warning(request, summary(len(stored), refusals))
        return redirect("files")
    status = 413 if upload_too_large(request) else 400 if request.method == "POST" else 200
    # On S3 the page (with JavaScript) sends the bytes straight to the bucket; see upload.js.
    context = {"form": form, "direct_upload": direct.available()}
    return render(request, "locker/upload.html", context, status=status)


def _say_uploaded(request: HttpRequest, names: list[str]) -> None:
    if len(names) == 1:
        messages.success(request, _("Uploaded %(name)s.") % {"name": names[0]})
    elif names:
        messages.success(
            request,
            ngettext(
                "Uploaded %(count)d file: %(names)s.", "Uploaded %(count)d files: %(names)s.",
                len(names),
            ) % {"count": len(names), "names": ", ".join(names)},
        )


def _uploaded_directly(request: HttpRequest, pks: list[str]) -> HttpResponse:
    """Where upload.js goes once its queue is through: the list, saying what was stored."""
    ids = []
    for pk in pks[: settings.MAX_UPLOAD_FILES * 5]:
        try:
            ids.append(UUID(pk))
        except ValueError:
            continue
    found = StoredFile.objects.visible_to(request.user).filter(pk__in=ids).in_bulk()
    _say_uploaded(request, [found[pk].name for pk in ids if pk in found])
    return redirect("files")


@login_required
def download(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    stored = StoredFile.objects.get_for(request.user, pk)
    try:
        return recorded_download(stored, request.user, **where(request))
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
        old_name = stored.name
        try:
            changed = stored.replace(
                form.cleaned_data["file"],
                form.cleaned_data["description"],
                take_uploaded_name=form.cleaned_data["use_new_name"],
                actor=request.user,
                **where(request),
            )
        except (StorageUnavailable, QuotaExceeded) as exc:
            return page_again(request, exc, "locker/replace.html", page)
        messages.success(request, stored.describe_change(changed, old_name))
        return redirect(_back(request))
    status = 413 if form.too_large else 400 if request.method == "POST" else 200
    return render(request, "locker/replace.html", page, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    form = RenameForm(request.POST or None, initial={"name": stored.name})
    if request.method == "POST" and form.is_valid():
        old_name = stored.name
        changed = stored.rename(form.cleaned_data["name"], request.user, **where(request))
        messages.success(request, stored.describe_change(changed, old_name))
        return redirect(_back(request))
    status = 400 if form.errors else 200
    return render(request, "locker/rename.html", {"form": form, "file": stored}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    if request.method == "POST":
        # StoredFile.DoesNotExist: deleted meanwhile, a 404
        stored.delete_by(request.user, door="web", address=client_address(request))
        trashed = settings.TRASH_DAYS > 0
        messages.success(
            request,
            (_("Moved %(name)s to the trash.") if trashed else _("Deleted %(name)s."))
            % {"name": stored.name},
        )
        return redirect(_back(request))
    context = {"file": stored, "trash_days": settings.TRASH_DAYS}
    return render(request, "locker/delete.html", context)


def _back(request: HttpRequest) -> str:
    to_all = request.POST.get("back") == "all" and request.user.has_perm(MANAGE_ALL_FILES)
    return "all-files" if to_all else "files"


def home(request: HttpRequest) -> HttpResponse:
    return redirect("files" if request.user.is_authenticated else "login")
