"""Receiving uploaded bytes: the size limit while streaming, safe names.

The bytes are measured (size, SHA-256, type) on the way in by locker/storage.py's Measure.
"""

import logging
import os
import unicodedata
from collections.abc import Callable
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

from locker.storage import Measure
from skylocker.error_views import is_api

log = logging.getLogger(__name__)

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


CHUNKED_REFUSED = (
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
            return HttpResponse(CHUNKED_REFUSED, status=411, content_type="text/plain")
        return get_response(request)

    return middleware


class LockerUploadHandler(TemporaryFileUploadHandler):
    """Counts the bytes actually received: over the limit, the upload stops and its temp file goes.

    Content-Length is never consulted; a client can lie about it or leave it out. The count
    runs over every file part of the request: Skylocker takes one file per upload, and extra
    parts must not each bring another limit's worth of temp file.
    The digest and the first bytes (for the content type) are taken on the way through.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().new_file(*args, **kwargs)
        except OSError:
            self.storage_failed()
        self.measure = Measure()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            self.file.close()  # a NamedTemporaryFile: closing it removes it
            self.request.upload_too_large = True  # type: ignore[union-attr]  # read by the views
            raise StopUpload(connection_reset=False)
        self.measure.add(raw_data)
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:
            self.file.close()
            self.storage_failed()

    def storage_failed(self) -> NoReturn:
        """The temp folder is gone or full: stop reading, as for an over-size file."""
        log.exception("Could not write an upload's temp file in %s", settings.FILE_UPLOAD_TEMP_DIR)
        self.request.upload_storage_failed = True  # type: ignore[union-attr]  # read by the views
        raise StopUpload(connection_reset=False)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        uploaded.measurement = self.measure.result()  # type: ignore[union-attr]  # read by storage
        return uploaded


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
