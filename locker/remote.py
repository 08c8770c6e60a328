"""Signed download URLs for remote storage. Local storage has none: the app streams the bytes."""

from django.conf import settings


def signed_download_url(stored) -> str | None:
    if not settings.S3_BUCKET:
        return None
    raise NotImplementedError("S3 downloads arrive with the production storage work")
