"""Direct uploads: the browser or the CLI sends the bytes straight to S3, not through the app.

1. `start()` records a PendingUpload and returns a presigned POST whose policy fixes the key,
   the encryption and the content type, and caps `content-length-range` at MAX_UPLOAD_BYTES.
2. The client POSTs the file to S3 with those fields.
3. `finalize()` never trusts that the policy held (S3 emulators do not enforce it): it HEADs the
   object and re-checks the size, copies it to its final key (which the upload policy cannot
   reach, so nobody can swap the bytes afterwards), streams that copy to count the bytes and
   compute the SHA-256 (and compare with the client's, if given), and only then creates the
   StoredFile row. Too large, or a wrong checksum: the objects are deleted and the caller gets
   a clear error. Missing: the upload may still be retried until it expires.
4. `sweep_pending()` removes uploads never finalized (row and object) after a grace period.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

import magic
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from locker.downloads import ACTIVE_TYPES, content_disposition
from locker.models import ObjectRemoval, PendingUpload, StorageUnavailable, StoredFile
from locker.quota import QuotaExceeded, check_quota
from locker.remote import object_key, s3_storage
from locker.uploads import SNIFF_BYTES, clean_filename

log = logging.getLogger(__name__)

UPLOAD_URL_TTL = timedelta(minutes=15)
# How long after its URL expired an upload may still be finalized before the sweep takes it.
# URL life + grace + one sweep interval stays under reconcile's one-hour orphan grace, so
# reconcile never deletes the object of an upload that may still be finalized.
SWEEP_GRACE = timedelta(minutes=30)
CHUNK = 256 * 1024
# The object as the client must send it: encrypted, opaque bytes.
UPLOAD_FIELDS = {
    "x-amz-server-side-encryption": "AES256",
    "Content-Type": "application/octet-stream",
}


class DirectUploadError(Exception):
    status = 400


class NotAvailable(DirectUploadError):
    status = 409

    def __init__(self):
        super().__init__(
            "Direct uploads need S3 storage, and this Skylocker stores files on local disk: "
            "upload through POST /api/v1/files instead."
        )


class ObjectMissing(DirectUploadError):
    status = 400


class ObjectTooLarge(DirectUploadError):
    status = 413


class ChecksumMismatch(DirectUploadError):
    status = 400


def _client_and_bucket():
    storage = s3_storage()
    if storage is None:
        raise NotAvailable()
    return storage, storage.connection.meta.client, storage.bucket_name


def available() -> bool:
    return s3_storage() is not None


def start(owner, name: str, description: str = "") -> tuple[PendingUpload, dict]:
    """Allow one upload of at most MAX_UPLOAD_BYTES to a key chosen here, for UPLOAD_URL_TTL."""
    storage, client, bucket = _client_and_bucket()
    pending = PendingUpload.objects.create(
        owner=owner,
        key=f"incoming/{owner.pk}/{secrets.token_hex(16)}",
        name=clean_filename(name),
        description=description,
        expires_at=timezone.now() + UPLOAD_URL_TTL,
    )
    post = client.generate_presigned_post(
        Bucket=bucket,
        Key=object_key(storage, pending.key),
        Fields=dict(UPLOAD_FIELDS),
        Conditions=[
            *({field: value} for field, value in UPLOAD_FIELDS.items()),
            ["content-length-range", 1, settings.MAX_UPLOAD_BYTES],
        ],
        ExpiresIn=int(UPLOAD_URL_TTL.total_seconds()),
    )
    return pending, post


def _head_size(client, bucket: str, key: str) -> int | None:
    try:
        return client.head_object(Bucket=bucket, Key=key)["ContentLength"]
    except ClientError as err:
        if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return None
        raise


def _too_large(size: int) -> ObjectTooLarge:
    return ObjectTooLarge(
        f"The uploaded file has {size} bytes; the limit is {settings.MAX_UPLOAD_BYTES} bytes. "
        "It has been deleted."
    )


def _discard(pending: PendingUpload, *names: str) -> None:
    """Forget an upload that failed its checks: its objects go now (or, failing that, later)."""
    with transaction.atomic():
        PendingUpload.objects.filter(pk=pending.pk).delete()
        for name in names:
            ObjectRemoval.schedule(name)


def _measure(client, bucket: str, key: str) -> tuple[int, str, bytes]:
    """Stream the object: its real size, SHA-256 and first bytes; stops once over the limit."""
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    size, digest, head = 0, hashlib.sha256(), b""
    try:
        for chunk in body.iter_chunks(CHUNK):
            size += len(chunk)
            if size > settings.MAX_UPLOAD_BYTES:
                break
            digest.update(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
    finally:
        body.close()
    return size, digest.hexdigest(), head


def finalize(pending: PendingUpload, sha256: str = "") -> StoredFile:
    """Check the uploaded object and turn it into the owner's StoredFile (see the module doc).

    S3 unreachable or refusing is StorageUnavailable (503): no row, and the upload stays
    pending, so the same finalize can be tried again once S3 answers.
    """
    try:
        return _finalize(pending, sha256)
    except (BotoCoreError, ClientError) as exc:
        log.warning("Could not finalize upload %s: %s", pending.pk, exc)
        raise StorageUnavailable(
            "The upload could not be checked: storage is unavailable right now. "
            "Nothing was saved; finalize again later."
        ) from exc


def _finalize(pending: PendingUpload, sha256: str) -> StoredFile:
    storage, client, bucket = _client_and_bucket()
    incoming = object_key(storage, pending.key)
    size = _head_size(client, bucket, incoming)
    if size is None:
        raise ObjectMissing(
            "Nothing has been uploaded for this upload yet: POST the file to the upload URL "
            "with its fields first, then finalize."
        )
    if size > settings.MAX_UPLOAD_BYTES:
        _discard(pending, pending.key)
        raise _too_large(size)
    if size == 0:
        _discard(pending, pending.key)
        raise DirectUploadError("The uploaded file is empty. It has been deleted.")

    final_name = f"u/{pending.owner_id}/{secrets.token_hex(16)}"
    final = object_key(storage, final_name)
    client.copy_object(
        Bucket=bucket,
        Key=final,
        CopySource={"Bucket": bucket, "Key": incoming},
        MetadataDirective="REPLACE",
        ContentType="application/octet-stream",
        ContentDisposition=content_disposition(pending.name),
        ServerSideEncryption="AES256",
    )
    try:
        return _check_and_record(pending, sha256, client, bucket, final, final_name)
    except (DirectUploadError, QuotaExceeded):
        raise  # its objects are already scheduled for removal
    except BaseException:
        # The copy must not outlive a failed finalize: removed now, or by the worker once S3
        # answers again; straight away if the database cannot even record that.
        try:
            ObjectRemoval.schedule(final_name)
        except DatabaseError:
            storage.delete(final_name)
        raise


def _check_and_record(pending, sha256, client, bucket, final, final_name) -> StoredFile:
    size, digest, head = _measure(client, bucket, final)
    if size > settings.MAX_UPLOAD_BYTES:
        _discard(pending, pending.key, final_name)
        raise _too_large(size)
    if sha256 and sha256.lower() != digest:
        _discard(pending, pending.key, final_name)
        raise ChecksumMismatch(
            f"The uploaded file's SHA-256 is {digest}, not {sha256}: it was changed or cut on "
            "the way. It has been deleted; upload it again."
        )
    kind = magic.from_buffer(head, mime=True)
    try:
        return _record(pending, final_name, size, digest, kind)
    except QuotaExceeded:
        _discard(pending, pending.key, final_name)  # over quota: the upload goes entirely
        raise


def _record(pending, final_name, size, digest, kind) -> StoredFile:
    with transaction.atomic():
        check_quota(pending.owner, size)
        if not PendingUpload.objects.filter(pk=pending.pk).delete()[0]:
            raise PendingUpload.DoesNotExist("finalized or swept meanwhile")
        row = StoredFile.objects.create(
            owner_id=pending.owner_id,
            file=final_name,
            name=pending.name,
            description=pending.description,
            size=size,
            sha256=digest,
            content_type="application/octet-stream" if kind in ACTIVE_TYPES else kind,
        )
        ObjectRemoval.schedule(pending.key)
    return row


def sweep_pending(grace: timedelta = SWEEP_GRACE) -> int:
    """Remove uploads whose URL expired more than `grace` ago without a finalize."""
    swept = 0
    for pending in PendingUpload.objects.expired(grace)[:500]:
        _discard(pending, pending.key)
        swept += 1
    if swept:
        log.info("Swept %d direct uploads never finalized", swept)
    return swept
