"""Pruning the audit log: events older than SKYLOCKER_AUDIT_DAYS go, in batches.

The worker calls `prune()` on each sweep. Each batch is one short DELETE by primary key, so a
year's backlog on a big table never holds a long lock or one huge transaction; what one sweep
leaves the next one takes.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.models import AuditEvent

log = logging.getLogger(__name__)

BATCH = 1000
MAX_BATCHES = 50  # per sweep: 50,000 events at most, then the worker gets back to alerts


def prune(batch: int = BATCH, max_batches: int = MAX_BATCHES) -> int:
    """Delete events older than the retention; returns how many went."""
    if settings.AUDIT_DAYS == 0:
        return 0
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_DAYS)
    old = AuditEvent.objects.older_than(cutoff).order_by("at", "id")
    pruned = 0
    for _ in range(max_batches):
        pks = list(old.values_list("pk", flat=True)[:batch])
        if not pks:
            break
        pruned += AuditEvent.objects.filter(pk__in=pks).delete()[0]
    if pruned:
        log.info("Pruned %d audit events older than %d days", pruned, settings.AUDIT_DAYS)
    return pruned
