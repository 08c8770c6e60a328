"""The origin of the bucket's upload URL: the Upload page's CSP must let the browser reach it."""

from functools import cache
from typing import Any
from urllib.parse import urlsplit


def presigned_post_origin(
    bucket: str, region: str, endpoint_url: str, config: Any
) -> str:
    """scheme://host[:port] of the URL boto3's generate_presigned_post hands out for `bucket`.

    Asked of boto3 itself, with the storage's region, endpoint and client config, so path style
    on a custom endpoint, the virtual host on AWS, dotted bucket names and Transfer Acceleration
    come out exactly as the upload tickets will name them. Presigning is local: the throwaway
    credentials are never sent anywhere, and nothing is looked up on the network.
    """
    from botocore.exceptions import BotoCoreError

    client = _origin_client(region, endpoint_url, config)
    try:
        url = urlsplit(client.generate_presigned_post(bucket, "origin")["url"])
    except BotoCoreError:
        # A combination boto3 refuses (say AWS_ENDPOINT_URL_S3 with acceleration) cannot issue
        # upload tickets either: the page gets no extra origin and stays on 'self'.
        return ""
    return f"{url.scheme}://{url.netloc}"


def presigned_get_origin(bucket: str, region: str, endpoint_url: str, config: Any) -> str:
    """scheme://host[:port] of the presigned GETs (downloads, thumbnails) for `bucket`, asked of
    boto3 as presigned_post_origin asks, with the server's own client config."""
    client = _origin_client(region, endpoint_url, config)
    url = urlsplit(client.generate_presigned_url("get_object", {"Bucket": bucket, "Key": "o"}))
    return f"{url.scheme}://{url.netloc}"


def _origin_client(region: str, endpoint_url: str, config: Any) -> Any:
    """An S3 client that only presigns, to read the URLs' origin: its throwaway credentials
    are never sent anywhere, and nothing is looked up on the network."""
    import boto3

    return boto3.session.Session().client(
        "s3",
        region_name=region,
        endpoint_url=endpoint_url or None,
        config=config,
        aws_access_key_id="origin-only",
        aws_secret_access_key="origin-only",  # noqa: S106 - signs nothing that is sent
    )


def upload_client(server_client: Any) -> Any:
    """The S3 client that signs the browsers' direct uploads (presigned POSTs).

    With SKYLOCKER_S3_ACCELERATE=1, a client of its own on the Transfer Acceleration endpoint:
    acceleration speeds up far-away browsers, while the servers' own calls (the storage's
    client) stay on the regional endpoint. Otherwise the storage's client itself.
    """
    from django.conf import settings

    if not settings.S3_ACCELERATE:
        return server_client
    return _accelerated_client(settings.AWS_REGION)


@cache
def _accelerated_client(region: str) -> Any:
    import boto3
    from django.conf import settings

    return boto3.session.Session().client(
        "s3", region_name=region, config=settings.S3_UPLOAD_CONFIG
    )
