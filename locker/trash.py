"""The worker's and staff's share of the trash (the TrashedFile model is in locker/models.py)."""

from collections.abc import Iterable
from typing import Any

from audit.log import Door
from locker.models import AlreadyGone, StoredFile, TrashedFile


def purge_expired(limit: int = 100) -> int:
    """The worker's share: items whose days in the trash are over."""
    done = 0
    for item in TrashedFile.objects.due_for_purge().order_by("purge_at")[:limit]:
        try:
            item.purge(door=Door.WORKER)
        except AlreadyGone:
            continue
        done += 1
    return done


def restore_all(
    items: Iterable[TrashedFile], actor: Any = None, *, door: str = Door.WEB,
    address: str | None = None,
) -> list[StoredFile]:
    """Restore what can be; items restored or purged meanwhile are skipped."""
    restored: list[StoredFile] = []
    for item in items:
        try:
            restored.append(item.restore(actor, door=door, address=address))
        except AlreadyGone:
            continue
    return restored
