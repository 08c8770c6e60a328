"""Handing a file's bytes to its owner: streamed from local storage, or a signed URL when remote."""

import logging
from typing import TYPE_CHECKING

from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect

from locker.errors import ContentMissing, ContentUnavailable
from locker.remote import signed_download_url
from locker.storage import content_disposition, served_type

if TYPE_CHECKING:
    from locker.models import StoredFile

log = logging.getLogger(__name__)


def download_response(stored: "StoredFile") -> HttpResponseBase:
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
