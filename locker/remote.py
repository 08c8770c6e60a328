"""Skylocker on S3: the storage class and the short-lived download URLs it hands out.

Local storage has no URLs (the app streams the bytes itself). On S3 the app sends zero
file bytes: a download is a redirect to a CloudFront signed URL when CloudFront is
configured, else to an S3 presigned GET.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from storages.backends.s3 import S3Storage

from locker.storage import content_disposition, object_key, s3, served_type, sniff
from locker.uploads import clean_filename


class SkylockerS3Storage(S3Storage):
    """S3Storage that stores every object as an attachment named after the original file.

    Whoever fetches the object (CloudFront, a presigned URL, the console) gets a download,
    never a page rendered from the bucket's origin. Active types are stored as opaque bytes.
    """

    def _get_write_parameters(self, name: str, content: Any = None) -> dict[str, Any]:
        params: dict[str, Any] = super()._get_write_parameters(name, content)
        original = getattr(content, "name", None)
        if original:
            params["ContentDisposition"] = content_disposition(clean_filename(original))
        if content is not None and hasattr(content, "seek"):
            params["ContentType"] = served_type(sniff(content) or params["ContentType"])
        return params


@cache
def _rsa_signer(pem: str) -> Callable[[bytes], bytes]:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("CloudFront signs with an RSA key")

    def sign(message: bytes) -> bytes:
        # CloudFront signed URLs are RSA-SHA1 over the policy (their rule, not our choice).
        return key.sign(message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303  # nosec B303

    return sign


def cloudfront_url(key: str, ttl: int) -> str:
    signer = CloudFrontSigner(
        settings.CLOUDFRONT_KEY_ID, _rsa_signer(settings.CLOUDFRONT_PRIVATE_KEY)
    )
    url = f"https://{settings.CLOUDFRONT_DOMAIN}/{quote(key)}"
    return signer.generate_presigned_url(
        url, date_less_than=datetime.now(UTC) + timedelta(seconds=ttl)
    )


def cloudfront_configured() -> bool:
    return bool(
        settings.CLOUDFRONT_DOMAIN
        and settings.CLOUDFRONT_KEY_ID
        and settings.CLOUDFRONT_PRIVATE_KEY
    )


def signed_download_url(stored: Any) -> str | None:
    """A URL that serves this file's bytes as an attachment for DOWNLOAD_URL_TTL seconds."""
    return signed_url(stored.file.name, stored.name, stored.content_type)


def signed_url(object_name: str, download_name: str, content_type: str) -> str | None:
    """A URL that serves one object's bytes as an attachment named `download_name` for
    DOWNLOAD_URL_TTL seconds (a file, a version, a preview image); None off S3."""
    storage = s3()
    if storage is None:
        return None
    ttl = settings.DOWNLOAD_URL_TTL
    key = object_key(storage, object_name)
    if cloudfront_configured():
        return cloudfront_url(key, ttl)
    return storage.connection.meta.client.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": storage.bucket_name,
            "Key": key,
            "ResponseContentDisposition": content_disposition(download_name),
            "ResponseContentType": served_type(content_type),
        },
        ExpiresIn=ttl,
    )
