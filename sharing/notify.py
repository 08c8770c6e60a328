"""Telling a file request's owner that files arrived: batched, by the worker.

Each received file is a row in ReceivedFile written in the upload's own transaction; rows not
yet told about are the outbox. The worker mails one message per request listing every file
waiting, and then no more for that request until SKYLOCKER_REQUEST_MAIL_MINUTES have passed
(files arriving meanwhile wait for the next one). A failed send is retried with backoff, as
the deletion alerts are (locker/alerts.py).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from locker.models import StoredFile, backoff
from sharing.models import FileRequest, ReceivedFile

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # as locker/alerts.py: one send is far shorter than this


def _claim() -> tuple[FileRequest, list[ReceivedFile]] | None:
    """Lease the waiting files of one request whose owner may be mailed now."""
    now = timezone.now()
    quiet_since = now - timedelta(minutes=settings.REQUEST_MAIL_MINUTES)
    with transaction.atomic():
        first = (
            ReceivedFile.objects.pending()
            .filter(next_attempt_at__lte=now)
            .filter(Q(request__notified_at__isnull=True) | Q(request__notified_at__lte=quiet_since))
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .first()
        )
        if first is None:
            return None
        rows = list(
            ReceivedFile.objects.pending()
            .filter(request_id=first.request_id)
            .select_for_update(skip_locked=True)
        )
        ReceivedFile.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=now + LEASE)
        asked = FileRequest.objects.select_related("owner").get(pk=first.request_id)
    return asked, rows


def _send(asked: FileRequest, rows: list[ReceivedFile]) -> None:
    files = StoredFile.objects.in_bulk([r.file_id for r in rows])
    context = {
        "request": asked,
        "received": [(r, files.get(r.file_id)) for r in rows],
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("emails/request-received-subject.txt", context).split())
    body = render_to_string("emails/request-received-body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [asked.owner.email])
    message.extra_headers["X-Skylocker-Request"] = str(asked.pk)
    message.send()


def deliver_due(limit: int = 20) -> tuple[int, int]:
    """Mail up to `limit` owners whose requests received files; (sent, failed)."""
    sent = failed = 0
    for _ in range(limit):
        claimed = _claim()
        if claimed is None:
            break
        asked, rows = claimed
        pks = [r.pk for r in rows]
        now = timezone.now()
        try:
            if asked.owner.email:
                _send(asked, rows)
        except Exception as exc:  # noqa: BLE001 - every failure is retried, none is fatal
            attempts = max(r.attempts for r in rows) + 1
            ReceivedFile.objects.filter(pk__in=pks).update(
                attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
                next_attempt_at=now + backoff(attempts),
            )
            log.warning("Mail about file request %s failed (attempt %d): %s", asked.pk,
                        attempts, exc)
            failed += 1
            continue
        with transaction.atomic():
            ReceivedFile.objects.filter(pk__in=pks).update(notified_at=now, last_error="")
            FileRequest.objects.filter(pk=asked.pk).update(notified_at=now)
        sent += 1
    return sent, failed
