"""Versions: the content a replace pushed aside, kept so that a replace is never final.

A version keeps its own object (no copy is made: the object simply changes hands) and is
keyed by its file's id, so it follows the file into the trash and back. At most
`SKYLOCKER_KEEP_VERSIONS` are kept per file, none older than `SKYLOCKER_VERSION_DAYS`; what
falls out leaves storage with an alert, like every other removal.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from locker.models import DeletionAlert, ObjectRemoval, StoredFile


class VersionGone(Exception):
    """The version expired or was restored meanwhile."""


class FileVersionQuerySet(models.QuerySet):
    def of(self, stored: StoredFile) -> "FileVersionQuerySet":
        return self.filter(file_id=stored.pk)

    def expired(self) -> "FileVersionQuerySet":
        return self.filter(replaced_at__lt=timezone.now() - timedelta(days=settings.VERSION_DAYS))


class FileVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_id = models.UUIDField(db_index=True)  # no foreign key: the file may be in the trash
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="file_versions"
    )
    file = models.FileField(max_length=255)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    stored_at = models.DateTimeField()  # when this content was uploaded
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_by_username = models.CharField(max_length=150, blank=True)

    objects = FileVersionQuerySet.as_manager()
    object_missing_at = None  # downloads read it; reconcile marks files only

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"{self.name} as of {self.stored_at:%Y-%m-%d %H:%M}"

    @classmethod
    def keep(cls, current: StoredFile, actor) -> "FileVersion | None":
        """Make a locked file's current content a version (inside the replace's transaction)."""
        if settings.KEEP_VERSIONS == 0:
            ObjectRemoval.schedule(current.file.name)
            return None
        version = cls.objects.create(
            file_id=current.pk,
            owner_id=current.owner_id,
            file=current.file.name,
            name=current.name,
            size=current.size,
            sha256=current.sha256,
            content_type=current.content_type,
            stored_at=current.updated_at,
            replaced_by=actor,
            replaced_by_username=actor.get_username() if actor else "",
        )
        surplus = cls.objects.of(current).order_by("-replaced_at", "-pk")[settings.KEEP_VERSIONS :]
        for old in list(surplus):
            old.expire(current)
        return version

    def expire(self, stored=None) -> None:
        """Content leaves storage for good: an alert, and the object removed after the commit."""
        DeletionAlert.record(self, None, kind=DeletionAlert.VERSION_EXPIRED, file_id=self.file_id)
        ObjectRemoval.schedule(self.file.name)
        self.delete()

    def restore(self, actor) -> StoredFile:
        """This content becomes the file's; the current content becomes a version in turn.

        Raises StoredFile.DoesNotExist (file gone) or VersionGone (version gone).
        """
        with transaction.atomic():
            current = StoredFile.objects.select_for_update().get(pk=self.file_id)
            version = FileVersion.objects.select_for_update().filter(pk=self.pk).first()
            if version is None:
                raise VersionGone()
            version_object = version.file.name
            metadata = {f: getattr(version, f) for f in ["name", "size", "sha256", "content_type"]}
            version.delete()
            FileVersion.keep(current, actor)
            current.file.name = version_object
            for field, value in metadata.items():
                setattr(current, field, value)
            current.updated_at = timezone.now()
            current.save()
        return current


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
