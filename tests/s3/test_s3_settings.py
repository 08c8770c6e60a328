"""The S3 variables configure Skylocker at start-up (each case is a fresh interpreter)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_STORAGE = (
    "import django; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import storages; import json; s = storages['default']; "
    "print(json.dumps({'class': type(s).__name__, 'bucket': s.bucket_name, "
    "'endpoint': s.endpoint_url, 's3': s.client_config.s3, "
    "'overwrite': s.file_overwrite, 'params': s.object_parameters, 'acl': s.default_acl, "
    "'expire': s.querystring_expire}))"
)


def start(tmp_path, code=PRINT_STORAGE, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skylocker.settings",
        "SKYLOCKER_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bucket_makes_s3_the_private_encrypted_no_overwrite_default_storage(tmp_path):
    result = start(
        tmp_path,
        SKYLOCKER_S3_BUCKET="skylocker-files",
        SKYLOCKER_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        SKYLOCKER_DOWNLOAD_URL_TTL="120",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "class": "SkylockerS3Storage",
        "bucket": "skylocker-files",
        "endpoint": "http://127.0.0.1:9000",
        "s3": {"addressing_style": "path", "use_accelerate_endpoint": False},
        "overwrite": False,
        "params": {"ServerSideEncryption": "AES256"},
        "acl": None,
        "expire": 120,
    }


def test_acceleration_with_a_custom_endpoint_refuses_to_start(tmp_path):
    result = start(
        tmp_path,
        SKYLOCKER_S3_BUCKET="skylocker-files",
        SKYLOCKER_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        SKYLOCKER_S3_ACCELERATE="1",
    )

    assert result.returncode != 0
    assert "SKYLOCKER_S3_ACCELERATE=1 cannot be combined with SKYLOCKER_S3_ENDPOINT_URL" in (
        result.stderr
    )
    assert result.stdout == ""


ENDPOINTS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import storages; "
    "from skylocker.s3_origin import upload_client; "
    "server = storages['default'].connection.meta.client; "
    "print(json.dumps({'server': server.generate_presigned_url('get_object', "
    "Params={'Bucket': 'skylocker-files', 'Key': 'u/1/x'}).split('?')[0], "
    "'upload': upload_client(server).generate_presigned_post('skylocker-files', 'incoming/1/x')"
    "['url'], 'csp': settings.S3_UPLOAD_ORIGIN}))"
)


def test_acceleration_is_for_browser_uploads_only_the_servers_use_the_regional_endpoint(
    tmp_path,
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skylocker.settings",
        "SKYLOCKER_DATA_DIR": str(tmp_path),
        "SKYLOCKER_S3_BUCKET": "skylocker-files",
        "SKYLOCKER_S3_ACCELERATE": "1",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    env.pop("AWS_ENDPOINT_URL_S3", None)
    env.pop("AWS_ENDPOINT_URL", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", ENDPOINTS], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "server": "https://skylocker-files.s3.amazonaws.com/u/1/x",
        "upload": "https://skylocker-files.s3-accelerate.amazonaws.com/",
        "csp": "https://skylocker-files.s3-accelerate.amazonaws.com",
    }


def test_acceleration_alone_is_accepted_and_leaves_the_storage_on_the_regional_endpoint(
    tmp_path,
):
    result = start(tmp_path, SKYLOCKER_S3_BUCKET="skylocker-files", SKYLOCKER_S3_ACCELERATE="1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["s3"] == {
        "addressing_style": "auto",
        "use_accelerate_endpoint": False,
    }


CONFIGURED_BY_ENV = """
import django, httpx
django.setup()
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from locker.models import StoredFile
from locker.remote import signed_download_url
user = User.objects.create_user("carol")
stored = StoredFile.create_from_upload(user, SimpleUploadedFile("carol.txt", b"from env"))
response = httpx.get(signed_download_url(stored))
print(stored.file.name, response.status_code, response.content.decode(),
      response.headers["content-disposition"].split(";")[0], sep="|")
"""


def test_the_variables_alone_give_s3_storage_and_presigned_downloads(
    tmp_path, moto_url, s3, bucket
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skylocker.settings",
        "SKYLOCKER_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SKYLOCKER_S3_BUCKET": bucket,
        "SKYLOCKER_S3_ENDPOINT_URL": moto_url,
    }
    migrate = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CONFIGURED_BY_ENV],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    name, status, body, disposition = result.stdout.strip().split("|")
    assert (status, body, disposition) == ("200", "from env", "attachment")
    keys = [obj["Key"] for obj in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [name]
    assert name.startswith("u/")


IMG_SRC = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][2:]))"
)


def img_src_with(tmp_path, **env) -> list[str]:
    """What img-src allows besides 'self' and data: (thumbnails on S3 are signed URLs)."""
    result = start(
        tmp_path, code=IMG_SRC, SKYLOCKER_S3_BUCKET="skylocker-files", AWS_REGION="eu-west-1",
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_pages_may_show_images_from_where_signed_urls_point_and_nowhere_else(
    tmp_path, monkeypatch
):
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):  # AWS itself, not the test server
        monkeypatch.delenv(name, raising=False)
    # Acceleration is for the browsers' uploads: the signed GETs stay on the regional endpoint.
    assert img_src_with(tmp_path, SKYLOCKER_S3_ACCELERATE="1") == [
        "https://skylocker-files.s3.amazonaws.com"
    ]
    assert img_src_with(
        tmp_path,
        SKYLOCKER_CLOUDFRONT_DOMAIN="files.example.org",
        SKYLOCKER_CLOUDFRONT_KEY_ID="K2JCJMDEHXQW5F",
        SKYLOCKER_CLOUDFRONT_PRIVATE_KEY="a key (only its presence is read here)",
    ) == ["https://files.example.org"]
    # A domain without its key signs nothing: the URLs stay S3's, and so does img-src.
    assert img_src_with(tmp_path, SKYLOCKER_CLOUDFRONT_DOMAIN="files.example.org") == [
        "https://skylocker-files.s3.amazonaws.com"
    ]
