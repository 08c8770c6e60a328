"""One-archive backup and restore of an embedded install (SQLite and local disk).

Why: the zero-config install keeps everything in its data folder, and copying that folder
while the app runs can catch the database mid-write. The backup takes a consistent snapshot
with SQLite's online backup API, then copies the objects the snapshot's rows point to (an
object is written before its row and never changed afterwards, and removals of replaced or
deleted objects wait until the copy is done, so each one is there), plus the
secret key that signs sessions and password-reset links. The app keeps serving meanwhile.

PostgreSQL, MySQL/MariaDB and S3 have better native tools (pg_dump, mysqldump, RDS snapshots,
bucket versioning and replication); there the commands say so instead of doing half a job.
"""

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import connection
from django.utils import timezone

from locker import storage
from locker.backup_lock import removals_held

FORMAT = 1
DATABASE = "database.sqlite3"
KEY_ENTRY = "secret_key"  # the archive entry holding the key
MANIFEST = "manifest.json"
FILES = "files/"


class BackupError(Exception):
    pass


def ensure_embedded() -> None:
    """Refuse, with directions, anywhere but SQLite on local disk."""
    advice = []
    if connection.vendor == "postgresql":
        advice.append("back up the database with pg_dump (or RDS automated snapshots)")
    elif connection.vendor == "mysql":
        advice.append("back up the database with mysqldump (or RDS automated snapshots)")
    elif connection.vendor != "sqlite":
        advice.append(f"back up the {connection.vendor} database with its own tools")
    if settings.S3_BUCKET or storage.local_folder() is None:
        advice.append("protect the files with S3 bucket versioning and replication")
    if advice:
        raise BackupError(
            "backup/restore serve the embedded install (SQLite and local disk). Here, "
            + "; ".join(advice) + ", and keep SECRET_KEY in your secret store. See the README."
        )


def snapshot_database(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def backup(path: Path) -> dict[str, Any]:
    """Write the archive to PATH (atomically: a partial archive never carries the final name)."""
    ensure_embedded()
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp, removals_held():
        database = Path(tmp) / DATABASE
        snapshot_database(database)
        with sqlite3.connect(database) as db:
            # Current files, the trash and versions: a restore brings all three back.
            names = [row[0] for row in db.execute(
                "SELECT file FROM locker_storedfile UNION SELECT file FROM locker_trashedfile "
                "UNION SELECT file FROM locker_fileversion ORDER BY 1"
            )]
        db.close()
        missing: list[str] = []
        fd = _create_partial(partial)
        try:
            manifest = _write_archive(fd, database, names, missing)
        except BaseException:
            partial.unlink(missing_ok=True)  # ours: made with O_EXCL above
            raise
    os.replace(partial, path)
    return manifest


def _create_partial(partial: Path) -> int:
    """A new file only Skylocker's account can read (the archive holds the key and database).

    O_EXCL|O_NOFOLLOW: a file or symlink someone planted under this name is refused, never
    written through, so the archive can neither be read by them nor redirected elsewhere.
    """
    try:
        return os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise BackupError(
            f"{partial} already exists: another backup is writing it, or one was interrupted. "
            "Check, remove it, and run the backup again."
        ) from None


def _write_archive(
    fd: int, database: Path, names: list[str], missing: list[str]
) -> dict[str, Any]:
    """The database snapshot, the key and every object the snapshot's rows name; the manifest."""
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        archive.add(database, DATABASE)
        _add_bytes(archive, KEY_ENTRY, settings.SECRET_KEY.encode())
        for name in names:
            try:
                size = storage.default().size(name)
                with storage.default().open(name, "rb") as handle:
                    info = tarfile.TarInfo(FILES + name)
                    info.size, info.mode = size, 0o600
                    archive.addfile(info, handle)
            except FileNotFoundError:
                missing.append(name)  # removed behind Skylocker's back; reconcile will say so
        manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(),
                    "files": len(names) - len(missing), "missing": missing}
        _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    archive.addfile(info, io.BytesIO(data))


def database_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def ensure_empty() -> None:
    db = database_path()
    used = [p for p in (db, Path(f"{db}-wal")) if p.exists() and p.stat().st_size > 0]
    # Objects only: empty folders (left by a failed restore) hold nothing to lose.
    objects = storage.list_objects()
    if used or objects:
        raise BackupError(
            f"the data folder is not empty ({db} or {storage.local_folder()} holds data). "
            "Restore only into a fresh data folder: set SKYLOCKER_DATA_DIR to an empty one."
        )


def _storage_name(member: tarfile.TarInfo) -> str:
    name = member.name.removeprefix(FILES)
    parts = PurePosixPath(name).parts
    if not member.isfile() or not parts or name.startswith("/") or ".." in parts:
        raise BackupError(f"refusing a suspicious entry in the archive: {member.name!r}")
    return name


def _entry(archive: tarfile.TarFile, member: str | tarfile.TarInfo) -> IO[bytes]:
    handle = archive.extractfile(member)
    if handle is None:  # a folder or a link where a file belongs
        raise BackupError(f"the archive's entry {member!s} is not a file")
    return handle


def restore(path: Path) -> dict[str, Any]:
    """Unpack an archive made by backup() into the (empty) data folder this install uses."""
    ensure_embedded()
    ensure_empty()
    restored = []
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            manifest = json.load(_entry(archive, MANIFEST))
            if manifest.get("format") != FORMAT:
                raise BackupError(f"unknown archive format {manifest.get('format')!r}")
            for member in archive:
                if not member.name.startswith(FILES):
                    continue
                name = _storage_name(member)
                saved = storage.write(name, File(_entry(archive, member)))
                restored.append(saved)
                if saved != name:
                    raise BackupError(f"could not restore {name} under its own name")
            secret = _entry(archive, KEY_ENTRY).read().decode()
            db = database_path()
            db.parent.mkdir(parents=True, exist_ok=True)
            partial = db.with_name(db.name + ".restoring")
            partial.unlink(missing_ok=True)  # a restore interrupted in this (empty) folder
            # 0600 like the database it replaces: it holds sessions and password hashes.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(_entry(archive, DATABASE).read())
    except BaseException:
        for name in restored:  # leave the folder as empty as we found it
            storage.delete(name)
        raise
    os.replace(partial, db)
    key_file = Path(settings.DATA_DIR) / "secret_key"
    key_file.unlink(missing_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret)
    return {**manifest, "key_from_environment": bool(os.environ.get("SECRET_KEY")
                                                      or os.environ.get("SECRET_KEY_FILE"))}
