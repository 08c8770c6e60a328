"""The audit log: one append-only record of who did what, through which door, to what.

Rows are only ever added (by `audit.log.record`) and pruned by age by the worker; nothing
edits them. A record is written in the same transaction as the action it describes, so an
action whose record cannot be written fails with it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Door:
    """How the actor came in."""

    WEB, API, CLI, ADMIN = "web", "api", "cli", "admin"
    SHARE, REQUEST, WEBDAV, WORKER = "share", "request", "webdav", "worker"
    CONSOLE = "console"  # manage.py on the server (changepassword)
    CHOICES = [
        (WEB, _("page")), (API, _("API")), (CLI, _("command line")), (ADMIN, _("admin")),
        (SHARE, _("share link")), (REQUEST, _("file request")), (WEBDAV, _("WebDAV")),
        (WORKER, _("worker")), (CONSOLE, _("server console")),
    ]
    ALL = frozenset(value for value, _label in CHOICES)


class Outcome:
    OK, FAILED, REFUSED = "ok", "failed", "refused"
    CHOICES = [(OK, _("ok")), (FAILED, _("failed")), (REFUSED, _("refused"))]


# What `object_type` names, as the Activity pages show it; a type not listed shows as stored.
OBJECT_LABELS = {
    "file": _("file"), "version": _("version"), "folder": _("folder"), "link": _("share link"),
    "request": _("file request"), "token": _("API token"), "session": _("session"),
    "account": _("account"), "apppassword": _("app password"),
    "authenticator": _("second factor"),
}


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> "AuditEventQuerySet":
        """Staff with the audit permission see everything; everyone else their own activity
        (what they did, and what was done to their data)."""
        if user.has_perm("audit.view_all_events"):
            return self
        return self.own(user)

    def own(self, user: Any) -> "AuditEventQuerySet":
        """One's own activity: what they did, and what was done to their data."""
        return self.filter(models.Q(actor=user) | models.Q(owner=user))

    def older_than(self, cutoff: Any) -> "AuditEventQuerySet":
        return self.filter(at__lt=cutoff)

    def before(self, at: Any, pk: int) -> "AuditEventQuerySet":
        """The events after (at, pk) in the newest-first order: the next page of a keyset.

        Written as a range on `at` (which the (at, id) index serves) minus the ties already
        shown, not as an OR, which databases answer with a scan."""
        return self.filter(at__lte=at).exclude(at=at, pk__gte=pk)

    def after(self, at: Any, pk: int) -> "AuditEventQuerySet":
        """The events before (at, pk) in the newest-first order: the previous page."""
        return self.filter(at__gte=at).exclude(at=at, pk__lte=pk)


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the record outlives the account, and failed sign-ins have no user.
    actor_username = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    door = models.CharField(max_length=10, choices=Door.CHOICES)
    action = models.CharField(max_length=40, db_index=True)
    # Whose data it touched (the file's owner, the account changed); None for e.g. a failed
    # sign-in with an unknown username.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    object_type = models.CharField(max_length=20, blank=True)  # file, link, request, token...
    object_id = models.CharField(max_length=64, blank=True)
    object_name = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.CHOICES, default=Outcome.OK)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Pages are read newest first by (at, id) from an index (keyset), never by OFFSET.
        indexes = [
            models.Index(fields=["at", "id"], name="audit_event_at_id"),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["owner", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]
        permissions = [("view_all_events", "See everyone's audit events")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    @property
    def object_label(self) -> str:
        return str(OBJECT_LABELS.get(self.object_type, self.object_type))
