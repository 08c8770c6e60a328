"""Account mail through the outbox: rows written by the pages, sent by the worker.

Why: a verification or password-reset mail asked for while the mail server is down must still
arrive, as a deletion alert does. The page writes an OutgoingMail row (one per recipient) and
answers at once; `manage.py run_worker` sends due rows, retrying with the alerts' backoff.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from accounts.models import OutgoingMail
from locker.alerts import drain, lease
from locker.models import backoff

log = logging.getLogger(__name__)


def queue(message: EmailMessage) -> list[OutgoingMail]:
    """Keep this message for the worker to send, one row per recipient."""
    html = next(
        (str(content) for content, kind in getattr(message, "alternatives", [])
         if kind == "text/html"),
        "",
    )
    return [
        OutgoingMail.objects.create(
            to=to, subject=str(message.subject)[:300], body=str(message.body), html=html
        )
        for to in message.recipients()
    ]


def send(mail: OutgoingMail) -> None:
    sender = settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(mail.subject, mail.body, sender, [mail.to])
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    message.send()


def deliver(mail: OutgoingMail) -> bool:
    mail.attempts += 1
    try:
        send(mail)
    except Exception as exc:  # noqa: BLE001 - every failure is retried, none is fatal
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
        mail.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        log.warning(
            "Account mail %s failed (attempt %d), next try at %s: %s",
            mail.pk, mail.attempts, mail.next_attempt_at, mail.last_error,
        )
        return False
    # Delivered: its one-time link is no longer kept.
    mail.delivered_at = timezone.now()
    mail.last_error = mail.body = mail.html = ""
    mail.save(update_fields=["attempts", "delivered_at", "last_error", "body", "html"])
    log.info("Account mail %s sent", mail.pk)
    return True


def deliver_due(limit: int = 50) -> tuple[int, int]:
    """Send up to `limit` due mails; (sent, failed)."""
    return drain(lambda: lease(OutgoingMail.objects.due(), 1), deliver, limit)
