"""WebDAV locks in the database: every web process (and every instance) sees the same locks.

WsgiDAV's own storages keep locks in one process's memory or in a shelve file that several
processes cannot share safely; Skylocker runs several web processes, so a lock taken through
one must hold against a write through another. This is WsgiDAV's lock-storage interface over
the DavLock table. Each user's tree starts at /dav/, so the same path names different things
for different people: every lock belongs to the user of the request that runs (`current_owner`,
set by dav/views.py), and only that user's locks are seen.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from wsgidav.lock_man.lock_manager import generate_lock_token, normalize_lock_root, validate_lock

from dav.models import DavLock

DEFAULT_TIMEOUT = 7 * 24 * 3600  # WsgiDAV's: a week
MAX_TIMEOUT = 4 * 7 * 24 * 3600  # and its longest, when a client asks for "Infinite"

current_owner: ContextVar[int | None] = ContextVar("dav_lock_owner", default=None)


@contextmanager
def locks_of(user_id: int) -> Iterator[None]:
    """The locks seen and taken while a request of this user runs."""
    reset = current_owner.set(user_id)
    try:
        yield
    finally:
        current_owner.reset(reset)


def owner() -> int:
    user_id = current_owner.get()
    if user_id is None:
        raise RuntimeError("WebDAV locks are used outside a request")
    return user_id


def live() -> Any:
    return DavLock.objects.filter(owner_id=owner(), expires_at__gt=timezone.now())


def stored(lock: dict[str, Any]) -> dict[str, Any]:
    """A lock as JSON: WsgiDAV keeps the owner's XML as bytes, noted in "bytes" to give back."""
    as_bytes = [key for key, value in lock.items() if isinstance(value, bytes)]
    data = {key: value.decode() if key in as_bytes else value for key, value in lock.items()}
    return {**data, "bytes": as_bytes}


def loaded(data: dict[str, Any]) -> dict[str, Any]:
    as_bytes = data.get("bytes", [])
    lock = {key: value.encode() if key in as_bytes else value for key, value in data.items()}
    lock.pop("bytes", None)
    return lock


def is_below(root: str, path: str) -> bool:
    return root.startswith(path.rstrip("/") + "/")


class DatabaseLockStorage:
    """WsgiDAV's LockStorageDict interface (open, get, create, refresh, delete, get_lock_list)."""

    def __repr__(self) -> str:
        return self.__class__.__name__

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def cleanup(self) -> None:
        DavLock.objects.filter(expires_at__lte=timezone.now()).delete()

    def clear(self) -> None:
        DavLock.objects.filter(owner_id=owner()).delete()

    def get(self, token: str) -> dict[str, Any] | None:
        row = live().filter(token=token).first()
        return loaded(row.data) if row is not None else None

    def create(self, path: str, lock: dict[str, Any]) -> dict[str, Any]:
        root = normalize_lock_root(path)
        timeout = float(lock.get("timeout") or DEFAULT_TIMEOUT)
        if timeout < 0 or timeout > MAX_TIMEOUT:
            timeout = MAX_TIMEOUT
        expire = time.time() + timeout
        lock.update(root=root, timeout=timeout, expire=expire, token=generate_lock_token())
        validate_lock(lock)
        DavLock.objects.create(
            owner_id=owner(), token=lock["token"], root=root, data=stored(lock),
            expires_at=datetime.fromtimestamp(expire, UTC),
        )
        return lock

    def refresh(self, token: str, *, timeout: float) -> dict[str, Any]:
        if timeout < 0 or timeout > MAX_TIMEOUT:
            timeout = MAX_TIMEOUT
        with transaction.atomic():
            row = live().select_for_update().get(token=token)
            expire = time.time() + timeout
            row.data = {**row.data, "timeout": timeout, "expire": expire}
            row.expires_at = datetime.fromtimestamp(expire, UTC)
            row.save(update_fields=["data", "expires_at"])
        return loaded(row.data)

    def delete(self, token: str) -> bool:
        deleted, _ = DavLock.objects.filter(owner_id=owner(), token=token).delete()
        return bool(deleted)

    def get_lock_list(
        self, path: str, *, include_root: bool, include_children: bool, token_only: bool
    ) -> list[Any]:
        root = normalize_lock_root(path)
        found = []
        for row in live().order_by("id"):
            if (include_root and row.root == root) or (
                include_children and is_below(row.root, root)
            ):
                found.append(row.token if token_only else loaded(row.data))
        return found
