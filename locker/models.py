import hashlib
import logging
import os
import unicodedata
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import Door, record
from locker import storage
from locker.backup_lock import removals_allowed
from locker.errors import FolderInTrash, MoveCycle, NameTaken, QuotaExceeded
from locker.uploads import clean_filename
from previews.models import Preview

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

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        """Like Django's, with each row's copy of its owner's names (the owner sort's index)."""
        rows = list(objs)
        for row in rows:
            row.copy_owner_names()
        return super().bulk_create(rows, *args, **kwargs)

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
# The owner sort: last name, first name, username (unique), as copied onto each file.
OWNER_NAMES = ["owner_last_name", "owner_first_name", "owner_username"]


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
    # The owner's names, copied so that "sort by owner" reads an index of this table instead
    # of sorting every file joined with its owner; set when a row is created and kept in step
    # by locker/owners.py when someone's names or username change.
    owner_last_name = models.CharField(max_length=150, blank=True, default="", editable=False)
    owner_first_name = models.CharField(max_length=150, blank=True, default="", editable=False)
    owner_username = models.CharField(max_length=150, blank=True, default="", editable=False)
    # Its folder (None: the root) and its name's comparison key (see Folder, below).
    folder = models.ForeignKey(
        "Folder", null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    name_key = models.CharField(max_length=64, editable=False, default="")

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        # Every order the list contract offers (locker/listing.py, ties by id), over everyone's
        # files (staff) and over one owner's (their own list, the owner filter): a page is read
        # from an index, never sorted from the whole table. Sorting by owner reads the copy of
        # the owner's names; within one owner it is the order of ids.
        indexes = [
            *(models.Index(fields=[key, "id"], name=f"locker_file_{key}") for key in LIST_KEYS),
            *(
                models.Index(fields=["owner", key, "id"], name=f"locker_owner_{key}")
                for key in LIST_KEYS
            ),
            models.Index(fields=[*OWNER_NAMES, "id"], name="locker_file_owner"),
            models.Index(fields=["owner", "id"], name="locker_owner_id"),
            # A name looked up in a folder (paths, WebDAV, name clashes).
            models.Index(fields=["owner", "folder", "name_key"], name="locker_file_place"),
        ]
        permissions = [("manage_all_files", "Can see, replace and delete every user's files")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.copy_owner_names()
        self.name_key = name_digest(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def copy_owner_names(self) -> None:
        owner = self.owner
        self.owner_last_name, self.owner_first_name = owner.last_name, owner.first_name
        self.owner_username = owner.get_username()

    @property
    def path(self) -> str:
        """"/a/b/notes.txt" for notes.txt in folder b of folder a; "/notes.txt" in the root."""
        folder = self.folder
        return (folder.path if folder is not None else "") + "/" + self.name

    def move_to(
        self, folder: "Folder | None", *, name: str | None = None,
        actor: Any = None, door: str = "web", address: str | None = None,
    ) -> "StoredFile":
        """Into `folder` (None: the root), optionally under a new name (cleaned); the content,
        id and times stay. Raises NameTaken when a folder or another file there has the name,
        FolderInTrash, StoredFile.DoesNotExist when the file was deleted meanwhile."""
        with transaction.atomic():
            current = StoredFile.objects.select_for_update().select_related("owner").get(pk=self.pk)
            target = live_folder(folder.pk, current.owner_id) if folder is not None else None
            lock_owner(current.owner_id)
            old_path, old_name = current.path, current.name
            final = clean_filename(name) if name is not None else current.name
            moved = (target and target.pk) != current.folder_id
            renamed = final != current.name
            if moved or renamed:
                if moved or name_digest(final) != current.name_key:
                    check_free(current.owner_id, target, final, ignore=current)
                current.folder, current.name = target, final
                if renamed:
                    current.updated_at = timezone.now()
                current.save()
                record_move(
                    "file", current, actor or current.owner, door, address,
                    old_name=old_name if renamed else None, old_path=old_path if moved else None,
                )
        self.refresh_from_db()
        return current

    @property
    def object_name(self) -> str:
        """The storage name of this file's object (locker/storage.py names it)."""
        return self.file.name or ""

    @classmethod
    def create_from_upload(
        cls, owner: Any, uploaded: Any, description: str = "", folder: "Folder | None" = None,
        *, actor: Any = None, door: str = Door.WEB, address: str | None = None,
    ) -> "StoredFile":
        """Write the object first, then the row; if the row cannot be written, the object goes.

        Raises StorageUnavailable when the object cannot be written (nothing is kept),
        QuotaExceeded when it does not fit the owner's quota (nothing is kept either), NameTaken
        when a folder in `folder` (None: the root) has its name, FolderInTrash.
        """
        row = cls(owner=owner, description=description, **upload_metadata(uploaded))
        check_quota_early(owner, row.size)
        row.file = storage.write(storage.new_name(owner.pk), uploaded)
        try:
            with transaction.atomic():
                if folder is not None:
                    row.folder = live_folder(folder.pk, owner.pk)
                check_quota(owner, row.size)
                if isinstance(name_holder(owner.pk, row.folder, row.name), Folder):
                    raise NameTaken(row.name)
                row.save(force_insert=True)
                record("file.uploaded", actor=actor or owner, door=door, address=address,
                       target=row, size=row.size)
                Preview.queue(row)
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
        *,
        door: str = Door.WEB,
        address: str | None = None,
    ) -> "StoredFile":
        """The row for an object already stored and measured (a checked direct upload).

        Its facts are the measured ones, recorded exactly as an upload through the app
        records them, whichever way the bytes arrived.
        """
        with transaction.atomic():
            row = cls.objects.create(
                owner_id=owner_id,
                file=object_name,
                name=name,
                description=description,
                size=measured.size,
                sha256=measured.sha256,
                content_type=measured.content_type,
            )
            record("file.uploaded", actor=row.owner, door=door, address=address, target=row,
                   size=row.size, direct=True)
            Preview.queue(row)
        return row

    def replace(
        self,
        uploaded: Any = None,
        description: str | None = None,
        name: str | None = None,
        take_uploaded_name: bool = False,
        actor: Any = None,
        door: str = Door.WEB,
        address: str | None = None,
    ) -> list[str]:
        """Change content, description and/or name; what changed, as CHANGES keys, in order.

        New content becomes a new object and the old content is kept as a version. The file
        keeps its name unless `name` is given (cleaned as an upload's is) or
        `take_uploaded_name` asks for the new content's. When the actor is not the owner
        (someone managing all files), the change is recorded and the owner told, in the same
        transaction. Raises StoredFile.DoesNotExist when the file was deleted meanwhile,
        StorageUnavailable when the new object cannot be written, QuotaExceeded when it does
        not fit.
        """
        new_name = None
        if uploaded is not None:
            check_quota_early(self.owner, self.growth(uploaded.size))
            new_name = storage.write(storage.new_name(self.owner_id), uploaded)
        if name is None and take_uploaded_name and uploaded is not None:
            name = uploaded.name
        changed = []
        try:
            with transaction.atomic():
                current = StoredFile.objects.select_for_update().get(pk=self.pk)
                if new_name is not None:
                    check_quota(current.owner, current.growth(uploaded.size))
                    FileVersion.keep(current, actor, door=door, address=address)
                    current.file.name = new_name
                    metadata = upload_metadata(uploaded)
                    del metadata["name"]
                    for field, value in metadata.items():
                        setattr(current, field, value)
                    changed.append("content")
                old_name = current.name
                if name is not None and clean_filename(name) != current.name:
                    current.name = clean_filename(name)
                    changed.append("name")
                if description is not None and description != current.description:
                    current.description = description
                    changed.append("description")
                if changed:
                    current.updated_at = timezone.now()
                    current.save()
                    if "content" in changed:
                        Preview.queue(current)
                    if actor is not None and actor.pk != current.owner_id:
                        DeletionAlert.record(current, actor, kind=DeletionAlert.REPLACED)
                    action = "file.renamed" if changed == ["name"] else "file.replaced"
                    record(action, actor=actor, door=door, address=address, target=current,
                           changed=changed, old_name=old_name)
        except BaseException:
            if new_name is not None:
                storage.delete(new_name)
            raise
        self.refresh_from_db()
        return changed

    def rename(
        self, name: str, actor: Any = None, door: str = Door.WEB, address: str | None = None
    ) -> list[str]:
        """A new name only (cleaned as an upload's is); the content and id stay."""
        return self.replace(name=name, actor=actor, door=door, address=address)

    def describe_change(self, changed: list[str], old_name: str) -> str:
        """What `replace` changed, in the words both doors' messages use."""
        names = {"old": old_name, "name": self.name}
        words = {
            "name": _("Renamed %(old)s to %(name)s.") % names,
            "content": _("Replaced the content of %(name)s.") % names,
            "description": _("Changed the description of %(name)s.") % names,
        }
        said = [words[what] for what in words if what in changed]  # the rename first
        return " ".join(said) or _("Nothing changed in %(name)s.") % names

    def growth(self, new_size: int) -> int:
        """Bytes a replace adds to the owner's usage: the old content stays as a version."""
        return new_size if settings.KEEP_VERSIONS else new_size - self.size

    def delete_by(self, actor: Any, *, door: str = "web", address: str | None = None) -> None:
        """The one delete path (UI, admin, API): to the trash, with its alert, in one commit.

        With SKYLOCKER_TRASH_DAYS=0 the content (and its versions) is removed at once instead.
        Raises StoredFile.DoesNotExist when someone else deleted it first.
        """
        with transaction.atomic():
            current = StoredFile.objects.select_for_update().get(pk=self.pk)
            trash_locked(current, actor, door=door, address=address)


def trash_locked(
    current: StoredFile, actor: Any, *, door: str, address: str | None,
    trashed_with: "Folder | None" = None,
) -> "TrashedFile":
    """A locked file to the trash with its alert (alone, or with its deleted folder)."""
    trashed = TrashedFile.take(current, actor, trashed_with=trashed_with)
    record("file.deleted", actor=actor, door=door, address=address, target=trashed)
    if settings.TRASH_DAYS == 0 and trashed_with is None:
        trashed.purge(actor, door=door, address=address)
    else:
        DeletionAlert.record(
            trashed, actor, kind=DeletionAlert.TRASHED, door=door, address=address,
            restorable_until=trashed.purge_at, deleted_at=trashed.deleted_at,
        )
    return trashed


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


def drop_previews(sources: list[str]) -> None:
    """Previews of content pushed aside or purged: their objects go like any other object."""
    for name in Preview.drop(sources):
        ObjectRemoval.schedule(name)


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

    # What happened to the owner's file, as the owner's notice tells it.
    DELETED = "deleted"
    # Kinds of alert. REPLACED, a replacement by someone other than the owner, tells the owner
    # only; every other kind tells the admins.
    TRASHED, REMOVED, PURGED, VERSION_EXPIRED = "trashed", "removed", "purged", "version_expired"
    MASS, DIGEST, REPLACED = "mass", "digest", "replaced"
    KINDS = [
        (TRASHED, gettext_lazy("moved to the trash")),
        (REMOVED, gettext_lazy("deleted permanently")),
        (PURGED, gettext_lazy("purged from the trash")),
        (VERSION_EXPIRED, gettext_lazy("old version removed")),
        (MASS, gettext_lazy("mass deletion")),
        (DIGEST, gettext_lazy("mass deletion digest")),
        (REPLACED, gettext_lazy("replaced by someone else")),
    ]
    BY_PEOPLE = [TRASHED, REMOVED]  # what counts towards a mass deletion
    # What an owner hears of when someone else did it.
    OWNER_TOLD = [TRASHED, REMOVED, PURGED, REPLACED]

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
    action = models.CharField(
        max_length=10, choices=[(DELETED, "deleted"), (REPLACED, "replaced")], default=DELETED
    )
    owner_email = models.EmailField(max_length=254, blank=True)
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
        return f"{self.file_name} {self.action} by {self.actor_username}"

    @classmethod
    def record(
        cls, stored: Any, actor: Any, *, kind: str = REMOVED, file_id: Any = None, **facts: Any
    ) -> "DeletionAlert":
        """The alert for one file (or trash item, or version); actor None is the worker.

        The admins hear of every kind but REPLACED; the owner hears when someone else did it.
        """
        action = cls.REPLACED if kind == cls.REPLACED else cls.DELETED
        alert = cls.objects.create(
            kind=kind,
            action=action,
            owner_email=stored.owner.email,
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
        if kind != cls.REPLACED:
            deliver_or_fold(alert)
        someone_else = actor is not None and actor.pk != stored.owner_id
        if someone_else and kind in cls.OWNER_TOLD and stored.owner.email:
            AlertDelivery.objects.create(alert=alert, channel=OWNER_CHANNEL)
        return alert

    @classmethod
    def raise_mass(cls, last: "DeletionAlert", *, count: int, since: Any) -> "DeletionAlert":
        alert = cls.objects.create(
            kind=cls.MASS, file_name="", size=0, sha256="", count=count, since=since,
            **{field: getattr(last, field) for field in PERSON_FIELDS},
        )
        alert.schedule_deliveries()
        return alert

    @classmethod
    def start_digest(cls, last: "DeletionAlert", *, since: Any) -> "DeletionAlert":
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



# The trash.
# The trash: a deleted file waits here, content untouched, until restored or purged.
#
# A trashed file leaves the StoredFile table (so no list, download or replace can reach it) and
# keeps its id, content, description and times here; restoring puts the same row back. Its
# versions stay where they are, keyed by the file's id, and so go and come back with it.
# Content leaves storage only through `purge()`: a permanent delete, an emptied trash or the
# worker once `SKYLOCKER_TRASH_DAYS` have passed.


class AlreadyGone(Exception):
    """The trash item was restored or purged by someone else first."""


class TrashedFileQuerySet(models.QuerySet["TrashedFile"]):
    def visible_to(self, user: Any) -> "TrashedFileQuerySet":
        """The trash follows the very rule the files do: StoredFileQuerySet.visible_to."""
        return StoredFileQuerySet.visible_to(self, user)  # type: ignore[arg-type, return-value]

    def due_for_purge(self) -> "TrashedFileQuerySet":
        return self.filter(purge_at__lte=timezone.now())

    def on_their_own(self) -> "TrashedFileQuerySet":
        """Files deleted on their own: those deleted with a folder are listed as part of it."""
        return self.filter(trashed_with__isnull=True)


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
    folder_id = models.UUIDField(null=True, blank=True)  # where it was; no key: it may go
    # Deleted with this folder: it is listed, restored and purged as part of it.
    trashed_with = models.ForeignKey(
        "Folder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TrashedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted_at"]
        indexes = [models.Index(fields=["owner", "-deleted_at"]), models.Index(fields=["purge_at"])]

    def __str__(self) -> str:
        return f"{self.name} (in the trash)"

    @classmethod
    def take(
        cls, current: StoredFile, actor: Any, trashed_with: "Folder | None" = None
    ) -> "TrashedFile":
        """Move a locked StoredFile row here; called by StoredFile.delete_by in its transaction."""
        now = timezone.now()
        item = cls.objects.create(
            id=current.pk,
            owner_id=current.owner_id,
            file=current.file.name,
            folder_id=current.folder_id,
            trashed_with=trashed_with,
            deleted_at=now,
            deleted_by=actor,
            deleted_by_username=actor.get_username(),
            purge_at=now + timedelta(days=settings.TRASH_DAYS),
            **{field: getattr(current, field) for field in COPIED},
        )
        current.delete()
        return item

    def restore(
        self, actor: Any = None, *, door: str = Door.WEB, address: str | None = None
    ) -> StoredFile:
        """Put the file back with its id, content, description and times.

        Raises AlreadyGone when it was restored or purged meanwhile, QuotaExceeded when the
        owner is over quota already (a lowered quota).
        """
        with transaction.atomic():
            # Locks in one order everywhere: the item's row, then its owner's (the quota's).
            item = TrashedFile.objects.select_for_update().filter(pk=self.pk).first()
            if item is None:
                raise AlreadyGone()
            check_quota(item.owner, adding=0)
            restored = item.put_back(folder_id=item.folder_id)
            record("file.restored", actor=actor, door=door, address=address, target=restored,
                   owner=item.owner)
        return restored

    def put_back(self, folder_id: Any) -> StoredFile:
        """The file row again, in its folder if that is still there (else the root); a folder
        of the same name there makes it "name (restored)", another file's name does not."""
        folder = Folder.objects.live().filter(pk=folder_id, owner_id=self.owner_id).first()
        restored = StoredFile(
            id=self.pk,
            owner_id=self.owner_id,
            file=self.file.name,
            folder=folder,
            **{field: getattr(self, field) for field in COPIED},
        )
        holder = name_holder(self.owner_id, folder, self.name)
        if isinstance(holder, Folder):
            restored.name = free_name(self.owner_id, folder, self.name, is_file=True)
        restored.save(force_insert=True)
        self.delete()
        return restored

    def purge(self, actor: Any = None, *, door: str = "", address: str | None = None) -> None:
        """Content leaves storage for good: the file's object and its versions'.

        Row removal, alert and object removals commit together; the objects go after the
        commit, retried by the worker while storage is down. Raises AlreadyGone.
        """
        with transaction.atomic():
            item = TrashedFile.objects.select_for_update().filter(pk=self.pk).first()
            if item is None:
                raise AlreadyGone()
            kind = DeletionAlert.REMOVED if actor is not None else DeletionAlert.PURGED
            DeletionAlert.record(item, actor, kind=kind, door=door, address=address)
            record("file.purged", actor=actor, door=door or Door.WORKER, address=address,
                   target=item)
            ObjectRemoval.schedule(item.file.name or "")
            drop_previews([item.file.name or ""])
            for version in FileVersion.objects.filter(file_id=item.pk):
                ObjectRemoval.schedule(version.file.name or "")
            FileVersion.objects.filter(file_id=item.pk).delete()
            item.delete()


COPIED = ["name", "description", "size", "sha256", "content_type", "created_at", "updated_at"]


# Versions.
# Versions: the content a replace pushed aside, kept so that a replace is never final.
#
# A version keeps its own object (no copy is made: the object simply changes hands) and is
# keyed by its file's id, so it follows the file into the trash and back. At most
# `SKYLOCKER_KEEP_VERSIONS` are kept per file, none older than `SKYLOCKER_VERSION_DAYS`; what
# falls out leaves storage with an alert, like every other removal.


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
    def keep(
        cls, current: StoredFile, actor: Any, *, door: str = Door.WEB, address: str | None = None
    ) -> "FileVersion | None":
        """Make a locked file's current content a version (inside the replace's transaction).

        Versions have no preview: the content's goes with it."""
        drop_previews([current.file.name or ""])
        if settings.KEEP_VERSIONS == 0:
            ObjectRemoval.schedule(current.file.name or "")
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
            old.expire(actor, door=door, address=address)
        return version

    def expire(
        self, actor: Any = None, *, door: str = Door.WORKER, address: str | None = None
    ) -> None:
        """Content leaves storage for good: an alert, and the object removed after the commit.

        The worker expires versions past SKYLOCKER_VERSION_DAYS; a replace (`actor`) pushes
        out those past SKYLOCKER_KEEP_VERSIONS."""
        DeletionAlert.record(self, None, kind=DeletionAlert.VERSION_EXPIRED, file_id=self.file_id)
        record("version.expired", actor=actor, door=door, address=address, target=self,
               owner=self.owner, file_id=str(self.file_id))
        ObjectRemoval.schedule(self.file.name or "")
        self.delete()

    def restore(
        self, actor: Any, *, door: str = Door.WEB, address: str | None = None
    ) -> StoredFile:
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
            FileVersion.keep(current, actor, door=door, address=address)
            current.file.name = version_object
            for field, value in metadata.items():
                setattr(current, field, value)
            current.updated_at = timezone.now()
            current.save()
            record("version.restored", actor=actor, door=door, address=address, target=current,
                   version=str(self.pk), stored_at=version.stored_at.isoformat())
            Preview.queue(current)
        return current


# Quotas.
# Quotas: how much one account may keep, counting current files, versions and the trash.
#
# Every change that adds bytes checks under a row lock on the owner's user row, inside the
# transaction that records the bytes, so concurrent uploads are counted one after another and
# cannot overshoot together. The user row is always locked after the rows of the files, trash
# items or versions being changed, never before, so that no two changes wait on each other.


class FileTally(models.Model):
    """How many files each owner has, kept by the database itself: triggers on the files'
    table (migration 0009) add one for every row inserted and take one away for every row
    deleted, whoever writes it (these models, a bulk insert, a restore, plain SQL). A list of
    everyone's files or of one owner's reads its length here instead of counting a million
    rows (locker/listing.py, `tallied_count`)."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    files = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.files} files of {self.owner_id}"


class Quota(models.Model):
    """A per-user quota set in the admin; users without one get SKYLOCKER_DEFAULT_QUOTA_BYTES."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="quota"
    )
    quota_bytes = models.PositiveBigIntegerField(
        help_text="Bytes this user may keep, counting versions and the trash; 0 is unlimited."
    )

    def __str__(self) -> str:
        return f"quota of {self.user}"


def quota_of(user: Any) -> int:
    override = Quota.objects.filter(user_id=user.pk).values_list("quota_bytes", flat=True).first()
    return settings.DEFAULT_QUOTA_BYTES if override is None else override


def used_by(user: Any, files_bytes: int | None = None) -> int:
    """Bytes counted against the quota: files, kept versions and the trash. `files_bytes` is
    the files' total when the caller has summed them already (the files page has)."""
    kinds = (FileVersion, TrashedFile) if files_bytes is not None else (
        StoredFile, FileVersion, TrashedFile
    )
    return (files_bytes or 0) + sum(
        model.objects.filter(owner_id=user.pk).aggregate(total=Sum("size"))["total"] or 0
        for model in kinds
    )


def check_quota(user: Any, adding: int) -> None:
    """Lock the owner's row and refuse what would go over; call inside the transaction.

    `adding` 0 still refuses an account already over (a restore after the quota was lowered).
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    quota = quota_of(user)
    if quota == 0:
        return
    used = used_by(user)
    if used + adding > quota or (adding == 0 and used > quota):
        raise QuotaExceeded(quota, used, adding)


def check_quota_early(user: Any, adding: int) -> None:
    """Before writing any bytes, without a lock: spares writing what will surely be refused."""
    quota = quota_of(user)
    if quota and used_by(user) + adding > quota:
        raise QuotaExceeded(quota, used_by(user), adding)


# The mass-deletion alarm.
# The mass-deletion alarm: many deletions by one account in a short time.
#
# More than SKYLOCKER_MASS_DELETE_COUNT deletions by one account within
# SKYLOCKER_MASS_DELETE_MINUTES raise one "Mass deletion" alert at once (who, how many, from
# where, through which door, and a link for staff to restore that account's trash from the
# burst). The burst's per-file alerts are folded into one digest that goes out once the account
# has been quiet for SKYLOCKER_MASS_DELETE_DIGEST_SECONDS; every deletion of the burst is in it,
# including any whose own alert had already gone out. Each per-file alert waits that long too
# before it is sent, so that the first deletions of a quick burst are folded rather than mailed.


FOLDED = "Folded into the mass-deletion digest."


def deliver_or_fold(alert: "DeletionAlert") -> None:
    """Give a fresh alert its deliveries, or fold it into its account's burst digest."""
    if alert.kind not in DeletionAlert.BY_PEOPLE or alert.actor_id is None:
        alert.schedule_deliveries()
        return
    # Held for a moment, so that a burst this deletion turns out to be part of can fold it.
    hold = timedelta(seconds=settings.MASS_DELETE_DIGEST_SECONDS)
    # One account's deletions are counted one at a time, so a burst raises one alarm.
    get_user_model().objects.select_for_update().get(pk=alert.actor_id)
    now = timezone.now()
    digest = (
        DeletionAlert.objects.filter(kind=DeletionAlert.DIGEST, actor_id=alert.actor_id)
        .filter(deliveries__delivered_at__isnull=True)
        .order_by("-deleted_at")
        .first()
    )
    if digest is None:
        since = now - timedelta(minutes=settings.MASS_DELETE_MINUTES)
        burst = DeletionAlert.objects.filter(
            kind__in=DeletionAlert.BY_PEOPLE,
            actor_id=alert.actor_id,
            deleted_at__gte=since,
            digest__isnull=True,
        )
        if burst.count() <= settings.MASS_DELETE_COUNT:
            alert.schedule_deliveries(after=hold)
            return
        began = burst.order_by("deleted_at").values_list("deleted_at", flat=True)[0]
        DeletionAlert.raise_mass(alert, count=burst.count(), since=began)
        digest = DeletionAlert.start_digest(alert, since=began)
        fold(burst, digest)
    else:
        fold(DeletionAlert.objects.filter(pk=alert.pk), digest)
    digest.count = digest.folded.count()
    digest.save(update_fields=["count"])
    digest.deliveries.filter(delivered_at__isnull=True).update(
        next_attempt_at=now + timedelta(seconds=settings.MASS_DELETE_DIGEST_SECONDS)
    )


def fold(alerts: Any, digest: "DeletionAlert") -> None:
    pks = list(alerts.values_list("pk", flat=True))
    # The admins' deliveries fold into the digest; an owner's own notice still goes out.
    folding = AlertDelivery.objects.filter(alert_id__in=pks, delivered_at__isnull=True)
    folding.exclude(channel=OWNER_CHANNEL).update(
        delivered_at=timezone.now(), last_error=FOLDED
    )
    DeletionAlert.objects.filter(pk__in=pks).update(digest=digest)


# Folders.
# Folders: a file lives in one of its owner's folders, or in the root (`folder` None).
#
# A name is unique within a folder over its folders and files together, compared the way
# people's desktops compare them: NFC-normalised and casefolded, so "Report" and "report"
# cannot stand side by side (the name keeps the spelling it was given). The comparison is made
# here on `name_key`, a digest of the normalised name, so that no database collation (MariaDB's
# is case- and accent-insensitive, PostgreSQL's neither) decides it. A folder's key starts with
# its parent's id ("root" at the top), so one unique constraint over (owner, name_key) covers
# the root too, where a NULL parent would not count in SQL. Files carry the bare digest, indexed
# with their folder; uploads may still bring a second file of a name already there, as they
# could before folders, but moves, new folders and restores never make a clash.
#
# Deleting a folder moves it, its subfolders and their files to the trash as one item: the files
# become TrashedFiles pointing at the folder (`trashed_with`), the folder rows stay, marked with
# the deleted top folder (`trashed_in`), out of every listing and path. Restoring brings all of
# it back at once; a restore whose place is taken gets "name (restored)".
#
# Every structural change (new folder, rename, move, delete, restore) locks the owner's row
# after the rows it changes, as quotas do, so that two moves cannot build a cycle together and
# two folders cannot take one name between a check and a write.

ROOT_KEY = "root"


def name_digest(name: str) -> str:
    """The comparison key of a name: NFC, casefolded, NFC again (casefolding can denormalise)."""
    normal = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return hashlib.sha256(normal.encode()).hexdigest()


def folder_key(parent_id: Any, name: str) -> str:
    return f"{parent_id.hex if parent_id else ROOT_KEY}:{name_digest(name)}"


def lock_owner(owner_id: Any) -> None:
    list(get_user_model().objects.select_for_update().filter(pk=owner_id).values_list("pk"))


class PathNotFound(ObjectDoesNotExist):
    """No folder or file at that path for that user (both doors answer 404)."""


class FolderQuerySet(models.QuerySet["Folder"]):
    def live(self) -> "FolderQuerySet":
        return self.filter(trashed_in__isnull=True)

    def of(self, user: Any) -> "FolderQuerySet":
        """A user's own folders, never anyone else's, staff's neither: a folder tree is
        personal (staff's All files is flat and shows each file's path)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(owner_id=user.pk).live()

    def get_for(self, user: Any, pk: Any) -> "Folder":
        """The user's own live folder, else Folder.DoesNotExist (404 on both doors)."""
        try:
            return self.of(user).get(pk=pk)
        except (ValueError, ValidationError):  # not a folder id at all
            raise self.model.DoesNotExist from None

    def in_trash(self) -> "FolderQuerySet":
        """Deleted folders as the trash lists them: the top folder of each deletion."""
        return self.filter(trashed_in=models.F("pk"))

    def trash_of(self, user: Any) -> "FolderQuerySet":
        """A user's own deleted folders in the trash; staff's own too, never anyone else's
        (a folder tree is personal, as in `of`)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.in_trash().filter(owner_id=user.pk)

    def get_trashed_for(self, user: Any, pk: Any) -> "Folder":
        """The user's own deleted folder, else Folder.DoesNotExist (404 on both doors)."""
        try:
            return self.trash_of(user).get(pk=pk)
        except (ValueError, ValidationError):  # not a folder id at all
            raise self.model.DoesNotExist from None

    def due_for_purge(self) -> "FolderQuerySet":
        return self.in_trash().filter(purge_at__lte=timezone.now())


class Folder(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="folders"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=255)
    name_key = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # In the trash: the deleted top folder, for it and everything in it; None while live.
    trashed_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_by_username = models.CharField(max_length=150, blank=True)
    purge_at = models.DateTimeField(null=True, blank=True)

    objects = FolderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name_key"], name="folder_name_unique")
        ]
        indexes = [models.Index(fields=["owner", "parent", "name"], name="locker_folder_place")]

    def __str__(self) -> str:
        return self.name

    @property
    def in_trash(self) -> bool:
        return self.trashed_in_id is not None

    def ancestors(self) -> list["Folder"]:
        """From the top folder down to this one's parent (the breadcrumbs)."""
        chain: list[Folder] = []
        current = self.parent
        while current is not None:
            chain.insert(0, current)
            current = current.parent
        return chain

    @property
    def path(self) -> str:
        """"/a/b" for folder b in folder a."""
        return "/" + "/".join(f.name for f in [*self.ancestors(), self])

    def descendant_ids(self) -> list[Any]:
        """This folder's id and those of every live folder below it."""
        found, frontier = [self.pk], [self.pk]
        while frontier:
            below = Folder.objects.filter(parent_id__in=frontier).live()
            frontier = list(below.values_list("pk", flat=True))
            found += frontier
        return found

    def children(self) -> tuple["FolderQuerySet", "StoredFileQuerySet"]:
        return list_children(self.owner, self)

    @classmethod
    def create(
        cls, owner: Any, name: str, parent: "Folder | None" = None, *,
        actor: Any = None, door: str = "web", address: str | None = None,
    ) -> "Folder":
        """A new folder in `parent` (None: the root), its name cleaned as an upload's is.

        Raises NameTaken when a folder or file there has that name, FolderInTrash when the
        parent was deleted meanwhile.
        """
        name = clean_filename(name)
        with transaction.atomic():
            if parent is not None:
                parent = live_folder(parent.pk, owner.pk)
            lock_owner(owner.pk)
            check_free(owner.pk, parent, name)
            key = folder_key(parent and parent.pk, name)
            folder = cls.objects.create(owner=owner, parent=parent, name=name, name_key=key)
            record(
                "folder.created", actor=actor or owner, door=door, address=address,
                target=folder, path=folder.path,
            )
        return folder

    def rename(
        self, name: str, *, actor: Any = None, door: str = "web", address: str | None = None
    ) -> "Folder":
        """A new name, cleaned; the same folder (id, contents). Raises NameTaken."""
        return self.move_to(self.parent, name=name, actor=actor, door=door, address=address)

    def move_to(
        self, parent: "Folder | None", *, name: str | None = None,
        actor: Any = None, door: str = "web", address: str | None = None,
    ) -> "Folder":
        """Into `parent` (None: the root), optionally under a new name, with all it holds.

        Raises MoveCycle for a move into itself or below itself, NameTaken, FolderInTrash,
        Folder.DoesNotExist when this folder was deleted meanwhile.
        """
        new_name = clean_filename(name) if name is not None else None
        with transaction.atomic():
            current = live_folder(self.pk, self.owner_id)
            target = live_folder(parent.pk, current.owner_id) if parent is not None else None
            lock_owner(current.owner_id)
            ancestor = target
            while ancestor is not None:
                if ancestor.pk == current.pk:
                    raise MoveCycle()
                above = ancestor.parent_id
                ancestor = (
                    Folder.objects.select_for_update().filter(pk=above).first() if above else None
                )
            old_path, old_name = current.path, current.name
            moved = (target and target.pk) != current.parent_id
            renamed = new_name is not None and new_name != current.name
            if not moved and not renamed:
                return current
            final = new_name if new_name is not None else current.name
            check_free(current.owner_id, target, final, ignore=current)
            current.parent, current.name = target, final
            current.name_key = folder_key(target and target.pk, final)
            current.updated_at = timezone.now()
            current.save()
            record_move(
                "folder", current, actor or current.owner, door, address,
                old_name=old_name if renamed else None, old_path=old_path if moved else None,
            )
        self.refresh_from_db()
        return current

    def delete_by(
        self, actor: Any, *, door: str = "web", address: str | None = None
    ) -> "Folder":
        """This folder, its folders and all their files to the trash, as one item.

        Each file gets its deletion alert, as a file deleted on its own does (so a large folder
        raises the mass-deletion alarm). With SKYLOCKER_TRASH_DAYS=0 it is all purged at once.
        Raises Folder.DoesNotExist when it was deleted meanwhile.
        """
        with transaction.atomic():
            top = live_folder(self.pk, self.owner_id, missing=Folder.DoesNotExist)
            ids = top.descendant_ids()
            now = timezone.now()
            files = StoredFile.objects.select_for_update().filter(folder_id__in=ids)
            count = 0
            for current in files.select_related("owner").order_by("pk"):
                trash_locked(current, actor, door=door, address=address, trashed_with=top)
                count += 1
            lock_owner(top.owner_id)
            path = top.path
            Folder.objects.filter(pk__in=ids).update(trashed_in=top)
            top.refresh_from_db()
            top.name_key = f"trash:{top.pk.hex}"  # its name is free again where it was
            top.deleted_at, top.deleted_by = now, actor
            top.deleted_by_username = actor.get_username() if actor else ""
            top.purge_at = now + timedelta(days=settings.TRASH_DAYS)
            top.save()
            record(
                "folder.deleted", actor=actor, door=door, address=address, target=top,
                path=path, files=count, folders=len(ids),
            )
            if settings.TRASH_DAYS == 0:
                top.purge(actor, door=door, address=address)
        return top

    def trashed_files(self) -> "TrashedFileQuerySet":
        return TrashedFile.objects.filter(trashed_with_id=self.pk)

    def restore(
        self, *, actor: Any = None, door: str = "web", address: str | None = None
    ) -> "Folder":
        """A deleted folder back with everything deleted with it, ids and names kept.

        It returns to its old parent when that is still there (and not in the trash), else to
        the root; if its name is taken there it becomes "name (restored)". Raises AlreadyGone
        when restored or purged meanwhile, QuotaExceeded when the owner is over quota.
        """
        with transaction.atomic():
            top = Folder.objects.select_for_update().filter(pk=self.pk, trashed_in=self.pk).first()
            if top is None:
                raise AlreadyGone()
            items = list(TrashedFile.objects.select_for_update().filter(trashed_with_id=top.pk))
            check_quota(top.owner, adding=0)
            parent = (
                Folder.objects.live().filter(pk=top.parent_id, owner_id=top.owner_id).first()
                if top.parent_id
                else None
            )
            name = free_name(top.owner_id, parent, top.name, ignore=top)
            top.parent, top.name = parent, name
            top.name_key = folder_key(parent and parent.pk, name)
            top.deleted_at = top.deleted_by = top.purge_at = None
            top.deleted_by_username = ""
            top.trashed_in = None
            top.save()
            Folder.objects.filter(trashed_in_id=top.pk).update(trashed_in=None)
            for item in items:
                item.put_back(folder_id=item.folder_id)
            record(
                "folder.restored", actor=actor or top.owner, door=door, address=address, target=top,
                path=top.path, files=len(items),
            )
        return top

    def purge(self, actor: Any = None, *, door: str = "", address: str | None = None) -> None:
        """A deleted folder leaves for good: each file's content (with its alert), then the rows.

        Raises AlreadyGone when it was restored or purged meanwhile.
        """
        with transaction.atomic():
            top = Folder.objects.select_for_update().filter(pk=self.pk, trashed_in=self.pk).first()
            if top is None:
                raise AlreadyGone()
            for item in TrashedFile.objects.filter(trashed_with_id=top.pk):
                item.purge(actor, door=door, address=address)
            ids = list(Folder.objects.filter(trashed_in_id=top.pk).values_list("pk", flat=True))
            # A folder deleted earlier on its own, from inside this one, stays in the trash; it
            # will restore to the root, its parent being gone.
            Folder.objects.filter(parent_id__in=ids).exclude(pk__in=ids).update(parent=None)
            Folder.objects.filter(pk__in=ids).update(parent=None, trashed_in=None)
            Folder.objects.filter(pk__in=ids).delete()


def record_move(
    kind: str, current: Any, actor: Any, door: str, address: str | None, *,
    old_name: str | None, old_path: str | None,
) -> None:
    """The audit records of a rename and/or a move ("file" or "folder"), in its transaction."""
    where = {"actor": actor, "door": door, "address": address, "target": current}
    if old_name is not None:
        record(f"{kind}.renamed", **where, old_name=old_name, path=current.path)
    if old_path is not None:
        record(f"{kind}.moved", **where, old_path=old_path, path=current.path)


def live_folder(pk: Any, owner_id: Any, missing: type[Exception] = FolderInTrash) -> Folder:
    """The owner's folder, locked; Folder.DoesNotExist if there is none, `missing` if it is in
    the trash."""
    folder = Folder.objects.select_for_update().filter(pk=pk, owner_id=owner_id).first()
    if folder is None:
        raise Folder.DoesNotExist()
    if folder.in_trash:
        raise missing()
    return folder


def name_holder(
    owner_id: Any, parent: Folder | None, name: str, ignore: Any = None
) -> "Folder | StoredFile | None":
    """What holds `name` in `parent` (None: the root), other than `ignore`."""
    parent_id = parent.pk if parent is not None else None
    folders = Folder.objects.filter(owner_id=owner_id, name_key=folder_key(parent_id, name))
    folders = folders.live()
    files = StoredFile.objects.filter(owner_id=owner_id, folder=parent)
    files = files.filter(name_key=name_digest(name))
    if ignore is not None:
        folders = folders.exclude(pk=ignore.pk) if isinstance(ignore, Folder) else folders
        files = files.exclude(pk=ignore.pk) if isinstance(ignore, StoredFile) else files
    return folders.first() or files.order_by("-updated_at", "pk").first()


def check_free(owner_id: Any, parent: Folder | None, name: str, ignore: Any = None) -> None:
    """Raises NameTaken when a folder or file in `parent` holds `name` (casefolded, NFC)."""
    if name_holder(owner_id, parent, name, ignore) is not None:
        raise NameTaken(name)


def free_name(
    owner_id: Any, parent: Folder | None, name: str, ignore: Any = None, *, is_file: bool = False
) -> str:
    """`name`, or "name (restored)", "name (restored 2)" … when it is taken (restores)."""
    stem, ext = os.path.splitext(name) if is_file else (name, "")
    candidate, number = name, 1
    while name_holder(owner_id, parent, candidate, ignore) is not None:
        suffix = " (restored)" if number == 1 else f" (restored {number})"
        candidate = clean_filename(stem[: 255 - len(suffix) - len(ext)] + suffix + ext)
        number += 1
    return candidate


def list_children(owner: Any, folder: Folder | None) -> tuple[FolderQuerySet, "StoredFileQuerySet"]:
    """What a folder (None: the root) holds: its live folders by name, its files."""
    parent_id = folder.pk if folder is not None else None
    folders = Folder.objects.filter(owner_id=owner.pk, parent_id=parent_id).live()
    files = StoredFile.objects.filter(owner_id=owner.pk, folder=folder)
    return folders.order_by("name", "pk"), files


def resolve_path(owner: Any, path: str) -> "Folder | StoredFile | None":
    """What "/a/b/c.txt" names in the owner's tree: a Folder, a StoredFile, or None for the
    root ("/" or ""). Each part is matched as names are compared (casefolded, NFC); a folder
    wins over a file of the same name, and of two files of one name (old uploads) the newest.
    Raises PathNotFound when nothing is there (or a part is "." or "..")."""
    parts = [part for part in path.split("/") if part]
    folder: Folder | None = None
    for index, part in enumerate(parts):
        if part in (".", ".."):
            raise PathNotFound(path)
        holder = name_holder(owner.pk, folder, part)
        if isinstance(holder, Folder) and not holder.in_trash:
            folder = holder
        elif isinstance(holder, StoredFile) and index == len(parts) - 1:
            return holder
        else:
            raise PathNotFound(path)
    return folder


def folder_paths(folder_ids: Any) -> dict[Any, str]:
    """The path of each folder ("/a/b"), one query per level of depth, for a page of files."""
    known: dict[Any, tuple[str, Any]] = {}
    wanted = {pk for pk in folder_ids if pk is not None}
    while wanted:
        rows = list(Folder.objects.filter(pk__in=wanted).values_list("pk", "name", "parent_id"))
        for pk, name, parent_id in rows:
            known[pk] = (name, parent_id)
        wanted = {parent for _, parent in known.values() if parent and parent not in known}
        if not rows:
            break

    def path(pk: Any) -> str:
        parts: list[str] = []
        while pk in known:
            name, pk = known[pk]
            parts.insert(0, name)
        return "/" + "/".join(parts)

    return {pk: path(pk) for pk in folder_ids if pk is not None}


def file_paths(files: Any) -> dict[Any, str]:
    """Each file's path ("/a/b/notes.txt"), for a page of files, without a query per file."""
    files = list(files)
    folders = folder_paths({f.folder_id for f in files})
    return {f.pk: folders.get(f.folder_id, "") + "/" + f.name for f in files}
