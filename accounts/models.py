from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from skylocker.client import client_address


class SignupLock(models.Model):
    """One row that every sign-up locks while it checks and takes its username and email.

    auth.User's email has no unique index (and its username's is case-sensitive), so two
    sign-ups at the same moment could both pass the form's checks. Holding this row's lock,
    the second one sees the first one's user. Sign-ups are rare: waiting costs nothing.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    def __str__(self) -> str:
        return "sign-up lock"


class UserSessionQuerySet(models.QuerySet):
    def active(self) -> "UserSessionQuerySet":
        """Sessions whose Django session still exists and has not expired."""
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        return self.filter(session_key__in=live)


class UserSession(models.Model):
    """A browser signed in to an account: since when, last seen, from where.

    Django's sessions do not say whose they are; this row does, so people can see their
    signed-in browsers and end any of them (or all) from their Account page.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_used_at"]

    def __str__(self) -> str:
        return f"{self.user} from {self.address}"

    @classmethod
    def record(cls, request: HttpRequest, user: Any) -> "UserSession":
        """Called right after a log-in, once the session has its new key."""
        if not request.session.session_key:
            request.session.save()
        # Rows of this user's expired or ended sessions go here, so they never pile up.
        cls.objects.filter(user=user).exclude(pk__in=cls.objects.active().values("pk")).delete()
        now = timezone.now()
        row, _ = cls.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": user,
                "created_at": now,
                "last_used_at": now,
                "address": client_address(request) or None,
                "user_agent": request.headers.get("User-Agent", "")[:300],
            },
        )
        return row

    def end(self) -> None:
        """Sign this browser out: its session goes, so its next request is anonymous."""
        Session.objects.filter(session_key=self.session_key).delete()
        self.delete()


def sign_out_everywhere(user: Any, keep_session_key: str | None = None) -> None:
    """End every browser session and revoke every API token of this user, but the one session
    in use. Called on a password change or reset and by "sign out everywhere": whoever knew
    the old password, or holds a leaked token, is out."""
    from api.models import ApiToken

    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        for row in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key):
            row.end()


class OutgoingMailQuerySet(models.QuerySet):
    def due(self) -> "OutgoingMailQuerySet":
        return self.filter(delivered_at__isnull=True, next_attempt_at__lte=timezone.now())


class OutgoingMail(models.Model):
    """An account email that must not be lost (address verification, password reset, "someone
    tried to sign up with your address"): written when the page asks for it, sent by the worker
    with retries, as the deletion alerts are (accounts/outbox.py).

    Its text holds a one-time link, so the text is emptied once the mail is delivered.
    """

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"
