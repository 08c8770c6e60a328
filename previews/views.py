"""The preview page (a click on a file's name) and the thumbnails, for those who may see the file.

Thumbnails are images Skylocker made itself (WebP, no metadata), yet they are served like any
stored bytes: only after `StoredFile.objects.get_for` (others get 404), with nosniff and a
sandboxing CSP, and on S3 as a redirect to a short-lived signed URL, as downloads are.
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render

from locker import storage
from locker.errors import StorageUnavailable
from locker.models import StoredFile
from locker.remote import signed_url
from previews.kinds import TEXT_LINES, kind_of, mark, text_head
from previews.models import Preview

WEBP = "image/webp"


@login_required
def preview_page(request: HttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    mark([stored])
    preview = Preview.objects.filter(source=stored.object_name).first()
    text = None
    unreadable = False
    if kind_of(stored.content_type, stored.name) == "text" and stored.object_missing_at is None:
        try:
            text = text_head(stored.object_name)
        except (FileNotFoundError, StorageUnavailable):
            unreadable = True
    context = {
        "file": stored,
        "preview": preview,
        "text": text,
        "text_lines": TEXT_LINES,
        "unreadable": unreadable,
    }
    return render(request, "previews/preview.html", context)


@login_required
def thumbnail(request: HttpRequest, pk: UUID, preview_id: int, size: str) -> HttpResponseBase:
    stored = StoredFile.objects.get_for(request.user, pk)
    preview = Preview.objects.filter(
        pk=preview_id, source=stored.object_name, state=Preview.READY
    ).first()
    name = getattr(preview, size, "") if size in {"small", "large"} else ""
    if preview is None or not name:
        raise Http404
    if url := signed_url(name, f"{stored.name}.{size}.webp", WEBP):
        response: HttpResponseBase = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
    else:
        try:
            handle = storage.default().open(name, "rb")
        except OSError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=WEBP)
        # The URL names one content's preview: it never changes, only disappears.
        response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
