"""The core's storage-facing behaviours with S3 storage: upload, list, replace, delete, download."""

import hashlib
from io import StringIO

import httpx
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from locker.models import DeletionAlert, FileVersion, ObjectRemoval, StoredFile, TrashedFile
from tests.conftest import client_for, upload_file


def test_an_upload_through_the_page_becomes_one_private_encrypted_attachment_object(
    alice_client, alice, s3, bucket, stored_objects
):
    response = alice_client.post(
        reverse("upload"),
        {"file": upload_file("Report 2026.txt", b"quarterly numbers\n"), "description": "q3"},
    )

    assert response.status_code == 302
    stored = StoredFile.objects.get(owner=alice)
    assert stored_objects() == [stored.file.name]
    head = s3.head_object(Bucket=bucket, Key=stored.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentDisposition"] == (
        "attachment; filename=\"Report 2026.txt\"; filename*=UTF-8''Report%202026.txt"
    )
    assert head["ContentLength"] == len(b"quarterly numbers\n") == stored.size
    body = s3.get_object(Bucket=bucket, Key=stored.file.name)["Body"].read()
    assert body == b"quarterly numbers\n"


def test_an_html_upload_is_stored_as_opaque_bytes(alice, s3, bucket):
    stored = StoredFile.create_from_upload(
        alice, upload_file("page.html", b"<html><script>alert(1)</script></html>", "text/html")
    )

    head = s3.head_object(Bucket=bucket, Key=stored.file.name)
    assert head["ContentType"] == "application/octet-stream"
    assert head["ContentDisposition"].startswith("attachment;")


def test_the_list_shows_the_owners_files_only(alice_client, alice_file, bob_file):
    response = alice_client.get(reverse("files"))

    assert response.status_code == 200
    assert b"alice.txt" in response.content
    assert b"bob.txt" not in response.content


def test_a_download_redirects_to_a_presigned_url_that_serves_the_same_bytes_as_attachment(
    alice_client, alice_file, settings
):
    response = alice_client.get(reverse("download", args=[alice_file.pk]))

    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    url = response["Location"]
    assert f"X-Amz-Expires={settings.DOWNLOAD_URL_TTL}" in url
    fetched = httpx.get(url)
    assert fetched.status_code == 200
    assert fetched.content == b"alice's secret\n"
    assert fetched.headers["content-disposition"] == (
        "attachment; filename=\"alice.txt\"; filename*=UTF-8''alice.txt"
    )


def test_another_users_download_is_404_with_no_url(client, bob, alice_file):
    response = client_for(client, bob).get(reverse("download", args=[alice_file.pk]))

    assert response.status_code == 404
    assert "Location" not in response


def test_the_api_content_endpoint_redirects_too_and_sends_no_bytes(client, alice, alice_file):
    response = client_for(client, alice).get(f"/api/v1/files/{alice_file.pk}/content")

    assert response.status_code == 302
    assert response.content == b""
    assert httpx.get(response["Location"]).content == b"alice's secret\n"


def test_a_file_reconcile_found_without_content_answers_503_not_a_dead_url(
    client, alice, alice_file, s3, bucket
):
    s3.delete_object(Bucket=bucket, Key=alice_file.file.name)  # removed behind the app's back
    with pytest.raises(SystemExit):  # exit status 1: it found a problem
        call_command("reconcile", "--fix", stdout=StringIO())
    alice_file.refresh_from_db()
    assert alice_file.object_missing_at is not None

    page = client_for(client, alice).get(reverse("download", args=[alice_file.pk]))
    api = client_for(Client(), alice).get(f"/api/v1/files/{alice_file.pk}/content")

    assert page.status_code == api.status_code == 503
    assert "Location" not in page and "Location" not in api
    assert b"missing from storage" in page.content
    assert "missing from storage" in api.json()["detail"]
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()  # kept for an administrator


def test_a_replace_writes_a_new_object_and_keeps_the_old_one_as_a_version(
    alice_client, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    old_name = alice_file.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("replace", args=[alice_file.pk]), {"file": upload_file("v2.txt", b"second")}
        )

    assert response.status_code == 302
    alice_file.refresh_from_db()
    assert alice_file.file.name != old_name
    assert sorted(stored_objects()) == sorted([alice_file.file.name, old_name])
    assert alice_file.file.read() == b"second"
    assert FileVersion.objects.get().file.read() == b"alice's secret\n"
    assert not ObjectRemoval.objects.exists()


def test_a_delete_trashes_and_a_permanent_delete_removes_the_object(
    alice_client, alice_file, bob_file, stored_objects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("delete", args=[alice_file.pk]))

    assert response.status_code == 302
    assert not StoredFile.objects.filter(pk=alice_file.pk).exists()
    assert sorted(stored_objects()) == sorted([alice_file.file.name, bob_file.file.name])
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("trash-delete", args=[alice_file.pk]))
    assert stored_objects() == [bob_file.file.name]
    assert list(DeletionAlert.objects.values_list("file_name", "kind")) == [
        ("alice.txt", "removed"), ("alice.txt", "trashed")
    ]
    assert not ObjectRemoval.objects.exists()


def test_an_admin_delete_of_someone_elses_file_leaves_no_orphan(
    client, admin, bob_file, stored_objects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, admin).post(reverse("delete", args=[bob_file.pk]))

    assert response.status_code == 302
    assert not StoredFile.objects.exists()
    assert stored_objects() == [bob_file.file.name]  # in bob's trash
    alert = DeletionAlert.objects.get()
    assert (alert.actor_username, alert.owner_username) == ("admin", "bob")
    with django_capture_on_commit_callbacks(execute=True):
        TrashedFile.objects.get().purge()
    assert stored_objects() == []


def test_an_api_upload_and_delete_work_the_same_on_s3(
    client, alice, stored_objects, django_capture_on_commit_callbacks
):
    api = client_for(client, alice)

    created = api.post("/api/v1/files", {"file": upload_file("api.txt", b"via api")})
    assert created.status_code == 201
    stored = StoredFile.objects.get(pk=created.json()["id"])
    assert stored_objects() == [stored.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.delete(f"/api/v1/files/{stored.pk}")
    assert deleted.status_code == 204
    assert stored_objects() == [stored.file.name]
    assert not StoredFile.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/v1/trash/{stored.pk}").status_code == 204
    assert stored_objects() == []


def test_a_large_upload_goes_to_s3_in_parts_and_keeps_every_byte(
    alice, s3, bucket, settings, stored_objects
):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    content = bytes(range(256)) * (9 * 1024 * 1024 // 256)  # over boto3's 8 MiB part threshold
    api = client_for(Client(), alice)

    response = api.post("/api/v1/files", {"file": upload_file("big.bin", content, "")})

    assert response.status_code == 201
    stored = StoredFile.objects.get(pk=response.json()["id"])
    assert stored_objects() == [stored.file.name]
    head = s3.head_object(Bucket=bucket, Key=stored.file.name)
    assert head["ETag"].strip('"').endswith("-2")  # a multipart upload's ETag counts its parts
    assert head["ContentLength"] == len(content) == stored.size
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert httpx.get(api.get(f"/api/v1/files/{stored.pk}/content")["Location"]).content == content


def test_readyz_answers_503_when_the_bucket_is_gone(client, db, s3, bucket):
    s3.delete_bucket(Bucket=bucket)

    response = client.get("/readyz", HTTP_HOST="10.0.12.34")

    assert response.status_code == 503
    assert response.json()["storage"] == "error: ClientError"
