"""Every test here runs with S3 storage on a real HTTP endpoint: a session-wide moto server."""

from pathlib import Path

import pytest
from botocore.config import Config

from tests.moto import aws_client, moto_url, unique  # noqa: F401 - moto_url is a fixture

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark every test in this folder `s3` (`-m s3` runs them alone, `-m "not s3"` skips them)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.s3)


@pytest.fixture
def s3(moto_url):  # noqa: F811
    return aws_client("s3", moto_url)


@pytest.fixture
def bucket(s3):
    name = unique("skylocker-test")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(autouse=True)
def s3_storage(data_dir, settings, moto_url, bucket):  # noqa: F811
    """STORAGES["default"] as production configures it, on this test's own bucket."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "locker.remote.SkylockerS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "region_name": "us-east-1",
                "endpoint_url": moto_url,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": settings.DOWNLOAD_URL_TTL,
                "file_overwrite": False,
                "object_parameters": {"ServerSideEncryption": "AES256"},
                "client_config": Config(signature_version="s3v4", s3={"addressing_style": "path"}),
            },
        },
    }
    settings.CLOUDFRONT_DOMAIN = settings.CLOUDFRONT_KEY_ID = settings.CLOUDFRONT_PRIVATE_KEY = ""
    return bucket


@pytest.fixture
def stored_objects(s3, bucket):
    """Every object key in the test's bucket (the S3 variant of the local-folder listing)."""

    def list_objects() -> list[str]:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    return list_objects
