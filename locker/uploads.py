"""Receiving uploaded bytes: the size limit while streaming, safe names.

The bytes are measured (size, SHA-256, type) on the way in by locker/storage.py's Measure.
"""

import logging
import os
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple, NoReturn

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import SkipFile, StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext, gettext_lazy

from locker.errors import over_limit_message
from locker.storage import Measure
from skylocker.error_views import is_api

log = logging.getLogger(__name__)

TEMP_EXTENSION_CHARS = 16
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


CHUNKED_REFUSED = gettext_lazy(
    "Send the request with a Content-Length header: Skylocker does not read chunked request "
    "bodies, so nothing was received."
)


def refuse_chunked_bodies(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Middleware: a body without Content-Length (chunked) would reach Django empty.

    Django reads a request body only as far as its Content-Length, so a chunked upload would be
    refused as "no file chosen". 411 says what is really wrong.
    """

    def middleware(request: HttpRequest) -> HttpResponseBase:
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            if is_api(request):
                return JsonResponse({"detail": CHUNKED_REFUSED}, status=411)
            return HttpResponse(str(CHUNKED_REFUSED), status=411, content_type="text/plain")
        return get_response(request)

    return middleware


class LockerUploadHandler(TemporaryFileUploadHandler):
    """Counts the bytes actually received: a file over the limit is skipped, its temp file gone.

    Content-Length is never consulted; a client can lie about it or leave it out. Each file
    may have MAX_UPLOAD_BYTES; a file over it is skipped (the others of the request still
    arrive) and named in `upload_refusals(request)`. At most MAX_UPLOAD_FILES files are taken
    from one request, so extra parts cannot each bring another limit's worth of temp file.
    The digest and the first bytes (for the content type) are taken on the way through.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        # The limits; a file request's upload handler (sharing/public.py) sets lower ones.
        self.max_bytes = settings.MAX_UPLOAD_BYTES
        self.max_files = settings.MAX_UPLOAD_FILES
        self.files = 0
        self.received = 0
        if request is not None:
            request.upload_refusals = []  # type: ignore[attr-defined]  # read by the views

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        self.files += 1
        self.received = 0
        # Django names the temp file after the upload's extension: a very long one (any user
        # can send 400 characters) would be longer than the filesystem allows, which is no
        # storage failure. The temp file gets a short extension; the upload keeps its name.
        stem, ext = os.path.splitext(file_name)
        try:
            super().new_file(field_name, stem + ext[:TEMP_EXTENSION_CHARS], *args, **kwargs)
        except OSError:
            self.storage_failed()
        self.file_name = self.file.name = file_name
        self.measure = Measure()
        if self.files > self.max_files:
            # After super(): skipping closes this handler's file, which must be this one's.
            self.refuse(TOO_MANY, too_many_files_message())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.file.close()  # a NamedTemporaryFile: closing it removes it
            self.request.upload_too_large = True  # type: ignore[union-attr]  # read by the views
            self.refuse(TOO_LARGE, over_limit_message(self.max_bytes))
        self.measure.add(raw_data)
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:
            self.file.close()
            self.storage_failed()

    def refuse(self, kind: str, reason: str) -> NoReturn:
        """Skip this file (the parser reads past its bytes) and say why."""
        refusal = Refusal(clean_filename(self.file_name or ""), kind, reason)
        self.request.upload_refusals.append(refusal)  # type: ignore[union-attr]  # read by views
        raise SkipFile()

    def storage_failed(self) -> NoReturn:
        """The temp folder is gone or full: stop reading, as for an over-size file."""
        log.exception("Could not write an upload's temp file in %s", settings.FILE_UPLOAD_TEMP_DIR)
        self.request.upload_storage_failed = True  # type: ignore[union-attr]  # read by the views
        raise StopUpload(connection_reset=False)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        uploaded.measurement = self.measure.result()  # type: ignore[union-attr]  # read by storage
        return uploaded


# Why a file of an upload was not stored, in the summary's short words.
TOO_LARGE, EMPTY, TOO_MANY, UNAVAILABLE = "too large", "empty", "too many files", "storage down"
OVER_QUOTA = "over quota"
# The kinds in the reader's language (the kinds themselves are codes the API and upload.js share).
KIND_WORDS = {
    TOO_LARGE: gettext_lazy("too large"),
    EMPTY: gettext_lazy("empty"),
    TOO_MANY: gettext_lazy("too many files"),
    UNAVAILABLE: gettext_lazy("storage down"),
    OVER_QUOTA: gettext_lazy("over quota"),
}


class Refusal(NamedTuple):
    """One file of an upload that was not stored: its name, the short kind and the full reason."""

    name: str
    kind: str
    reason: str


def summary(stored: int, refusals: list[Refusal]) -> str:
    """The end of an upload in a few words; the page with JavaScript words it the same way.

    For example "4 uploaded, 1 refused: too large."
    """
    if not refusals:
        return gettext("%(stored)d uploaded.") % {"stored": stored}
    kinds = sorted({str(KIND_WORDS.get(refusal.kind, refusal.kind)) for refusal in refusals})
    return gettext("%(stored)d uploaded, %(refused)d refused: %(kinds)s.") % {
        "stored": stored, "refused": len(refusals), "kinds": ", ".join(kinds),
    }


def too_many_files_message() -> str:
    return gettext(
        "Skylocker takes at most %(most)d files at a time; this one was not sent. "
        "Upload it again on its own."
    ) % {"most": settings.MAX_UPLOAD_FILES}


def upload_refusals(request: HttpRequest) -> list[Refusal]:
    return list(getattr(request, "upload_refusals", []))


def upload_too_large(request: HttpRequest) -> bool:
    return getattr(request, "upload_too_large", False)


def upload_storage_failed(request: HttpRequest) -> bool:
    return getattr(request, "upload_storage_failed", False)


def clean_filename(name: str) -> str:
    """A name safe to show and to offer back as a download name; never used as a path."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters: NUL, newlines, the right-to-left override, zero-width marks.
    hidden = {"Cc", "Cf", "Cs", "Co", "Cn"}
    name = "".join(ch for ch in name if unicodedata.category(ch) not in hidden)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "unnamed"
    stem, ext = os.path.splitext(name)
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    if len(stem) + len(ext) > 255:
        ext = ext[:16]
        stem = stem[: 255 - len(ext)]
    return stem + ext
