"""Delivering deletion alerts to the admins, by email and (on AWS) SNS, and to owners whose
file someone else deleted or replaced, by email.

Alerts are recorded by StoredFile.delete_by() in the deleting transaction; the worker
(`manage.py run_worker`) calls deliver_due() to send them, retrying with backoff.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from locker.models import OWNER_CHANNEL, AlertDelivery, DeletionAlert, backoff
from preferences.models import Preferences, valid_zone

log = logging.getLogger(__name__)
Row = TypeVar("Row", bound=models.Model)

# A delivery being sent is leased for this long; a worker killed mid-send is retried after it.
# Deliveries are claimed one at a time, just before sending, and one send is bounded by the
# SMTP timeout (EMAIL_TIMEOUT) or SNS's connect and read timeouts, far below the lease: so a
# lease never runs out while its delivery is still being sent, and no alert goes out twice.
LEASE = timedelta(minutes=2)


class NoRecipients(Exception):
    pass


def admin_recipients() -> list[str]:
    if settings.ADMIN_EMAILS:
        return list(settings.ADMIN_EMAILS)
    superusers = get_user_model().objects.filter(is_superuser=True, is_active=True)
    return sorted({email for email in superusers.values_list("email", flat=True) if email})


def render(alert: DeletionAlert, name: str | None = None) -> tuple[str, str, str]:
    """Each kind its own templates (a trashed file, a mass deletion, its digest, a removal),
    unless `name` names others (the owner's notice)."""
    name = name or TEMPLATES.get(alert.kind, "deletion")
    context = {
        "alert": alert, "site_url": settings.SITE_URL, "minutes": settings.MASS_DELETE_MINUTES
    }
    context["door"] = door_words(alert.door)
    if alert.kind == DeletionAlert.DIGEST:
        context["folded"] = alert.folded.order_by("deleted_at", "pk")
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    body = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    return subject, body, html


DOORS = {"web": gettext_lazy("the web"), "api": gettext_lazy("the API"),
         "admin": gettext_lazy("the admin")}


def door_words(door: str) -> str:
    """Where a deletion came from, in the reader's language."""
    if not door:
        return gettext("the app")
    return str(DOORS.get(door, format_lazy(gettext_lazy("the {door}"), door=door)))


TEMPLATES = {DeletionAlert.TRASHED: "trashed", DeletionAlert.MASS: "mass-deletion",
             DeletionAlert.DIGEST: "deletion-digest"}


def send_email(alert: DeletionAlert) -> None:
    recipients = admin_recipients()
    if not recipients:
        raise NoRecipients(
            "no admin email: set SKYLOCKER_ADMIN_EMAILS or give a superuser an email"
        )
    _send(alert, None, recipients)


def send_owner_email(alert: DeletionAlert) -> None:
    """Tell owners when someone managing all files deleted or replaced one of theirs."""
    _send(alert, "owner-notice", [alert.owner_email])


def _send(alert: DeletionAlert, template: str | None, recipients: list[str]) -> None:
    """One message for each language and time zone among the recipients (those with an
    account get theirs, from its preferences; addresses without one get the site's)."""
    for (language, zone), group in recipient_groups(recipients).items():
        with translation.override(language), timezone.override(zone):
            subject, body, html = render(alert, template)
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, group)
        message.attach_alternative(html, "text/html")
        message.extra_headers["X-Skylocker-Alert"] = str(alert.pk)
        message.send()


def recipient_groups(recipients: list[str]) -> dict[tuple[str, str], list[str]]:
    chosen = Preferences.for_recipients(recipients)
    groups: dict[tuple[str, str], list[str]] = {}
    for address in recipients:
        mine = chosen.get(address.lower())
        language = (mine.language if mine else "") or settings.LANGUAGE_CODE
        zone = valid_zone(mine.time_zone if mine else "") or settings.TIME_ZONE
        groups.setdefault((language, zone), []).append(address)
    return groups


def sns_subject(subject: str) -> str:
    """SNS refuses subjects not printable ASCII or over 100 characters; retries would not help."""
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in subject)[:100] or "Skylocker"


def send_sns(alert: DeletionAlert) -> None:
    import boto3
    from botocore.config import Config

    subject, body, _ = render(alert)
    # Fail fast: the outbox retries with backoff, so botocore's own retries would only block.
    config = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1})
    client = boto3.client("sns", region_name=settings.AWS_REGION, config=config)
    client.publish(TopicArn=settings.SNS_TOPIC_ARN, Subject=sns_subject(subject), Message=body)


SENDERS = {"email": send_email, "sns": send_sns, OWNER_CHANNEL: send_owner_email}


def lease(due: QuerySet[Row], limit: int) -> list[Row]:
    """Lease up to `limit` due outbox rows (they have `next_attempt_at`), so that several
    workers never send the same one at once."""
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True).order_by("next_attempt_at")[:limit])
        due.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(
            next_attempt_at=timezone.now() + LEASE
        )
    return rows


def claim_due(limit: int) -> list[AlertDelivery]:
    """Lease due deliveries so that several workers never send the same one at once."""
    return lease(AlertDelivery.objects.due().select_related("alert"), limit)


def deliver(delivery: AlertDelivery) -> bool:
    try:
        SENDERS[delivery.channel](delivery.alert)
    except Exception as exc:  # noqa: BLE001 - every failure is retried, none is fatal
        delivery.attempts += 1
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        log.warning(
            "Alert %s via %s failed (attempt %d), next try at %s: %s",
            delivery.alert_id, delivery.channel, delivery.attempts,
            delivery.next_attempt_at, delivery.last_error,
        )
        return False
    delivery.attempts += 1
    delivery.delivered_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "delivered_at", "last_error"])
    log.info("Alert %s sent via %s", delivery.alert_id, delivery.channel)
    return True


def drain(
    claim: Callable[[], list[Row]], send: Callable[[Row], bool], limit: int
) -> tuple[int, int]:
    """Send up to `limit` due outbox rows, leasing each only when its turn comes (`claim` leases
    the next one); (sent, failed)."""
    sent = failed = 0
    for _ in range(limit):
        claimed = claim()
        if not claimed:
            break
        if send(claimed[0]):
            sent += 1
        else:
            failed += 1
    return sent, failed


def deliver_due(limit: int = 50) -> tuple[int, int]:
    """Send up to `limit` due deliveries; (sent, failed)."""
    return drain(lambda: claim_due(1), deliver, limit)
