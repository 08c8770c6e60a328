"""Share links (anyone with the link may download one file) and file requests (anyone with the
link may upload into the owner's locker).

A link carries a random token of 256 bits; only its SHA-256 is stored, so the database alone
never gives a working link, and the owner sees the link's address once, when it is made.
Whatever makes a link unusable (expired, revoked, used up, its file trashed or deleted, a
wrong token) is one answer, `Unusable`, which every door turns into the same 404.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.log import Door, record
from locker import storage
from locker.models import MANAGE_ALL_FILES, StoredFile

TOKEN_BYTES = 32  # 256 bits, more than the 128 the issue asks for
MAX_DOWNLOADS = 1_000_000  # a download limit above this is no limit: leave it out


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def expiry(days: int | None) -> Any:
    """Now plus `days` (default SHARE_DAYS), which must lie in 1..SHARE_MAX_DAYS."""
    days = settings.SHARE_DAYS if days is None else days
    if not 1 <= days <= settings.SHARE_MAX_DAYS:
        raise ValidationError(
            _("Choose between 1 and %(max)d days.") % {"max": settings.SHARE_MAX_DAYS}
        )
    return timezone.now() + timedelta(days=days)


class Unusable(Exception):
    """The link cannot be used (whatever the reason: the doors never say which)."""


class OwnedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "OwnedQuerySet":
        """Owners see their own; those who manage all files (StoredFile's rule) see all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm(MANAGE_ALL_FILES):
            return self
        return self.filter(owner=user)

    def get_for(self, user: Any, pk: Any) -> Any:
        """The row if this user may see it, else DoesNotExist (a 404 on both doors)."""
        try:
            return self.visible_to(user).select_related("owner").get(pk=pk)
        except (ValueError, ValidationError):
            raise self.model.DoesNotExist from None  # type: ignore[attr-defined]  # concrete models have it

    def by_token(self, token: str) -> Any:
        """The usable link with this token; Unusable for every other case."""
        found: Any = self.select_related("owner").filter(token_hash=token_hash(token)).first()
        if found is None or not found.usable():
            raise Unusable()
        return found


class TokenLink(models.Model):
    """What share links and file requests have in common."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    password = models.CharField(max_length=128, blank=True)  # a Django password hash, or ""
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)

    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired()

    def revoke(self, actor: Any, *, door: str, address: str | None = None) -> None:
        """Revoked for good (a second revoke changes nothing), recorded in the audit log."""
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.revoked_at is None:
                current.revoked_at = timezone.now()
                current.save(update_fields=["revoked_at"])
                record(f"{self.AUDIT}.revoked", actor=actor, door=door, address=address,
                       target=current, owner=current.owner, object_type=self.AUDIT)
            self.revoked_at = current.revoked_at

    AUDIT = ""


def _hashed(password: str | None) -> str:
    return make_password(password) if password else ""


class ShareLink(TokenLink):
    # The file; when it is deleted, the link stays listed (as "file deleted") and never works
    # again, even if the file comes back from the trash.
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    note = models.CharField(max_length=1000, blank=True)
    max_downloads = models.PositiveIntegerField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    AUDIT = "link"

    class Meta(TokenLink.Meta):
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"link to {self.file_name}"

    @property
    def name(self) -> str:  # the audit log's object name
        return self.file_name

    @classmethod
    def create(
        cls,
        stored: StoredFile,
        actor: Any,
        *,
        door: str,
        address: str | None = None,
        days: int | None = None,
        password: str | None = None,
        max_downloads: int | None = None,
        note: str = "",
    ) -> tuple["ShareLink", str]:
        """A new link to `stored` (which the actor may see) and its token, shown only now."""
        token = new_token()
        with transaction.atomic():
            link = cls.objects.create(
                token_hash=token_hash(token),
                owner_id=stored.owner_id,
                created_by=actor,
                file=stored,
                file_name=stored.name,
                expires_at=expiry(days),
                password=_hashed(password),
                max_downloads=max_downloads,
                note=note,
            )
            record("link.created", actor=actor, door=door, address=address, target=link,
                   owner=stored.owner, object_type="link", file=str(stored.pk),
                   expires_at=link.expires_at.isoformat(), has_password=link.has_password,
                   max_downloads=max_downloads)
        return link, token

    def exhausted(self) -> bool:
        return self.max_downloads is not None and self.downloads >= self.max_downloads

    def usable(self) -> bool:
        return super().usable() and self.file_id is not None and not self.exhausted()

    def state(self) -> str:
        if self.revoked_at:
            return str(_("revoked"))
        if self.file_id is None:
            return str(_("file deleted"))
        if self.expired():
            return str(_("expired"))
        if self.exhausted():
            return str(_("used up"))
        return str(_("active"))

    def current_file(self) -> StoredFile:
        """The file as it is now (a replace changes what the link serves); Unusable if gone."""
        if self.file_id is None:
            raise Unusable()
        stored = StoredFile.objects.filter(pk=self.file_id).select_related("owner").first()
        if stored is None:
            raise Unusable()
        return stored

    def count_download(self, *, address: str | None) -> StoredFile:
        """One download, counted and recorded in one transaction; Unusable when the link was
        used up, revoked or its file deleted meanwhile. Call the download itself inside the
        caller's transaction so that a failed download is not counted."""
        current = ShareLink.objects.select_for_update().get(pk=self.pk)
        if not current.usable():
            raise Unusable()
        stored = current.current_file()
        ShareLink.objects.filter(pk=self.pk).update(downloads=F("downloads") + 1)
        record("link.used", door=Door.SHARE, address=address, target=current,
               owner=current.owner, object_type="link", file=str(stored.pk))
        record("file.downloaded", door=Door.SHARE, address=address, target=stored,
               link=str(current.pk))
        self.downloads = current.downloads + 1
        return stored


class FileRequest(TokenLink):
    message = models.CharField(max_length=1000, blank=True)
    max_files = models.PositiveIntegerField()
    max_bytes = models.PositiveBigIntegerField()
    files_received = models.PositiveIntegerField(default=0)
    # The last time the owner was mailed about files received (batched: one mail a while).
    notified_at = models.DateTimeField(null=True, blank=True)

    AUDIT = "request"
    DEFAULT_MAX_FILES = 10

    class Meta(TokenLink.Meta):
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """How the owner's list names the request: its message's start, or its date."""
        words = " ".join(self.message.split())
        if words:
            return words if len(words) <= 40 else words[:39] + "…"
        return str(_("file request of %(date)s")) % {"date": f"{self.created_at:%Y-%m-%d}"}

    @classmethod
    def create(
        cls,
        owner: Any,
        *,
        door: str,
        address: str | None = None,
        days: int | None = None,
        password: str | None = None,
        max_files: int | None = None,
        max_bytes: int | None = None,
        message: str = "",
    ) -> tuple["FileRequest", str]:
        if max_bytes is not None and not 1 <= max_bytes <= settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("At most %(max)d bytes a file (the upload limit).")
                % {"max": settings.MAX_UPLOAD_BYTES}
            )
        token = new_token()
        with transaction.atomic():
            request = cls.objects.create(
                token_hash=token_hash(token),
                owner=owner,
                created_by=owner,
                expires_at=expiry(days),
                password=_hashed(password),
                max_files=max_files or cls.DEFAULT_MAX_FILES,
                max_bytes=max_bytes or settings.MAX_UPLOAD_BYTES,
                message=message,
            )
            record("request.created", actor=owner, door=door, address=address, target=request,
                   owner=owner, object_type="request", expires_at=request.expires_at.isoformat(),
                   max_files=request.max_files, max_bytes=request.max_bytes,
                   has_password=request.has_password)
        return request, token

    def full(self) -> bool:
        return self.files_received >= self.max_files

    def usable(self) -> bool:
        return super().usable() and not self.full()

    def state(self) -> str:
        if self.revoked_at:
            return str(_("revoked"))
        if self.expired():
            return str(_("expired"))
        if self.full():
            return str(_("full"))
        return str(_("active"))

    def receive(
        self, uploaded: Any, *, name: str = "", note: str = "", address: str | None = None
    ) -> StoredFile:
        """Store one uploaded file in the owner's locker, as the owner's own uploads are
        (StoredFile.create_from_upload: quota, names, content type), counted against the
        request under its row lock. Raises Unusable (expired, revoked or full meanwhile),
        QuotaExceeded, StorageUnavailable; nothing is kept then."""
        stored = None
        try:
            with transaction.atomic():
                current = FileRequest.objects.select_for_update().get(pk=self.pk)
                if not current.usable():
                    raise Unusable()
                # Recorded there as file.uploaded, with no actor, at the request's door.
                stored = StoredFile.create_from_upload(
                    current.owner, uploaded, note[:255], actor=AnonymousUser(), door=Door.REQUEST,
                    address=address,
                )
                ReceivedFile.objects.create(
                    request=current, file_id=stored.pk, uploader_name=name, uploader_note=note,
                    address=address or None,
                )
                FileRequest.objects.filter(pk=self.pk).update(
                    files_received=F("files_received") + 1
                )
                record("request.used", door=Door.REQUEST, address=address, target=current,
                       owner=current.owner, object_type="request", file=str(stored.pk),
                       uploader=name)
        except BaseException:
            if stored is not None:  # the row went with the transaction: so goes the object
                storage.delete(stored.object_name)
            raise
        self.files_received = current.files_received + 1
        return stored


class ReceivedFileQuerySet(models.QuerySet):
    def pending(self) -> "ReceivedFileQuerySet":
        return self.filter(notified_at__isnull=True)


class ReceivedFile(models.Model):
    """A file that arrived through a request: who sent it (as they said) and from where.

    Keyed by the file's id without a foreign key, like versions: the mark follows the file into
    the trash and back. Unnotified rows are the outbox of the owner's batched mail.
    """

    request = models.ForeignKey(FileRequest, on_delete=models.CASCADE, related_name="received")
    file_id = models.UUIDField(unique=True)
    uploader_name = models.CharField(max_length=100, blank=True)
    uploader_note = models.CharField(max_length=1000, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    objects = ReceivedFileQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["notified_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"file {self.file_id} via {self.request_id}"


def received_marks(file_ids: list[Any]) -> dict[Any, ReceivedFile]:
    """For the file list: which of these files arrived through a request (one query)."""
    found = ReceivedFile.objects.filter(file_id__in=file_ids).select_related("request")
    return {mark.file_id: mark for mark in found}
