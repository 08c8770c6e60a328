"""Clean-ups the worker runs: leftover removals, temp files of uploads cut off by a crash."""

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from locker.models import ObjectRemoval

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=5)
# An upload still streaming into a temp file touches it constantly; an hour of silence means dead.
TEMP_FILE_MAX_AGE = timedelta(hours=1)


def finish_object_removals(limit: int = 100) -> int:
    done = 0
    for removal in ObjectRemoval.objects.filter(next_attempt_at__lte=timezone.now())[:limit]:
        done += removal.attempt()
    return done


def sweep_temp_files(max_age: timedelta = TEMP_FILE_MAX_AGE) -> list[Path]:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    cutoff = time.time() - max_age.total_seconds()
    removed = []
    for path in folder.glob("*.upload*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    if removed:
        log.info("Removed %d abandoned upload temp files", len(removed))
    return removed


def sweep() -> None:
    from audit.retention import prune
    from locker.direct import sweep_pending
    from locker.trash import purge_expired
    from locker.versions import expire_old_versions

    sweep_temp_files()
    sweep_pending()
    purge_expired()
    expire_old_versions()
    prune()
