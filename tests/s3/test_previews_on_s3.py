"""Previews on S3 (moto over HTTP): thumbnails are objects beside the file in the bucket, sent
through short-lived signed URLs like downloads, and leave the bucket with their content."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.urls import reverse
from PIL import Image

from locker import storage
from locker.maintenance import finish_object_removals
from locker.models import StoredFile, TrashedFile
from locker.reconcile import reconcile
from previews.models import Preview
from previews.work import make_due
from skylocker.s3_origin import presigned_get_origin
from skylocker.settings import s3_client_config
from tests.conftest import upload_file
from tests.pictures import jpeg_with_exif, pdf


def work():
    """The worker's round for previews (tests/test_previews.py runs the command itself)."""
    make_due()
    finish_object_removals()


def test_the_worker_makes_thumbnails_in_the_bucket_beside_the_file(
    alice, s3, bucket, stored_objects
):
    row = StoredFile.create_from_upload(alice, upload_file("photo.jpg", jpeg_with_exif()), "")

    work()

    job = Preview.objects.get(source=row.file.name)
    assert job.state == "ready"
    assert stored_objects() == sorted([row.file.name, job.small, job.large])
    head = s3.head_object(Bucket=bucket, Key=job.large)
    assert head["ContentType"] == "image/webp"
    assert head["ServerSideEncryption"] == "AES256"
    body = s3.get_object(Bucket=bucket, Key=job.large)["Body"].read()
    assert b"SecretCam" not in body
    assert Image.open(io.BytesIO(body)).size == (200, 400)


def test_a_direct_upload_gets_its_thumbnail_too(alice, s3, bucket):
    name = storage.new_name(alice.pk)
    s3.put_object(Bucket=bucket, Key=name, Body=pdf())
    row = StoredFile.create_from_object(alice.pk, name, storage.measure_object(name), "r.pdf")

    work()

    assert Preview.objects.get(source=row.file.name).state == "ready"


def test_a_thumbnail_is_a_redirect_to_a_signed_url_only_for_those_who_may_see_it(
    alice, bob, client, moto_url
):
    row = StoredFile.create_from_upload(alice, upload_file("photo.jpg", jpeg_with_exif()), "")
    work()
    job = Preview.objects.get(source=row.file.name)
    url = reverse("thumbnail", args=[row.pk, job.pk, "small"])

    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)

    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    signed = response["Location"]
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=" in signed
    # The page's img-src names this origin (settings.S3_DOWNLOAD_ORIGIN is built this way).
    origin = presigned_get_origin(bucket_of(signed), "us-east-1", moto_url,
                                  s3_client_config(endpoint_url=moto_url))
    assert signed.startswith(origin + "/")
    fetched = httpx.get(signed)
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(fetched.content)).format == "WEBP"


def bucket_of(url: str) -> str:
    return urlsplit(url).path.split("/")[1]  # path-style on a custom endpoint


def test_replace_and_purge_take_the_thumbnails_out_of_the_bucket(alice, stored_objects):
    row = StoredFile.create_from_upload(alice, upload_file("photo.jpg", jpeg_with_exif()), "")
    work()
    first = row.file.name
    row.replace(upload_file("report.pdf", pdf()), actor=alice)
    work()
    job = Preview.objects.get(source=row.file.name)
    assert stored_objects() == sorted([first, row.file.name, job.small, job.large])

    row.delete_by(alice)
    TrashedFile.objects.get(pk=row.pk).purge(alice)
    work()

    assert stored_objects() == []
    assert Preview.objects.count() == 0


def test_reconcile_on_s3_calls_no_thumbnail_an_orphan(alice, stored_objects):
    StoredFile.create_from_upload(alice, upload_file("photo.jpg", jpeg_with_exif()), "")
    work()
    assert len(stored_objects()) == 3

    report = reconcile(fix=True, grace=timedelta(0))

    assert report.problems == 0 and report.orphans == [] and report.previews_missing == 0
    assert len(stored_objects()) == 3

