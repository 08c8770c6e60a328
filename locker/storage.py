"""Stored objects: the one module that names, measures, writes and removes them.

Every path that stores bytes (the upload form, the API, a direct upload to S3, and what comes
next: trash, versions, WebDAV) goes through here, so each rule lives once:

- new objects are named `u/<owner id>/<random hex>` (`new_name`), never after the user's file;
  a preview (thumbnail) of one is named after it, beside it (`preview_name`);
- `s3()` is the one answer to "is storage S3?";
- a file's content type is the one detected from its bytes (`detect_type`), recorded the same
  whichever way the file arrived; types a browser would render or run are *sent* as opaque
  bytes (`served_type`), wherever bytes are served or an object's S3 metadata is written;
- `Measure` counts, hashes and sniffs bytes as they stream past and stops past the limit;
- `write` removes its own partial object when a write fails; `delete` removes one object.

Files only ever go through `STORAGES["default"]`: nothing here builds a path from a folder.
"""

import hashlib
import io
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import magic
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, safe_join

from locker.errors import StorageUnavailable

log = logging.getLogger(__name__)

SNIFF_BYTES = 8192
CHUNK = 256 * 1024
OPAQUE = "application/octet-stream"
EMPTY = "application/x-empty"

# Types a browser would render or run: always sent as opaque bytes.
ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-shockwave-flash",
    "application/pdf",
}


def new_name(owner_id: int) -> str:
    """A fresh storage name for one of this owner's objects: the owner's prefix, a random id."""
    return f"u/{owner_id}/{secrets.token_hex(16)}"


def preview_name(source_name: str, label: str) -> str:
    """A fresh name for a preview image of the object `source_name`, stored beside it.

    `u/7/ab12…` gets `u/7/ab12….preview-small-<random hex>.webp`: the owner's prefix and the
    source stay readable in the bucket, and a retried rendering never reuses a name.
    """
    return f"{source_name}.preview-{label}-{secrets.token_hex(6)}.webp"


def incoming_name(owner_id: int) -> str:
    """Where a direct upload lands before it is checked; the upload policy reaches only here."""
    return f"incoming/{owner_id}/{secrets.token_hex(16)}"


def default() -> Storage:
    return storages["default"]


def s3(store: Storage | None = None) -> S3Storage | None:
    """The storage (the default one unless given) when it is S3 or S3-compatible, else None.

    The one place that tells S3 from local disk.
    """
    store = default() if store is None else store
    return store if isinstance(store, S3Storage) else None


def local_folder(store: Storage | None = None) -> Path | None:
    """The folder of the storage (the default one unless given) on local disk, else None."""
    store = default() if store is None else store
    return Path(store.location) if isinstance(store, FileSystemStorage) else None


def object_key(storage: S3Storage, name: str) -> str:
    """The bucket key of a storage name (the storage's `location` prefix included)."""
    return safe_join(storage.location, clean_name(name)) if storage.location else clean_name(name)


def detect_type(head: bytes) -> str:
    """The content type of a file from its first bytes; the browser's claim is never asked."""
    return magic.from_buffer(head, mime=True) if head else EMPTY


def served_type(content_type: str) -> str:
    """The type bytes are sent with: active or unknown types go out as opaque bytes."""
    kind = content_type.split(";")[0].strip().lower()
    return OPAQUE if kind in ACTIVE_TYPES or not kind else content_type


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback plus the exact name as UTF-8 in filename*."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@dataclass(frozen=True)
class Measurement:
    size: int
    sha256: str
    content_type: str
    over_limit: bool = False


class Measure:
    """Counts, hashes and keeps the first bytes of a stream, chunk by chunk.

    With a `limit`, `add` answers False once more than that many bytes have gone past: the
    caller stops reading (the bytes over the limit are counted but not hashed).
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = b""

    def add(self, chunk: bytes) -> bool:
        self.size += len(chunk)
        if self.over_limit:
            return False
        self.digest.update(chunk)
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        return True

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.size > self.limit

    def result(self) -> Measurement:
        return Measurement(
            size=self.size,
            sha256=self.digest.hexdigest(),
            content_type=detect_type(self.head),
            over_limit=self.over_limit,
        )


def measure_chunks(chunks: Iterable[bytes], limit: int | None = None) -> Measurement:
    """Measure a stream, reading no further than one chunk past the limit."""
    measure = Measure(limit)
    for chunk in chunks:
        if not measure.add(chunk):
            break
    return measure.result()


def measure_upload(uploaded: Any) -> Measurement:
    """An upload's size, SHA-256 and type: taken on the way in by the upload handler when it
    read the bytes (see locker/uploads.py), else read once here."""
    if isinstance(known := getattr(uploaded, "measurement", None), Measurement):
        return known
    uploaded.seek(0)
    measured = measure_chunks(uploaded.chunks())
    uploaded.seek(0)
    return measured


def sniff(content: IO[bytes]) -> str:
    """The type of a file about to be written, read from its first bytes; its position is kept."""
    if isinstance(known := getattr(content, "measurement", None), Measurement):
        return known.content_type
    content.seek(0)
    head = content.read(SNIFF_BYTES)
    content.seek(0)
    return detect_type(head)


def measure_object(
    name: str, limit: int | None = None, store: Storage | None = None
) -> Measurement:
    """Stream a stored object: its real size, SHA-256 and type; stops once past `limit`.

    On S3 the object is read as a stream (S3Storage.open would first download all of it).
    """
    store = default() if store is None else store
    bucket = s3(store)
    if bucket is not None:
        client = bucket.connection.meta.client
        body = client.get_object(Bucket=bucket.bucket_name, Key=object_key(bucket, name))["Body"]
        try:
            return measure_chunks(body.iter_chunks(CHUNK), limit)
        finally:
            body.close()
    with store.open(name, "rb") as handle:
        return measure_chunks(handle.chunks(CHUNK), limit)


class BucketReader(io.RawIOBase):
    """An S3 object read as a stream, from any position (a seek starts a ranged GET there).

    S3Storage.open would first download all of it; this hands the bytes on as they come.
    """

    def __init__(self, bucket: S3Storage, name: str) -> None:
        self.client = bucket.connection.meta.client
        self.bucket_name, self.key = bucket.bucket_name, object_key(bucket, name)
        self.position = 0
        self.body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence != io.SEEK_SET:
            raise io.UnsupportedOperation("BucketReader seeks from the start only")
        if offset != self.position:
            self.drop_body()
            self.position = offset
        return self.position

    def read(self, size: int = -1) -> bytes:
        if self.body is None:
            # From the start without a Range: an empty object has no byte 0 to range over.
            ranged = {"Range": f"bytes={self.position}-"} if self.position else {}
            answer = self.client.get_object(Bucket=self.bucket_name, Key=self.key, **ranged)
            self.body = answer["Body"]
        chunk: bytes = self.body.read(None if size is None or size < 0 else size)
        self.position += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def drop_body(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None

    def close(self) -> None:
        self.drop_body()
        super().close()


def open_object(name: str) -> IO[bytes]:
    """A stored object to read from, positioned at its start; seekable, to be closed.

    On S3 it streams from the bucket (ranged GETs), never downloading the whole object first.
    """
    bucket = s3()
    if bucket is not None:
        return BucketReader(bucket, name)  # type: ignore[return-value]  # a binary stream
    handle: IO[bytes] = default().open(name, "rb")
    return handle


@dataclass(frozen=True)
class StoredObject:
    size: int
    modified: datetime


def list_objects(store: Storage | None = None) -> dict[str, StoredObject]:
    """Every object in the storage (the default one unless given), with its size and age.

    One paginated listing on S3, a recursive listdir on disk. A storage folder not yet made
    (a fresh install: nothing was ever stored) holds no objects.
    """
    store = default() if store is None else store
    bucket = s3(store)
    if bucket is not None:
        location = bucket.location.strip("/")
        prefix = f"{location}/" if location else ""
        return {
            obj.key[len(prefix) :]: StoredObject(obj.size, obj.last_modified)
            for obj in bucket.bucket.objects.filter(Prefix=prefix)
            if not obj.key.endswith("/")
        }
    folder = local_folder(store)
    if folder is not None and not folder.exists():
        return {}
    found = {}
    pending = [""]
    while pending:
        current = pending.pop()
        folders, files = store.listdir(current)
        pending.extend(f"{current}{name}/" for name in folders)
        for name in files:
            found[f"{current}{name}"] = StoredObject(
                store.size(f"{current}{name}"), store.get_modified_time(f"{current}{name}")
            )
    return found


def write(name: str, content: Any) -> str:
    """Save a new object under `name`; on any failure remove what part of it was written.

    A disk that fills up mid-write leaves a partial file behind (Django does not remove it),
    and that would be an orphan no row points to. Raises StorageUnavailable.
    """
    storage = default()
    try:
        return storage.save(name, content)
    except Exception as exc:
        log.exception("Could not store %s", name)
        try:
            storage.delete(name)  # a fresh random name: only our own partial write
        except Exception:  # noqa: BLE001 - storage is down; reconcile finds any leftover
            log.warning("Could not remove the partial object %s", name)
        raise StorageUnavailable() from exc


def read_head(name: str, limit: int) -> bytes:
    """Up to `limit` bytes from the start of an object (a preview's source, a text's first lines).

    Raises FileNotFoundError when the object is gone, StorageUnavailable when it cannot be read.
    """
    store = default()
    bucket = s3(store)
    try:
        if bucket is not None:
            client = bucket.connection.meta.client
            key, wanted = object_key(bucket, name), f"bytes=0-{limit - 1}"
            body = client.get_object(Bucket=bucket.bucket_name, Key=key, Range=wanted)["Body"]
            try:
                return bytes(body.read(limit))
            finally:
                body.close()
        with store.open(name, "rb") as handle:
            return bytes(handle.read(limit))
    except FileNotFoundError:
        raise
    except Exception as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise FileNotFoundError(name) from exc
        log.warning("Could not read %s: %s", name, exc)
        raise StorageUnavailable() from exc


def delete(name: str) -> None:
    """Remove one object (nothing happens when it is already gone)."""
    default().delete(name)


def copy_from_incoming(incoming: str, name: str, download_name: str) -> None:
    """Copy a direct upload to its final S3 key, with the metadata every object carries.

    Its type is not known until the copy has been measured, and unknown is sent as opaque bytes.
    """
    storage = s3()
    if storage is None:
        raise RuntimeError("copy_from_incoming needs S3 storage")
    bucket = storage.bucket_name
    storage.connection.meta.client.copy_object(
        Bucket=bucket,
        Key=object_key(storage, name),
        CopySource={"Bucket": bucket, "Key": object_key(storage, incoming)},
        MetadataDirective="REPLACE",
        ContentType=served_type(""),
        ContentDisposition=content_disposition(download_name),
        ServerSideEncryption="AES256",
    )
