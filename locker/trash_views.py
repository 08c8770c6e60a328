"""The trash and the versions pages: list, restore, delete permanently, empty."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from audit.doors import where
from locker.downloads import recorded_download
from locker.errors import ContentUnavailable, QuotaExceeded
from locker.models import (
    MANAGE_ALL_FILES,
    AlreadyGone,
    DeletionAlert,
    FileVersion,
    Folder,
    StoredFile,
    TrashedFile,
    TrashedFileQuerySet,
    VersionGone,
)
from locker.page_errors import cannot_download
from locker.trash import restore_all, restore_folders
from skylocker.client import client_address

PAGE_SIZE = 50


class AuthenticatedHttpRequest(HttpRequest):
    """What every view here receives: login_required lets only a signed-in user through."""

    user: User


def trash_for(request: AuthenticatedHttpRequest) -> tuple[TrashedFileQuerySet, bool]:
    """Own trash; those who manage all files may ask for everyone's (?view=all) or one
    owner's (?owner=username)."""
    items = TrashedFile.objects.visible_to(request.user).on_their_own().select_related("owner")
    manager = request.user.has_perm(MANAGE_ALL_FILES)
    everyone = manager and request.GET.get("view") == "all"
    if owner := request.GET.get("owner", "") if manager else "":
        return items.filter(owner__username=owner), True
    return (items if everyone else items.filter(owner=request.user)), everyone


def item_for(user: User, pk: UUID) -> TrashedFile:
    return get_object_or_404(TrashedFile.objects.visible_to(user).select_related("owner"), pk=pk)


@login_required
def trash(request: AuthenticatedHttpRequest) -> HttpResponse:
    items, everyone = trash_for(request)
    page = Paginator(items.order_by("-deleted_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page, "items": page.object_list, "everyone": everyone,
        "trashed_folders": Folder.objects.trash_of(request.user),
    }
    return render(request, "locker/trash.html", context)


@login_required
@require_POST
def restore(request: AuthenticatedHttpRequest, pk: UUID) -> HttpResponse:
    item = item_for(request.user, pk)
    try:
        item.restore(request.user, **where(request))
    except AlreadyGone:
        raise Http404 from None
    except QuotaExceeded as exc:
        messages.error(request, str(exc))
        return redirect("trash")
    messages.success(request, gettext("Restored %(name)s.") % {"name": item.name})
    return redirect("trash")


@login_required
@require_http_methods(["GET", "POST"])
def purge(request: AuthenticatedHttpRequest, pk: UUID) -> HttpResponse:
    item = item_for(request.user, pk)
    if request.method == "POST":
        try:
            item.purge(request.user, door="web", address=client_address(request))
        except AlreadyGone:
            raise Http404 from None
        messages.success(request, gettext("Deleted %(name)s permanently.") % {"name": item.name})
        return redirect("trash")
    return render(request, "locker/trash_confirm.html", {"items": [item], "one": item})


@login_required
@require_http_methods(["GET", "POST"])
def empty(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Empties one's own trash (staff too: others' items are purged one by one)."""
    items = TrashedFile.objects.visible_to(request.user).filter(owner=request.user)
    folders = Folder.objects.trash_of(request.user)
    if request.method == "POST":
        done = 0
        for folder in folders:  # each with the files deleted with it
            count = folder.trashed_files().count()
            try:
                folder.purge(request.user, door="web", address=client_address(request))
            except AlreadyGone:
                continue
            done += count
        for item in items.filter(trashed_with__isnull=True):
            try:
                item.purge(request.user, door="web", address=client_address(request))
                done += 1
            except AlreadyGone:
                continue
        messages.success(
            request,
            ngettext(
                "Emptied the trash: %(count)d file.", "Emptied the trash: %(count)d files.", done
            )
            % {"count": done},
        )
        return redirect("trash")
    return render(request, "locker/trash_confirm.html", {"items": items, "one": None})


@login_required
@require_http_methods(["GET", "POST"])
def restore_burst(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The mass-deletion alert's link: what that account trashed since the burst began."""
    if not request.user.has_perm(MANAGE_ALL_FILES):
        raise Http404
    alarm = get_object_or_404(DeletionAlert, pk=pk, kind=DeletionAlert.MASS)
    items = TrashedFile.objects.visible_to(request.user).filter(
        deleted_by_id=alarm.actor_id, deleted_at__gte=alarm.since
    )
    if request.method == "POST":
        # Deleted folders first, each with its files, so those go back into their folders.
        folders = Folder.objects.in_trash().filter(
            deleted_by_id=alarm.actor_id, deleted_at__gte=alarm.since
        )
        in_folders = restore_folders(folders, request.user)
        restored = restore_all(items.on_their_own(), request.user, **where(request))
        count = len(restored) + in_folders
        messages.success(
            request,
            ngettext("Restored %(count)d file.", "Restored %(count)d files.", count)
            % {"count": count},
        )
        return redirect("all-files")
    return render(request, "locker/trash_burst.html", {"alarm": alarm, "items": items})


@login_required
def versions(request: AuthenticatedHttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    context = {"file": stored, "versions": FileVersion.objects.of(stored)}
    return render(request, "locker/versions.html", context)


def version_for(user: User, pk: UUID, vid: UUID) -> tuple[StoredFile, FileVersion]:
    """A version through its file's visibility: another user's version is a 404 like the file."""
    stored = StoredFile.objects.get_for(user, pk)
    return stored, get_object_or_404(FileVersion.objects.of(stored), pk=vid)


@login_required
def version_download(request: AuthenticatedHttpRequest, pk: UUID, vid: UUID) -> HttpResponseBase:
    _, version = version_for(request.user, pk, vid)
    try:
        return recorded_download(version, request.user, **where(request), file_id=str(pk))
    except ContentUnavailable as exc:
        return cannot_download(request, exc, version)


@login_required
@require_POST
def version_restore(request: AuthenticatedHttpRequest, pk: UUID, vid: UUID) -> HttpResponse:
    _, version = version_for(request.user, pk, vid)
    try:
        version.restore(request.user, **where(request))
    except (StoredFile.DoesNotExist, VersionGone):
        raise Http404 from None
    when = timezone.localtime(version.stored_at)
    messages.success(
        request,
        gettext("Restored %(name)s as of %(when)s.")
        % {"name": version.name, "when": f"{when:%Y-%m-%d %H:%M}"},
    )
    return redirect("versions", pk)
