"""The trash: a deleted file waits here, content untouched, until restored or purged.

A trashed file leaves the StoredFile table (so no list, download or replace can reach it) and
keeps its id, content, description and times here; restoring puts the same row back. Its
versions stay where they are, keyed by the file's id, and so go and come back with it.
Content leaves storage only through `purge()`: a permanent delete, an emptied trash or the
worker once `SKYLOCKER_TRASH_DAYS` have passed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from locker.models import DeletionAlert, ObjectRemoval, StoredFile, StoredFileQuerySet


class AlreadyGone(Exception):
    """The trash item was restored or purged by someone else first."""


class TrashedFileQuerySet(StoredFileQuerySet):
    """Inherits `visible_to`: the trash follows the very rule the files do."""

    def due_for_purge(self) -> "TrashedFileQuerySet":
        return self.filter(purge_at__lte=timezone.now())


class TrashedFile(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)  # the file's own id, kept
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trashed_files"
    )
    file = models.FileField(max_length=255)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    deleted_at = models.DateTimeField(default=timezone.now)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_by_username = models.CharField(max_length=150)
    purge_at = models.DateTimeField()

    objects = TrashedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted_at"]
        indexes = [models.Index(fields=["owner", "-deleted_at"]), models.Index(fields=["purge_at"])]

    def __str__(self) -> str:
        return f"{self.name} (in the trash)"

    @classmethod
    def take(cls, current: StoredFile, actor) -> "TrashedFile":
        """Move a locked StoredFile row here; called by StoredFile.delete_by in its transaction."""
        now = timezone.now()
        item = cls.objects.create(
            id=current.pk,
            owner_id=current.owner_id,
            file=current.file.name,
            deleted_at=now,
            deleted_by=actor,
            deleted_by_username=actor.get_username(),
            purge_at=now + timedelta(days=settings.TRASH_DAYS),
            **{field: getattr(current, field) for field in COPIED},
        )
        current.delete()
        return item

    def restore(self) -> StoredFile:
        """Put the file back with its id, content, description and times.

        Raises AlreadyGone when it was restored or purged meanwhile, QuotaExceeded when the
        owner is over quota already (a lowered quota).
        """
        from locker.quota import check_quota

        with transaction.atomic():
            # Locks in one order everywhere: the item's row, then its owner's (the quota's).
            item = TrashedFile.objects.select_for_update().filter(pk=self.pk).first()
            if item is None:
                raise AlreadyGone()
            check_quota(item.owner, adding=0)
            restored = StoredFile(
                id=item.pk,
                owner_id=item.owner_id,
                file=item.file.name,
                **{field: getattr(item, field) for field in COPIED},
            )
            restored.save(force_insert=True)
            item.delete()
        return restored

    def purge(self, actor=None, *, door: str = "", address: str | None = None) -> None:
        """Content leaves storage for good: the file's object and its versions'.

        Row removal, alert and object removals commit together; the objects go after the
        commit, retried by the worker while storage is down. Raises AlreadyGone.
        """
        from locker.versions import FileVersion

        with transaction.atomic():
            item = TrashedFile.objects.select_for_update().filter(pk=self.pk).first()
            if item is None:
                raise AlreadyGone()
            kind = DeletionAlert.REMOVED if actor is not None else DeletionAlert.PURGED
            DeletionAlert.record(item, actor, kind=kind, door=door, address=address)
            ObjectRemoval.schedule(item.file.name)
            for version in FileVersion.objects.filter(file_id=item.pk):
                ObjectRemoval.schedule(version.file.name)
            FileVersion.objects.filter(file_id=item.pk).delete()
            item.delete()


COPIED = ["name", "description", "size", "sha256", "content_type", "created_at", "updated_at"]


def purge_expired(limit: int = 100) -> int:
    """The worker's share: items whose days in the trash are over."""
    done = 0
    for item in TrashedFile.objects.due_for_purge().order_by("purge_at")[:limit]:
        try:
            item.purge()
        except AlreadyGone:
            continue
        done += 1
    return done


def restore_all(items) -> list[StoredFile]:
    """Restore what can be; items restored or purged meanwhile are skipped."""
    restored = []
    for item in items:
        try:
            restored.append(item.restore())
        except AlreadyGone:
            continue
    return restored
