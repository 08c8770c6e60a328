"""App passwords (what WebDAV clients sign in with) and the WebDAV locks they hold."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.log import record

# 25 characters from 31 (no 0/o, 1/l/i, nothing to confuse): 123 random bits, typed in groups
# of five.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 5, 5
# How often a password's last use is written: at most once a minute, not once per request.
TOUCH_EVERY = timedelta(minutes=1)


def password_digest(raw: str) -> str:
    """SHA-256 of the password, the only form kept.

    Not a slow hash on purpose: the password is 123 random bits chosen by Skylocker, so no
    guessing can reach it whatever the hash costs, and WebDAV clients send it with every
    request (a folder listing can be hundreds), where Argon2 would cost each one tens of
    milliseconds of CPU. A slow hash protects passwords people chose; these are not.
    """
    return hashlib.sha256(raw.encode()).hexdigest()


def new_password() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


class AppPasswordQuerySet(models.QuerySet["AppPassword"]):
    def of(self, user: Any) -> "AppPasswordQuerySet":
        return self.filter(user_id=user.pk)


class AppPassword(models.Model):
    """A named password for one WebDAV client, shown once, revocable on its own.

    WebDAV clients cannot do a browser log-in; each gets its own password, never the account's,
    so one lost laptop is one revoked line on the Account page.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_from = models.GenericIPAddressField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)

    objects = AppPasswordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"app password {self.name} of {self.user}"

    @classmethod
    def issue(
        cls, user: Any, name: str, *, door: str, address: str | None = None
    ) -> tuple["AppPassword", str]:
        """A new password for `user`; the raw password is returned once and never kept."""
        raw = new_password()
        with transaction.atomic():
            row = cls.objects.create(
                user=user, name=name.strip()[:100], digest=password_digest(raw),
                created_from=address or None,
            )
            record(
                "app_password.created", actor=user, door=door, address=address, target=row
            )
        return row, raw

    def revoke(self, actor: Any, *, door: str, address: str | None = None) -> None:
        with transaction.atomic():
            record(
                "app_password.revoked", actor=actor, door=door, address=address, target=self,
                owner=self.user,
            )
            self.delete()

    @classmethod
    def find(cls, username: str, raw: str, address: str | None) -> "AppPassword | None":
        """The live password of this active user with this value, its last use noted."""
        row = (
            cls.objects.select_related("user")
            .filter(digest=password_digest(raw), user__is_active=True)
            .first()
        )
        # Compared here rather than in the query: usernames are matched exactly, as log-in does.
        if row is None or not secrets.compare_digest(row.user.get_username(), username):
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
            cls.objects.filter(pk=row.pk).update(last_used_at=now, last_used_from=address or None)
        return row


class DavLock(models.Model):
    """One WebDAV lock, kept in the database so that every web process sees it (see dav/locks.py).

    Paths are the user's own (each user's tree starts at /dav/), so locks are kept per owner.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=100, unique=True)
    root = models.CharField(max_length=2000)
    expires_at = models.DateTimeField(db_index=True)
    data = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["owner", "expires_at"])]

    def __str__(self) -> str:
        return f"lock {self.token} on {self.root}"


class DavProperty(models.Model):
    """A dead property a WebDAV client set with PROPPATCH, kept per owner and path."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(max_length=2000)
    name = models.CharField(max_length=500)
    value = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return f"{self.name} of {self.url}"
