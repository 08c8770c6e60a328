import logging
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import APIException

from locker.backup_lock import removals_allowed

log = logging.getLogger(__name__)

REMOVAL_HOLD_RETRY = timedelta(seconds=10)


def storage_name(instance: "StoredFile", filename: str) -> str:
    """Storage names are generated: the owner's prefix and a random id, never the user's name."""
    return f"u/{instance.owner_id}/{secrets.token_hex(16)}"


class StoredFileQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StoredFileQuerySet":
        """The one place that decides who may see a file: staff see all, owners their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(owner=user)

    def search(self, text: str) -> "StoredFileQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(description__icontains=text))


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
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def create_from_upload(cls, owner, uploaded, description: str = "") -> "StoredFile":
        """Write the object first, then the row; if the row cannot be written, the object goes."""
        from locker.quota import check_quota, check_quota_early

        row = cls(owner=owner, description=description, **upload_metadata(uploaded))
        check_quota_early(owner, row.size)
        row.file = write_object(storage_name(row, row.name), uploaded)
        try:
            with transaction.atomic():
                check_quota(owner, row.size)
                row.save(force_insert=True)
        except BaseException:
            default_storage.delete(row.file.name)
            raise
        return row

    def replace(self, uploaded=None, description: str | None = None, by=None) -> "StoredFile":
        """New content becomes a new object; the old content is kept as a version.

        Raises StoredFile.DoesNotExist when the file was deleted meanwhile, QuotaExceeded
        when the new content does not fit.
        """
        from locker.quota import check_quota, check_quota_early

        new_name = None
        if uploaded is not None:
            check_quota_early(self.owner, self.growth(uploaded.size))
            new_name = write_object(storage_name(self, ""), uploaded)
        try:
            with transaction.atomic():
                current = StoredFile.objects.select_for_update().get(pk=self.pk)
                if new_name is not None:
                    check_quota(current.owner, current.growth(uploaded.size))
                    FileVersion.keep(current, by)
                    current.file.name = new_name
                    for field, value in upload_metadata(uploaded).items():
                        setattr(current, field, value)
                if description is not None:
                    current.description = description
                current.updated_at = timezone.now()
                current.save()
        except BaseException:
            if new_name is not None:
                default_storage.delete(new_name)
            raise
        self.refresh_from_db()
        return self

    def growth(self, new_size: int) -> int:
        """Bytes a replace adds to the owner's usage: the old content stays as a version."""
        return new_size if settings.KEEP_VERSIONS else new_size - self.size

    def delete_by(self, actor, *, door: str = "web", address: str | None = None) -> None:
        """The one delete path (UI, admin, API): to the trash, with its alert, in one commit.

        With SKYLOCKER_TRASH_DAYS=0 the content (and its versions) is removed at once instead.
        Raises StoredFile.DoesNotExist when someone else deleted it first.
        """

        with transaction.atomic():
            current = StoredFile.objects.select_for_update().get(pk=self.pk)
            trashed = TrashedFile.take(current, actor)
            if settings.TRASH_DAYS == 0:
                trashed.purge(actor, door=door, address=address)
            else:
                DeletionAlert.record(
                    trashed, actor, kind=DeletionAlert.TRASHED, door=door, address=address,
                    restorable_until=trashed.purge_at, deleted_at=trashed.deleted_at,
                )


class StorageUnavailable(APIException):
    """The object store refused a write (disk full or gone, S3 unreachable); nothing was kept.

    An APIException so the API answers 503 with this message; the pages catch it themselves.
    """

    status_code = 503
    default_code = "storage_unavailable"
    default_detail = (
        "The file could not be stored: storage is unavailable right now. "
        "Nothing was saved; please try again later."
    )


def write_object(name: str, content) -> str:
    """Save a new object; on any failure remove what part of it was written.

    A disk that fills up mid-write leaves a partial file behind (Django does not remove it),
    and that would be an orphan no row points to.
    """
    try:
        return default_storage.save(name, content)
    except Exception as exc:
        log.exception("Could not store %s", name)
        try:
            default_storage.delete(name)  # a fresh random name: only our own partial write
        except Exception:  # noqa: BLE001 - storage is down; reconcile finds any leftover
            log.warning("Could not remove the partial object %s", name)
        raise StorageUnavailable() from exc


def upload_metadata(uploaded) -> dict:
    from locker.uploads import clean_filename, sniff_content_type, streamed_sha256

    return {
        "name": clean_filename(uploaded.name),
        "size": uploaded.size,
        "sha256": streamed_sha256(uploaded),
        "content_type": sniff_content_type(uploaded),
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
            default_storage.delete(self.name)
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
    """The admins' notice of one deletion, written in the deleting transaction (an outbox).

    It keeps its own copy of the facts, since the file row is gone once it commits.
    """

    TRASHED, REMOVED, PURGED, VERSION_EXPIRED = "trashed", "removed", "purged", "version_expired"
    MASS, DIGEST = "mass", "digest"
    KINDS = [
        (TRASHED, "moved to the trash"),
        (REMOVED, "deleted permanently"),
        (PURGED, "purged from the trash"),
        (VERSION_EXPIRED, "old version removed"),
        (MASS, "mass deletion"),
        (DIGEST, "mass deletion digest"),
    ]
    BY_PEOPLE = [TRASHED, REMOVED]  # what counts towards a mass deletion

    kind = models.CharField(max_length=20, choices=KINDS, default=REMOVED)
    file_id = models.UUIDField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    owner_username = models.CharField(max_length=150)
    owner_name = models.CharField(max_length=301)
    actor_username = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=301)
    actor_is_staff = models.BooleanField()
    deleted_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    restorable_until = models.DateTimeField(null=True, blank=True)
    door = models.CharField(max_length=20, blank=True)  # web, api, admin
    address = models.GenericIPAddressField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)  # mass deletions and digests
    since = models.DateTimeField(null=True, blank=True)  # when a mass deletion's burst began
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="folded"
    )

    class Meta:
        ordering = ["-deleted_at"]
        indexes = [models.Index(fields=["actor", "kind", "deleted_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} deleted by {self.actor_username}"

    @classmethod
    def record(cls, stored, actor, *, kind=REMOVED, file_id=None, **facts) -> "DeletionAlert":
        """The alert for one file (or trash item, or version); actor None is the worker."""
        from locker.massdelete import deliver_or_fold

        alert = cls.objects.create(
            kind=kind,
            file_id=file_id or stored.pk,
            file_name=stored.name,
            size=stored.size,
            sha256=stored.sha256,
            owner_username=stored.owner.get_username(),
            owner_name=stored.owner.get_full_name(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            actor_name=actor.get_full_name() if actor else "",
            actor_is_staff=actor.is_staff if actor else False,
            **facts,
        )
        deliver_or_fold(alert)
        return alert

    @classmethod
    def raise_mass(cls, last: "DeletionAlert", *, count: int, since) -> "DeletionAlert":
        alert = cls.objects.create(
            kind=cls.MASS, file_name="", size=0, sha256="", count=count, since=since,
            **{field: getattr(last, field) for field in PERSON_FIELDS},
        )
        alert.schedule_deliveries()
        return alert

    @classmethod
    def start_digest(cls, last: "DeletionAlert", *, since) -> "DeletionAlert":
        alert = cls.objects.create(
            kind=cls.DIGEST, file_name="", size=0, sha256="", since=since,
            **{field: getattr(last, field) for field in PERSON_FIELDS},
        )
        alert.schedule_deliveries()
        return alert

    def schedule_deliveries(self, after: timedelta = timedelta(0)) -> None:
        due = timezone.now() + after
        AlertDelivery.objects.bulk_create(
            AlertDelivery(alert=self, channel=channel, next_attempt_at=due)
            for channel in settings.ALERT_CHANNELS
        )


PERSON_FIELDS = [
    "owner_username", "owner_name", "actor", "actor_username", "actor_name", "actor_is_staff",
    "door", "address",
]


class AlertDeliveryQuerySet(models.QuerySet):
    def due(self) -> "AlertDeliveryQuerySet":
        return self.filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())

    def pending(self) -> "AlertDeliveryQuerySet":
        return self.filter(delivered_at__isnull=True)


class AlertDelivery(models.Model):
    """One alert on one channel (email, sns), retried with backoff until it goes out."""

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


# Models kept in their own modules, loaded with the app's models.
from locker.quota import Quota  # noqa: E402, F401
from locker.trash import TrashedFile  # noqa: E402, F401
from locker.versions import FileVersion  # noqa: E402, F401
