"""Receiving uploaded bytes: the size limit while streaming, SHA-256, content type, safe names."""

import hashlib
import logging
import os
import unicodedata

import magic
from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpResponse, JsonResponse

log = logging.getLogger(__name__)

SNIFF_BYTES = 8192
TEMP_EXTENSION_CHARS = 16
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


CHUNKED_REFUSED = (
    "Send the request with a Content-Length header: Skylocker does not read chunked request "
    "bodies, so nothing was received."
)


def refuse_chunked_bodies(get_response):
    """Middleware: a body without Content-Length (chunked) would reach Django empty.

    Django reads a request body only as far as its Content-Length, so a chunked upload would be
    refused as "no file chosen". 411 says what is really wrong.
    """

    def middleware(request):
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            if request.path.startswith("/api/"):
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

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        # Django names the temp file after the upload's extension: a very long one (any user
        # can send 400 characters) would be longer than the filesystem allows, which is no
        # storage failure. The temp file gets a short extension; the upload keeps its name.
        stem, ext = os.path.splitext(file_name)
        try:
            super().new_file(field_name, stem + ext[:TEMP_EXTENSION_CHARS], *args, **kwargs)
        except OSError:
            self.storage_failed()
        self.file_name = self.file.name = file_name
        self.digest = hashlib.sha256()
        self.head = b""

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            self.file.close()  # a NamedTemporaryFile: closing it removes it
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        self.digest.update(raw_data)
        if len(self.head) < SNIFF_BYTES:
            self.head += raw_data[: SNIFF_BYTES - len(self.head)]
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:
            self.file.close()
            self.storage_failed()

    def storage_failed(self):
        """The temp folder is gone or full: stop reading, as for an over-size file."""
        log.exception("Could not write an upload's temp file in %s", settings.FILE_UPLOAD_TEMP_DIR)
        self.request.upload_storage_failed = True
        raise StopUpload(connection_reset=False)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self.digest.hexdigest()
        uploaded.sniffed_type = (
            magic.from_buffer(self.head, mime=True) if self.head else "application/x-empty"
        )
        return uploaded


def upload_too_large(request) -> bool:
    return getattr(request, "upload_too_large", False)


def upload_storage_failed(request) -> bool:
    return getattr(request, "upload_storage_failed", False)


def streamed_sha256(uploaded) -> str:
    if digest := getattr(uploaded, "sha256", None):
        return digest
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def sniff_content_type(uploaded) -> str:
    if sniffed := getattr(uploaded, "sniffed_type", None):
        return sniffed
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    return magic.from_buffer(head, mime=True) if head else "application/x-empty"


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
