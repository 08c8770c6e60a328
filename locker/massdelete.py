"""The mass-deletion alarm: many deletions by one account in a short time.

More than SKYLOCKER_MASS_DELETE_COUNT deletions by one account within
SKYLOCKER_MASS_DELETE_MINUTES raise one "Mass deletion" alert at once (who, how many, from
where, through which door, and a link for staff to restore that account's trash from the
burst). The burst's per-file alerts are folded into one digest that goes out once the account
has been quiet for SKYLOCKER_MASS_DELETE_DIGEST_SECONDS; every deletion of the burst is in it,
including any whose own alert had already gone out. Each per-file alert waits that long too
before it is sent, so that the first deletions of a quick burst are folded rather than mailed.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

FOLDED = "Folded into the mass-deletion digest."


def deliver_or_fold(alert) -> None:
    """Give a fresh alert its deliveries, or fold it into its account's burst digest."""
    from locker.models import DeletionAlert

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
        first = burst.order_by("deleted_at").first()
        DeletionAlert.raise_mass(alert, count=burst.count(), since=first.deleted_at)
        digest = DeletionAlert.start_digest(alert, since=first.deleted_at)
        fold(burst, digest)
    else:
        fold(DeletionAlert.objects.filter(pk=alert.pk), digest)
    digest.count = digest.folded.count()
    digest.save(update_fields=["count"])
    digest.deliveries.filter(delivered_at__isnull=True).update(
        next_attempt_at=now + timedelta(seconds=settings.MASS_DELETE_DIGEST_SECONDS)
    )


def fold(alerts, digest) -> None:
    from locker.models import AlertDelivery, DeletionAlert

    pks = list(alerts.values_list("pk", flat=True))
    AlertDelivery.objects.filter(alert_id__in=pks, delivered_at__isnull=True).update(
        delivered_at=timezone.now(), last_error=FOLDED
    )
    DeletionAlert.objects.filter(pk__in=pks).update(digest=digest)
