"""Handing a file's bytes to its owner: streamed from local storage, or a signed URL when remote."""

import logging
from urllib.parse import quote

from django.http import FileResponse, HttpResponseRedirect
from rest_framework.exceptions import APIException

log = logging.getLogger(__name__)

# Types a browser would render or run: always sent as opaque bytes.
ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-shockwave-flash",
    "application/pdf",
}


class ContentUnavailable(APIException):
    """The file's object cannot be read (disk error, object missing); the API answers 503."""

    status_code = 503
    default_code = "content_unavailable"
    default_detail = (
        "Skylocker cannot read this file's content right now. Nothing was changed; please "
        "try again later, and tell an administrator if it keeps happening."
    )


def served_content_type(stored) -> str:
    kind = stored.content_type.split(";")[0].strip().lower()
    return "application/octet-stream" if kind in ACTIVE_TYPES or not kind else stored.content_type


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback plus the exact name as UTF-8 in filename*."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def remote_url(stored) -> str | None:
    """A short-lived signed URL when the storage can hand one out (S3, CloudFront); else None."""
    from locker import remote

    return remote.signed_download_url(stored)


class ContentMissing(ContentUnavailable):
    """reconcile found the object gone and marked the file: no URL would lead to its bytes."""

    default_code = "content_missing"
    default_detail = (
        "This file's content is missing from storage. Its details are kept so that an "
        "administrator can restore it; nothing was changed."
    )


def download_response(stored):
    if stored.object_missing_at is not None:
        raise ContentMissing()
    if url := remote_url(stored):
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
        return response
    try:
        content = stored.file.open("rb")
    except OSError as exc:
        log.error("Cannot read the object of file %s (%s): %s", stored.pk, stored.file.name, exc)
        raise ContentUnavailable() from exc
    response = FileResponse(content, content_type=served_content_type(stored))
    response["Content-Disposition"] = content_disposition(stored.name)
    response["Content-Length"] = str(stored.size)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
