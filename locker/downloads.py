"""Handing a file's bytes to its owner: streamed from local storage, or a signed URL when remote."""

import logging
from datetime import datetime
from typing import Any, Protocol

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect

from audit.log import record
from locker.errors import ContentMissing, ContentUnavailable
from locker.remote import signed_download_url
from locker.storage import content_disposition, served_type

log = logging.getLogger(__name__)


class Downloadable(Protocol):
    """What a download reads: a current file (StoredFile) or one of its versions (FileVersion)."""

    @property
    def pk(self) -> Any: ...

    @property
    def file(self) -> FieldFile: ...

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def content_type(self) -> str: ...

    @property
    def object_missing_at(self) -> datetime | None: ...


def download_response(stored: Downloadable) -> HttpResponseBase:
    """The answer that hands over a file's bytes, the same for both doors.

    Raises ContentMissing (reconcile marked the object gone) or ContentUnavailable (it cannot
    be read right now).
    """
    if stored.object_missing_at is not None:
        raise ContentMissing()
    if url := signed_download_url(stored):
        response: HttpResponseBase = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
        return response
    try:
        content = stored.file.open("rb")
    except OSError as exc:
        log.error("Cannot read the object of file %s (%s): %s", stored.pk, stored.file.name, exc)
        raise ContentUnavailable() from exc
    response = FileResponse(content, content_type=served_type(stored.content_type))
    response["Content-Disposition"] = content_disposition(stored.name)
    response["Content-Length"] = str(stored.size)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def recorded_download(
    stored: Downloadable, actor: Any, *, door: str, address: str | None, **detail: Any
) -> HttpResponseBase:
    """download_response, and its audit record once the answer is ready (no record, no bytes).

    Raises what download_response raises, and then records nothing."""
    response = download_response(stored)
    record("file.downloaded", actor=actor, door=door, address=address, target=stored, **detail)
    return response
