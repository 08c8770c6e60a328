"""While a backup copies objects, removals of replaced and deleted objects wait.

The backup's database snapshot may still point to an object that a replace or a delete
committed just after it; removing that object before the backup has copied it would leave the
archive with a row and no content. The backup holds an exclusive lock on a file in the data
folder; a removal that cannot take it shared leaves its ObjectRemoval for the worker's next
round. The kernel releases the lock if the backup dies, so nothing waits for ever.

A removal that found the lock free cannot hurt the snapshot: it runs after its own commit,
so a snapshot taken later no longer points to that object.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

LOCK_FILE = "backup.lock"


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / LOCK_FILE


@contextmanager
def removals_held() -> Iterator[None]:
    with lock_path().open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def removals_allowed() -> bool:
    try:
        handle = lock_path().open()
    except FileNotFoundError:
        return True  # no backup has ever run here
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    return True
