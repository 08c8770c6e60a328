import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from locker import storage
from locker.backup_lock import removals_allowed
from locker.uploads import clean_filename

log = logging.getLogger(__name__)

REMOVAL_HOLD_RETRY = timedelta(seconds=10)
MANAGE_ALL_FILES = "locker.manage_all_files"


def storage_name(instance: "StoredFile", filename: str) -> str:
    """FileField's upload_to (named in migrations): the name locker/storage.py gives objects."""
    return storage.new_name(instance.owner_id)


class StoredFileQuerySet(models.QuerySet["StoredFile"]):
    def visible_to(self, user: Any) -> "StoredFileQuerySet":
        """The one place that decides who may see a file: owners their own, and only those
        granted locker.manage_all_files (superusers have it) everyone's. Being staff (an admin
        log-in) is not enough."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm(MANAGE_ALL_FILES):
            return self
        return self.filter(owner=user)

    def get_for(self, user: Any, pk: Any) -> "StoredFile":
        """The file if this user may see it, else StoredFile.DoesNotExist, so nobody learns
        what others keep: both doors answer that as 404."""
        try:
            return self.visible_to(user).select_related("owner").get(pk=pk)
        except (ValueError, ValidationError):  # not a file id at all
            raise self.model.DoesNotExist from None

    def usage(self) -> tuple[int, int]:
        """How many files and how many bytes, in one query."""
        totals = self.aggregate(files=models.Count("pk"), size=models.Sum("size"))
        return totals["files"], totals["size"] or 0

    def search(self, text: str) -> "StoredFileQuerySet":
        """Files with every word of `text` in their name or description, in any order and case
        ("invoice 2024" finds "2024-03 Invoice.pdf")."""
        found = self
        for word in dict.fromkeys(text.lower().split()):
            found = found.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return found


LIST_KEYS = ["name", "description", "size", "created_at", "updated_at"]


class StoredFile(models.Model):
    # Opaque ids: nobody learns how many files exist or guesses the next one.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(upload_to=storage_name, max_length=255)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set by `reconcile --fix` when the stored object has gone missing, so people can see it.
    object_missing_at = models.DateTimeField(null=True, blank=True)

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        # Every order the list contract offers (locker/listing.py, ties by id), over everyone's
        # files (staff) and over one owner's (their own list, the owner filter): a page is read
        # from an index, never sorted from the whole table. Sorting by owner goes through the
        # users table and has none.
        indexes = [
            *(models.Index(fields=[key, "id"], name=f"locker_file_{key}") for key in LIST_KEYS),
            *(
                models.Index(fields=["owner", key, "id"], name=f"locker_owner_{key}")
                for key in LIST_KEYS
            ),
        ]
        permissions = [("manage_all_files", "Can see, replace and delete every user's files")]

    def __str__(self) -> str:
        return self.name

    @property
    def object_name(self) -> str:
        """The storage name of this file's object (locker/storage.py names it)."""
        return self.file.name or ""

    @classmethod
    def create_from_upload(cls, owner: Any, uploaded: Any, description: str = "") -> "StoredFile":
        """Write the object first, then the row; if the row cannot be written, the object goes.

        Raises StorageUnavailable when the object cannot be written (nothing is kept).
        """
        row = cls(owner=owner, description=description, **upload_metadata(uploaded))
        row.file = storage.write(storage.new_name(owner.pk), uploaded)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except BaseException:
            storage.delete(row.file.name)
            raise
        return row

    @classmethod
    def create_from_object(
        cls,
        owner_id: int,
        object_name: str,
        measured: storage.Measurement,
        name: str,
        description: str = "",
    ) -> "StoredFile":
        """The row for an object already stored and measured (a checked direct upload).

        Its facts are the measured ones, recorded exactly as an upload through the app
        records them, whichever way the bytes arrived.
        """
        return cls.objects.create(
            owner_id=owner_id,
            file=object_name,
            name=name,
            description=description,
            size=measured.size,
            sha256=measured.sha256,
            content_type=measured.content_type,
        )

    def replace(
        self,
        uploaded: Any = None,
        description: str | None = None,
        name: str | None = None,
        take_uploaded_name: bool = False,
        actor: Any = None,
    ) -> list[str]:
        """Change content, description and/or name; what changed, as CHANGES keys, in order.

        New content becomes a new object; the old one is removed only after the commit. The
        file keeps its name unless `name` is given (cleaned as an upload's is) or
        `take_uploaded_name` asks for the new content's. When the actor is not the owner
        (someone managing all files), the change is recorded and the owner told, in the same
        transaction. Raises StoredFile.DoesNotExist when the file was deleted meanwhile,
        StorageUnavailable when the new object cannot be written.
        """
        new_name = None
        if uploaded is not None:
            new_name = storage.write(storage.new_name(self.owner_id), uploaded)
        if name is None and take_uploaded_name and uploaded is not None:
            name = uploaded.name
        changed = []
        try:
            with transaction.atomic():
                current = StoredFile.objects.select_for_update().get(pk=self.pk)
                if new_name is not None:
                    ObjectRemoval.schedule(current.object_name)
                    current.file.name = new_name
                    metadata = upload_metadata(uploaded)
                    del metadata["name"]
                    for field, value in metadata.items():
                        setattr(current, field, value)
                    changed.append("content")
                if name is not None and clean_filename(name) != current.name:
                    current.name = clean_filename(name)
                    changed.append("name")
                if description is not None and description != current.description:
                    current.description = description
                    changed.append("description")
                if changed:
                    current.updated_at = timezone.now()
                    current.save()
                    if actor is not None and actor.pk != current.owner_id:
                        DeletionAlert.record(current, actor, action=DeletionAlert.REPLACED)
        except BaseException:
            if new_name is not None:
                storage.delete(new_name)
            raise
        self.refresh_from_db()
        return changed

    def rename(self, name: str) -> list[str]:
        """A new name only (cleaned as an upload's is); the content and id stay."""
        return self.replace(name=name)

    def describe_change(self, changed: list[str], old_name: str) -> str:
        """What `replace` changed, in the words both doors' messages use."""
        words = {
            "name": f"Renamed {old_name} to {self.name}.",
            "content": f"Replaced the content of {self.name}.",
            "description": f"Changed the description of {self.name}.",
        }
        said = [words[what] for what in words if what in changed]  # the rename first
        return " ".join(said) or f"Nothing changed in {self.name}."

    def delete_by(self, actor: Any) -> None:
        """The one delete path (UI, admin, API): row, alert and object removal commit together.

        Raises StoredFile.DoesNotExist when someone else deleted it first.
        """
        with transaction.atomic():
            current = StoredFile.objects.select_for_update().get(pk=self.pk)
            DeletionAlert.record(current, actor)
            ObjectRemoval.schedule(current.object_name)
            current.delete()


def upload_metadata(uploaded: Any) -> dict[str, Any]:
    measured = storage.measure_upload(uploaded)
    return {
        "name": clean_filename(uploaded.name),
        "size": measured.size,
        "sha256": measured.sha256,
        "content_type": measured.content_type,
    }


class ObjectRemoval(models.Model):
    """A storage object to remove once the transaction that orphaned it has committed.

    The row commits together with the change, so a crash between commit and removal
    leaves a record the worker finishes, never a silent orphan.
    """

    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"removal of {self.name}"

    @classmethod
    def schedule(cls, name: str) -> "ObjectRemoval":
        removal = cls.objects.create(name=name)
        transaction.on_commit(removal.attempt)
        return removal

    def attempt(self) -> bool:
        if not removals_allowed():  # a backup is copying objects: the worker retries soon
            self.next_attempt_at = timezone.now() + REMOVAL_HOLD_RETRY
            self.save(update_fields=["next_attempt_at"])
            return False
        try:
            storage.delete(self.name)
        except Exception as exc:  # noqa: BLE001 - any storage failure is retried later
            log.warning("Could not remove %s yet: %s", self.name, exc)
            self.attempts += 1
            self.last_error = str(exc)[:2000]
            self.next_attempt_at = timezone.now() + backoff(self.attempts)
            self.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return False
        ObjectRemoval.objects.filter(pk=self.pk).delete()
        return True


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped, so a long outage is retried hourly rather than forgotten."""
    seconds = min(5 * 2 ** max(attempts - 1, 0), settings.ALERT_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


class DeletionAlert(models.Model):
    """The notice of one deletion, or of a replacement by someone not the owner, written in
    the same transaction as the change (an outbox).

    It keeps its own copy of the facts, since the file row is gone once a deletion commits.
    The admins hear of every deletion; an owner hears when someone else deleted or replaced
    their file.
    """

    DELETED, REPLACED = "deleted", "replaced"

    file_id = models.UUIDField()
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    owner_username = models.CharField(max_length=150)
    owner_name = models.CharField(max_length=301)
    actor_username = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=301)
    actor_is_staff = models.BooleanField()
    deleted_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(
        max_length=10, choices=[(DELETED, "deleted"), (REPLACED, "replaced")], default=DELETED
    )
    owner_email = models.EmailField(max_length=254, blank=True)

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.action} by {self.actor_username}"

    @classmethod
    def record(cls, stored: StoredFile, actor: Any, action: str = DELETED) -> "DeletionAlert":
        alert = cls.objects.create(
            action=action,
            owner_email=stored.owner.email,
            file_id=stored.pk,
            file_name=stored.name,
            size=stored.size,
            sha256=stored.sha256,
            owner_username=stored.owner.get_username(),
            owner_name=stored.owner.get_full_name(),
            actor_username=actor.get_username(),
            actor_name=actor.get_full_name(),
            actor_is_staff=actor.is_staff,
        )
        channels = list(settings.ALERT_CHANNELS) if action == cls.DELETED else []
        if actor.pk != stored.owner_id and stored.owner.email:
            channels.append(OWNER_CHANNEL)
        AlertDelivery.objects.bulk_create(
            AlertDelivery(alert=alert, channel=channel) for channel in channels
        )
        return alert


OWNER_CHANNEL = "owner"  # an email to the file's owner


class AlertDeliveryQuerySet(models.QuerySet):
    def due(self) -> "AlertDeliveryQuerySet":
        return self.filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())

    def pending(self) -> "AlertDeliveryQuerySet":
        return self.filter(delivered_at__isnull=True)


class AlertDelivery(models.Model):
    """One alert on one channel (email and sns to the admins, owner), retried with backoff."""

    alert = models.ForeignKey(DeletionAlert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = AlertDeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "channel"], name="one_delivery_per_channel")
        ]
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.alert} via {self.channel}"


class PendingUploadQuerySet(models.QuerySet):
    def expired(self, grace: timedelta) -> "PendingUploadQuerySet":
        return self.filter(expires_at__lt=timezone.now() - grace)


class PendingUpload(models.Model):
    """A direct-to-S3 upload the app has allowed but not yet checked (see locker/direct.py).

    The key is fixed when the upload is issued; the StoredFile row exists only after finalize
    has checked the object. Never-finalized uploads are swept (row and object) after a grace.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    key = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = PendingUploadQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.name} (pending)"
