"""The folder pages: make, rename, move and delete a folder, move a file, and deleted folders
in the trash. The folder view itself is the file list (locker/views.py) with `?folder=`."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.doors import where
from locker import listing
from locker.errors import FolderError, QuotaExceeded
from locker.folder_forms import FolderNameForm, MoveForm
from locker.models import AlreadyGone, Folder, StoredFile, file_paths, list_children


def folder_url(folder: Folder | None) -> str:
    """The file list showing this folder (None: the top of My files)."""
    url = reverse("files")
    return f"{url}?folder={folder.pk}" if folder is not None else url


def own_folder(request: HttpRequest, pk: Any) -> Folder:
    """The asker's own live folder; anyone else's (staff's too) is the 404 page."""
    return Folder.objects.get_for(request.user, pk)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    parent = own_folder(request, request.POST["parent"]) if request.POST.get("parent") else None
    form = FolderNameForm(request.POST)
    if form.is_valid():
        try:
            name = form.cleaned_data["name"]
            folder = Folder.create(request.user, name, parent, actor=request.user, **where(request))
        except FolderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Made the folder %(name)s.") % {"name": folder.name})
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("name", [])))
    return redirect(folder_url(parent))


@login_required
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, pk: UUID) -> HttpResponse:
    folder = own_folder(request, pk)
    form = FolderNameForm(request.POST or None, initial={"name": folder.name})
    if request.method == "POST" and form.is_valid():
        old = folder.name
        try:
            folder.rename(form.cleaned_data["name"], actor=request.user, **where(request))
        except FolderError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(
                request, _("Renamed %(old)s to %(new)s.") % {"old": old, "new": folder.name}
            )
            return redirect(folder_url(folder.parent))
    context = {"form": form, "folder": folder, "back": folder_url(folder.parent)}
    return render(request, "locker/folder_rename.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: UUID) -> HttpResponse:
    folder = own_folder(request, pk)
    return move_page(request, folder, lambda: folder.parent, exclude=folder)


def move_page(
    request: HttpRequest, thing: Folder | StoredFile, place: Any, exclude: Folder | None = None
) -> HttpResponse:
    """The Move form for a folder or a file; `place()` is the folder it is in (None: the top)."""
    current = place()
    initial = {"destination": str(current.pk) if current else "root"}
    form = MoveForm(request.POST or None, owner=request.user, exclude=exclude, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thing.move_to(form.target(request.user), actor=request.user, **where(request))
        except FolderError as exc:
            messages.error(request, exc.message)
        else:
            current = place()
            messages.success(request, _("Moved %(name)s to %(path)s.") % {
                "name": thing.name, "path": current.path if current else "/",
            })
            return redirect(folder_url(current))
    context = {"form": form, "thing": thing, "back": folder_url(current)}
    return render(request, "locker/move.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    folder = own_folder(request, pk)
    if request.method == "POST":
        folder.delete_by(request.user, **where(request))
        said = (
            _("Moved the folder %(name)s and everything in it to the trash.")
            if settings.TRASH_DAYS
            else _("Deleted the folder %(name)s and everything in it.")
        )
        messages.success(request, said % {"name": folder.name})
        return redirect(folder_url(folder.parent))
    ids = folder.descendant_ids()
    context = {
        "folder": folder,
        "files": StoredFile.objects.filter(folder_id__in=ids).count(),
        "folders": len(ids) - 1,
        "trash_days": settings.TRASH_DAYS,
        "back": folder_url(folder.parent),
    }
    return render(request, "locker/folder_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def move_file(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Move one's own file to another of one's folders (staff move others' files nowhere:
    folders are personal)."""
    stored = StoredFile.objects.get_for(request.user, pk)
    if stored.owner_id != request.user.pk:
        raise Http404
    return move_page(request, stored, lambda: stored.folder)


def trashed_folder(request: HttpRequest, pk: UUID) -> Folder:
    try:
        return Folder.objects.get_trashed_for(request.user, pk)
    except Folder.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def trash_restore(request: HttpRequest, pk: UUID) -> HttpResponse:
    folder = trashed_folder(request, pk)
    try:
        restored = folder.restore(actor=request.user, **where(request))
    except AlreadyGone:
        raise Http404 from None
    except QuotaExceeded as exc:
        messages.error(request, exc.message)
        return redirect("trash")
    messages.success(request, _("Restored the folder %(path)s.") % {"path": restored.path})
    return redirect("trash")


@login_required
@require_http_methods(["GET", "POST"])
def trash_purge(request: HttpRequest, pk: UUID) -> HttpResponse:
    folder = trashed_folder(request, pk)
    if request.method == "POST":
        try:
            folder.purge(request.user, **where(request))
        except AlreadyGone:
            raise Http404 from None
        messages.success(request, _("Deleted the folder %(name)s permanently.") % {
            "name": folder.name
        })
        return redirect("trash")
    context = {"folder": folder, "files": folder.trashed_files().count()}
    return render(request, "locker/folder_purge.html", context)


def folder_param(query: listing.ListQuery) -> dict[str, str]:
    """The list's `folder` parameter for its links, when a folder is open."""
    return {"folder": query.folder} if query.folder and query.folder != listing.ROOT else {}


def folder_context(user: Any, view: str, query: listing.ListQuery, page: Any) -> dict[str, Any]:
    """What the file list shows of folders: on My files, the open folder (breadcrumbs, its
    folders); on All files and in search results, the path of each file in a folder."""
    context: dict[str, Any] = {"folder_view": view == "mine" and not query.search}
    if context["folder_view"]:
        opened = query.folder != listing.ROOT
        current = Folder.objects.get_for(user, query.folder) if opened else None
        context["current_folder"] = current
        context["subfolders"] = list_children(user, current)[0]
    else:
        paths = file_paths(page.object_list)
        page.object_list = list(page.object_list)
        for stored in page.object_list:  # a file at the top needs no path beside its name
            stored.shown_path = paths[stored.pk] if stored.folder_id else ""
    return context
