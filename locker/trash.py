"""The worker's and staff's share of the trash (the TrashedFile model is in locker/models.py)."""

from collections.abc import Iterable
from typing import Any

from audit.log import Door
from locker.models import AlreadyGone, Folder, StoredFile, TrashedFile


def purge_expired(limit: int = 100) -> int:
    """The worker's share: items whose days in the trash are over (deleted folders first,
    each with the files deleted with it)."""
    done = 0
    for folder in Folder.objects.due_for_purge().order_by("purge_at")[:limit]:
        try:
            folder.purge()
        except AlreadyGone:
            continue
        done += 1
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


def restore_folders(folders: Iterable[Folder], actor: Any) -> int:
    """Restore deleted folders (each with its files); how many files came back."""
    files = 0
    for folder in folders:
        count = folder.trashed_files().count()
        try:
            folder.restore(actor=actor, door="web")
        except AlreadyGone:
            continue
        files += count
    return files
