"""The worker's share of previews: make the thumbnails that wait, with retries.

A job is claimed by moving its next attempt forward (a lease), so two workers never render the
same content, and a worker that dies mid-way leaves a job that comes due again. Content that
cannot be previewed (broken, a decompression bomb) is marked failed for good; storage that
cannot be read or written right now is retried later.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from locker import storage
from locker.errors import StorageUnavailable
from locker.models import ObjectRemoval, backoff
from previews.models import Preview
from previews.render import Unpreviewable, previews_of

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10


def make_due(limit: int = 10) -> int:
    """Render up to `limit` waiting previews; how many jobs were finished (made or given up)."""
    done = 0
    now = timezone.now()
    due = Preview.objects.filter(state=Preview.PENDING, next_attempt_at__lte=now)
    for job in due.order_by("next_attempt_at")[:limit]:
        claimed = Preview.objects.filter(
            pk=job.pk, state=Preview.PENDING, next_attempt_at=job.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
        if claimed:
            done += make(job)
    return done


def make(job: Preview) -> bool:
    """Render one job's previews and record them; False when it is to be tried again."""
    if job.size > settings.PREVIEW_MAX_BYTES:
        return _finish(job, Preview.SKIPPED, {}, "larger than SKYLOCKER_PREVIEW_MAX_BYTES")
    try:
        data = storage.read_head(job.source, settings.PREVIEW_MAX_BYTES + 1)
    except FileNotFoundError:
        return _finish(job, Preview.FAILED, {}, "the content's object is missing")
    except StorageUnavailable as exc:
        return _retry(job, exc)
    if len(data) > settings.PREVIEW_MAX_BYTES:  # never trust the recorded size alone
        return _finish(job, Preview.SKIPPED, {}, "larger than SKYLOCKER_PREVIEW_MAX_BYTES")
    try:
        images = previews_of(data, job.content_type)
    except Unpreviewable as exc:
        log.info("No preview for %s: %s", job.source, exc)
        return _finish(job, Preview.FAILED, {}, str(exc))
    written: dict[str, str] = {}
    try:
        for label, image in images.items():
            name = storage.preview_name(job.source, label)
            written[label] = storage.write(name, ContentFile(image, name="preview.webp"))
    except StorageUnavailable as exc:
        for name in written.values():
            _remove_later(name)
        return _retry(job, exc)
    return _finish(job, Preview.READY, written, "")


def _finish(job: Preview, state: str, written: dict[str, str], error: str) -> bool:
    with transaction.atomic():
        current = Preview.objects.select_for_update().filter(pk=job.pk).first()
        if current is None:  # the content was replaced or purged meanwhile
            for name in written.values():
                _remove_later(name)
            return True
        current.state = state
        current.small = written.get("small", "")
        current.large = written.get("large", "")
        current.last_error = error[:2000]
        current.save(update_fields=["state", "small", "large", "last_error"])
    return True


def _retry(job: Preview, exc: Exception) -> bool:
    attempts = job.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return _finish(job, Preview.FAILED, {}, f"gave up after {attempts} attempts: {exc}")
    Preview.objects.filter(pk=job.pk).update(
        attempts=attempts,
        next_attempt_at=timezone.now() + backoff(attempts),
        last_error=str(exc)[:2000],
    )
    return False


def _remove_later(name: str) -> None:
    with transaction.atomic():
        ObjectRemoval.schedule(name)
