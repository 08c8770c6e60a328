"""Several files at once from the files page: to the trash, or downloaded as one zip.

The zip is streamed: each file's bytes are read in chunks and sent as they are compressed, so
no zip (and no whole file) is ever held in memory. Zip64 lifts the 4 GiB limits; a zip holds
at most MAX_FILES files, one page of the list.
"""

import uuid
import zipfile
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.doors import where
from audit.log import record
from locker.models import StoredFile
from locker.storage import content_disposition
from skylocker.client import client_address

MAX_FILES = 50
CHUNK = 64 * 1024


class Drain:
    """A write-only file for ZipFile whose bytes are taken out as soon as they are written."""

    def __init__(self) -> None:
        self.pending: list[bytes] = []
        self.written = 0

    def write(self, data: bytes) -> int:
        self.pending.append(bytes(data))
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """ZipFile never closes a file it was handed; here for the writable-file shape."""

    def take(self) -> bytes:
        data, self.pending = b"".join(self.pending), []
        return data


def zip_stream(files: Iterable[StoredFile]) -> Iterator[bytes]:
    sink = Drain()
    names: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for stored in files:
            name = unique(stored.name, names)
            info = zipfile.ZipInfo(name, date_time=stored.updated_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with stored.file.open("rb") as source, archive.open(info, "w", force_zip64=True) as out:
                for chunk in source.chunks(CHUNK):
                    out.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def unique(name: str, taken: set[str]) -> str:
    """Files are not addressed by name, so two may share one: the zip numbers the others."""
    candidate, n = name, 1
    while candidate in taken:
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
        n += 1
    taken.add(candidate)
    return candidate


def selected(request: HttpRequest) -> list[StoredFile] | None:
    """The chosen files through the one visibility rule; any other user's id makes it a 404."""
    try:
        ids = {uuid.UUID(value) for value in request.POST.getlist("ids")}
    except ValueError:
        raise Http404 from None
    if not ids or len(ids) > MAX_FILES:
        return None
    files = list(
        StoredFile.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .order_by("name", "created_at", "pk")
    )
    if len(files) != len(ids):
        raise Http404
    return files


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponseBase:
    files = selected(request)
    if files is None:
        messages.error(request, _("Tick between 1 and %(most)d files first.") % {"most": MAX_FILES})
        return redirect("files")
    if request.POST.get("action") == "zip":
        with transaction.atomic():
            for stored in files:
                record("file.downloaded", actor=request.user, target=stored, zip=True,
                       **where(request))
        response = StreamingHttpResponse(zip_stream(files), content_type="application/zip")
        name = f"skylocker-{timezone.now():%Y%m%d-%H%M%S}.zip"
        response["Content-Disposition"] = content_disposition(name)
        response["Cache-Control"] = "private, no-store"
        return response
    if request.POST.get("confirm") != "yes":
        return render(request, "locker/bulk_trash.html", {"files": files})
    moved = 0
    for stored in files:
        try:
            stored.delete_by(request.user, door="web", address=client_address(request))
            moved += 1
        except StoredFile.DoesNotExist:
            continue
    messages.success(
        request,
        ngettext("Moved %(count)d file to the trash.", "Moved %(count)d files to the trash.", moved)
        % {"count": moved},
    )
    return redirect("files")
