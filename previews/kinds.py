"""What kind of file a row is (for its icon), its preview if one is ready, a text's first lines."""

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from locker import storage
from previews.models import IMAGE_TYPES, PDF_TYPE, ready_for

TEXT_LINES = 40
TEXT_BYTES = 16 * 1024
TEXT_TYPES = {
    "application/json", "application/x-empty", "application/javascript", "application/xml",
    "application/x-sh", "application/csv",
}
ARCHIVE_TYPES = {
    "application/zip", "application/gzip", "application/x-tar", "application/x-7z-compressed",
    "application/x-bzip2", "application/x-xz", "application/x-rar", "application/vnd.rar",
}
DOCUMENT_WORDS = (
    "word", "opendocument", "officedocument", "msword", "rtf", "excel", "powerpoint",
    "spreadsheet", "presentation",
)


def kind_of(content_type: str, name: str = "") -> str:
    """image, pdf, text, audio, video, archive, document or file: the icon a row shows."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in IMAGE_TYPES or kind.startswith("image/"):
        return "image"
    if kind == PDF_TYPE:
        return "pdf"
    if kind.startswith("text/") or kind in TEXT_TYPES:
        return "text"
    if kind.startswith("audio/"):
        return "audio"
    if kind.startswith("video/"):
        return "video"
    if kind in ARCHIVE_TYPES:
        return "archive"
    if any(word in kind for word in DOCUMENT_WORDS):
        return "document"
    if PurePosixPath(name).suffix.lower() in {".txt", ".md", ".csv", ".log"}:
        return "text"
    return "file"


def mark(files: Iterable[Any]) -> None:
    """Give each file of a page its `kind` and its ready `thumbnail` (or None), in one query."""
    rows = list(files)
    ready = ready_for([row.object_name for row in rows])
    for row in rows:
        row.kind = kind_of(row.content_type, row.name)
        row.thumbnail = ready.get(row.object_name)


def text_head(object_name: str) -> str:
    """The first lines of a text file, decoded as UTF-8 (what cannot be decoded is replaced).

    Shown as text only: the template escapes it like any other value, so markup stays text.
    """
    head = storage.read_head(object_name, TEXT_BYTES)
    lines = head.decode("utf-8", errors="replace").splitlines()[:TEXT_LINES]
    return "\n".join(lines)
