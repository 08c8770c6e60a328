"""The worker's share of versions (the FileVersion model is in locker/models.py)."""

from django.db import transaction

from locker.models import FileVersion


def expire_old_versions(limit: int = 100) -> int:
    """The worker's share: versions older than SKYLOCKER_VERSION_DAYS leave storage."""
    done = 0
    for version in FileVersion.objects.expired().order_by("replaced_at")[:limit]:
        with transaction.atomic():
            locked = FileVersion.objects.select_for_update().filter(pk=version.pk).first()
            if locked is not None:
                locked.expire()
                done += 1
    return done
