"""Previews: the thumbnails of images and of PDFs' first pages, one row per stored content.

A row is written in the same transaction as the content it previews (an upload, a replace, a
version restored), so it is the worker's durable job: a worker stopped mid-way finds it again.
The row is keyed by the content's storage object (`source`), not by the file: a replace
makes new content with a row of its own, and the old content, now a version, loses its
preview (`drop`, called where content is pushed aside or purged, in that transaction).

This module stands below locker.models: it knows storage names only, and hands the names of
preview objects to remove back to its caller, which removes them as it removes any object.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

# Content types a preview is made of (the type detected from the bytes, as recorded).
IMAGE_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff",
}
PDF_TYPE = "application/pdf"


def previewable(content_type: str) -> bool:
    return content_type in IMAGE_TYPES or content_type == PDF_TYPE


class Preview(models.Model):
    PENDING, READY, SKIPPED, FAILED = "pending", "ready", "skipped", "failed"
    STATES = [
        (PENDING, "waiting for the worker"),
        (READY, "ready"),
        (SKIPPED, "too large to preview"),
        (FAILED, "could not be read as an image"),
    ]

    source = models.CharField(max_length=255, unique=True)  # the content's storage name
    file_id = models.UUIDField(db_index=True)  # its file (no foreign key: trash, versions)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    small = models.CharField(max_length=255, blank=True)  # the list's thumbnail object
    large = models.CharField(max_length=255, blank=True)  # the preview page's rendition
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"preview of {self.source} ({self.state})"

    @property
    def objects_stored(self) -> list[str]:
        return [name for name in (self.small, self.large) if name]

    @classmethod
    def queue(cls, stored: Any) -> "Preview | None":
        """The job for a file's current content, if it is an image or a PDF (call inside the
        transaction that records the content). Content over SKYLOCKER_PREVIEW_MAX_BYTES is
        recorded as skipped: it is never read to make a preview."""
        if not previewable(stored.content_type) or not stored.file.name:
            return None
        too_large = stored.size > settings.PREVIEW_MAX_BYTES
        preview, _ = cls.objects.get_or_create(
            source=stored.file.name,
            defaults={
                "file_id": stored.pk,
                "content_type": stored.content_type,
                "size": stored.size,
                "state": cls.SKIPPED if too_large else cls.PENDING,
            },
        )
        return preview

    @classmethod
    def drop(cls, sources: list[str]) -> list[str]:
        """Forget the previews of these contents; the preview objects the caller must remove.

        Rows are locked first, so a worker finishing one meanwhile either has recorded its
        objects (returned here) or finds its row gone and removes them itself.
        """
        rows = list(cls.objects.select_for_update().filter(source__in=sources))
        cls.objects.filter(pk__in=[row.pk for row in rows]).delete()
        return [name for row in rows for name in row.objects_stored]


def ready_for(sources: list[str]) -> dict[str, Preview]:
    """The ready previews of these contents, by source."""
    found = Preview.objects.filter(source__in=sources, state=Preview.READY)
    return {preview.source: preview for preview in found}


def every_object() -> set[str]:
    """Every preview object the rows record (reconcile: they are not orphans)."""
    names: set[str] = set()
    for small, large in Preview.objects.exclude(state=Preview.PENDING).values_list(
        "small", "large"
    ):
        names.update(name for name in (small, large) if name)
    return names
