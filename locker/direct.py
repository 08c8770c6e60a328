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

import logging
from datetime import timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from storages.backends.s3 import S3Storage

from audit.log import Door
from locker import storage
from locker.errors import (
    ChecksumMismatch,
    DirectUploadError,
    DirectUploadsUnavailable,
    EmptyUpload,
    ObjectNotUploaded,
    QuotaExceeded,
    StorageUnavailable,
    UploadTooLarge,
)
from locker.models import ObjectRemoval, PendingUpload, StoredFile, check_quota
from locker.uploads import clean_filename
from skylocker.s3_origin import upload_client

log = logging.getLogger(__name__)

UPLOAD_URL_TTL = timedelta(minutes=15)
# How long after its URL expired an upload may still be finalized before the sweep takes it.
# URL life + grace + one sweep interval stays under reconcile's one-hour orphan grace, so
# reconcile never deletes the object of an upload that may still be finalized.
SWEEP_GRACE = timedelta(minutes=30)
# The object as the client must send it: encrypted, opaque bytes.
UPLOAD_FIELDS = {
    "x-amz-server-side-encryption": "AES256",
    "Content-Type": storage.OPAQUE,
}


def _s3() -> S3Storage:
    s3 = storage.s3()
    if s3 is None:
        raise DirectUploadsUnavailable()
    return s3


def available() -> bool:
    return storage.s3() is not None


def start(owner: Any, name: str, description: str = "") -> tuple[PendingUpload, dict[str, Any]]:
    """Allow one upload of at most MAX_UPLOAD_BYTES to a key chosen here, for UPLOAD_URL_TTL.

    Raises DirectUploadsUnavailable on local storage.
    """
    s3 = _s3()
    pending = PendingUpload.objects.create(
        owner=owner,
        key=storage.incoming_name(owner.pk),
        name=clean_filename(name),
        description=description,
        expires_at=timezone.now() + UPLOAD_URL_TTL,
    )
    post: dict[str, Any] = upload_client(s3.connection.meta.client).generate_presigned_post(
        Bucket=s3.bucket_name,
        Key=storage.object_key(s3, pending.key),
        Fields=dict(UPLOAD_FIELDS),
        Conditions=[
            *({field: value} for field, value in UPLOAD_FIELDS.items()),
            ["content-length-range", 1, settings.MAX_UPLOAD_BYTES],
        ],
        ExpiresIn=int(UPLOAD_URL_TTL.total_seconds()),
    )
    return pending, post


def _head_size(s3: S3Storage, name: str) -> int | None:
    try:
        head = s3.connection.meta.client.head_object(
            Bucket=s3.bucket_name, Key=storage.object_key(s3, name)
        )
    except ClientError as err:
        if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return None
        raise
    return int(head["ContentLength"])


def _discard(pending: PendingUpload, *names: str) -> None:
    """Forget an upload that failed its checks: its objects go now (or, failing that, later)."""
    with transaction.atomic():
        PendingUpload.objects.filter(pk=pending.pk).delete()
        for name in names:
            ObjectRemoval.schedule(name)


def finalize(
    pending: PendingUpload, sha256: str = "", *, door: str = Door.API, address: str | None = None
) -> StoredFile:
    """Check the uploaded object and turn it into the owner's StoredFile (see the module doc).

    S3 unreachable or refusing is StorageUnavailable: no row, and the upload stays pending, so
    the same finalize can be tried again once S3 answers. The checks raise the DirectUploadError
    that says what was wrong; PendingUpload.DoesNotExist when it was finalized or swept meanwhile.
    """
    try:
        return _finalize(pending, sha256, {"door": door, "address": address})
    except (BotoCoreError, ClientError) as exc:
        log.warning("Could not finalize upload %s: %s", pending.pk, exc)
        raise StorageUnavailable(
            "The upload could not be checked: storage is unavailable right now. "
            "Nothing was saved; finalize again later."
        ) from exc


def _finalize(pending: PendingUpload, sha256: str, origin: dict[str, Any]) -> StoredFile:
    s3 = _s3()
    size = _head_size(s3, pending.key)
    if size is None:
        raise ObjectNotUploaded()
    if size > settings.MAX_UPLOAD_BYTES:
        _discard(pending, pending.key)
        raise UploadTooLarge(size)
    if size == 0:
        _discard(pending, pending.key)
        raise EmptyUpload()

    final_name = storage.new_name(pending.owner_id)
    storage.copy_from_incoming(pending.key, final_name, pending.name)
    try:
        return _check_and_record(pending, sha256, final_name, origin)
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


def _check_and_record(
    pending: PendingUpload, sha256: str, final_name: str, origin: dict[str, Any]
) -> StoredFile:
    measured = storage.measure_object(final_name)
    if measured.over_limit:
        _discard(pending, pending.key, final_name)
        raise UploadTooLarge(measured.size)
    if sha256 and sha256.lower() != measured.sha256:
        _discard(pending, pending.key, final_name)
        raise ChecksumMismatch(expected=sha256, actual=measured.sha256)
    try:
        return _record(pending, final_name, measured, origin)
    except QuotaExceeded:
        _discard(pending, pending.key, final_name)  # over quota: the upload goes entirely
        raise


def _record(
    pending: PendingUpload, final_name: str, measured: storage.Measurement, origin: dict[str, Any]
) -> StoredFile:
    with transaction.atomic():
        check_quota(pending.owner, measured.size)
        if not PendingUpload.objects.filter(pk=pending.pk).delete()[0]:
            raise PendingUpload.DoesNotExist("finalized or swept meanwhile")
        row = StoredFile.create_from_object(
            pending.owner_id, final_name, measured, pending.name, pending.description, **origin
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
