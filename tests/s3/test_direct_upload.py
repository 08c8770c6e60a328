"""Direct uploads: presigned POST to S3, then finalize checks the object before any row exists.

moto stores presigned POST uploads without enforcing the policy, which is exactly the case the
finalize step must survive: several tests below send what AWS would have refused.
"""

import base64
import hashlib
import json
from datetime import timedelta

import httpx
import pytest
from django.core.files.storage import storages
from django.utils import timezone

from locker import direct, maintenance
from locker.models import ObjectRemoval, PendingUpload, StoredFile
from tests.conftest import client_for

CONTENT = b"%PDF-1.7 quarterly report\n" + b"x" * 1000


@pytest.fixture
def api(client, alice):
    return client_for(client, alice)


def start(api, name="Q3 report.pdf", description="numbers"):
    response = api.post(
        "/api/v1/uploads",
        {"name": name, "description": description},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def send(ticket, content=CONTENT) -> httpx.Response:
    """What the browser does: the policy's fields, then the file, as multipart to S3."""
    return httpx.post(ticket["url"], data=ticket["fields"], files={"file": ("f", content)})


def finalize(api, ticket, **body):
    return api.post(
        f"/api/v1/uploads/{ticket['id']}/finalize", body, content_type="application/json"
    )


def test_the_upload_policy_fixes_key_encryption_type_and_caps_the_size(
    api, alice, bucket, settings, stored_objects
):
    settings.MAX_UPLOAD_BYTES = 5000
    before = timezone.now()

    ticket = start(api)

    pending = PendingUpload.objects.get(pk=ticket["id"])
    assert pending.owner == alice
    assert (pending.name, pending.description) == ("Q3 report.pdf", "numbers")
    assert pending.key.startswith(f"incoming/{alice.pk}/")
    assert ticket["fields"]["key"] == pending.key
    assert ticket["max_bytes"] == 5000
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"bucket": bucket} in conditions
    assert {"key": pending.key} in conditions
    assert ["content-length-range", 1, 5000] in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    assert {"Content-Type": "application/octet-stream"} in conditions
    assert not any(isinstance(c, list) and c[0] == "starts-with" for c in conditions)
    expiration = timezone.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert before + timedelta(minutes=14) < expiration <= timezone.now() + timedelta(minutes=15)
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_an_uploaded_object_is_checked_and_becomes_the_owners_file(
    api, alice, s3, bucket, stored_objects, django_capture_on_commit_callbacks
):
    ticket = start(api)
    assert send(ticket).status_code == 204

    with django_capture_on_commit_callbacks(execute=True):
        response = finalize(api, ticket, sha256=hashlib.sha256(CONTENT).hexdigest())

    assert response.status_code == 201, response.content
    stored = StoredFile.objects.get(owner=alice)
    body = response.json()
    assert body["id"] == str(stored.pk)
    assert (body["name"], body["description"], body["size"]) == ("Q3 report.pdf", "numbers", 1026)
    assert body["sha256"] == stored.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert stored.content_type == "application/pdf"  # recorded as detected, as any upload is
    assert not PendingUpload.objects.exists()
    # The incoming object is gone; the file lives under its own key the policy cannot reach.
    assert stored_objects() == [stored.file.name]
    assert stored.file.name.startswith(f"u/{alice.pk}/")
    head = s3.head_object(Bucket=bucket, Key=stored.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentDisposition"].startswith('attachment; filename="Q3 report.pdf"')
    assert head["ContentType"] == "application/octet-stream"  # and sent as opaque bytes
    download = api.get(f"/api/v1/files/{stored.pk}/content")
    assert download.status_code == 302
    assert httpx.get(download["Location"]).content == CONTENT


def test_a_finalize_without_a_checksum_computes_it(api, alice):
    ticket = start(api, name="notes.txt")
    send(ticket, b"plain words\n")

    response = finalize(api, ticket)

    assert response.status_code == 201
    stored = StoredFile.objects.get(owner=alice)
    assert stored.sha256 == hashlib.sha256(b"plain words\n").hexdigest()
    assert stored.content_type == "text/plain"
    assert stored.size == 12


def test_an_over_size_object_moto_accepted_is_refused_at_finalize_and_deleted(
    api, settings, stored_objects, django_capture_on_commit_callbacks
):
    settings.MAX_UPLOAD_BYTES = 100
    ticket = start(api)
    assert send(ticket, b"y" * 101).status_code == 204  # AWS would refuse it; moto does not
    assert len(stored_objects()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = finalize(api, ticket)

    assert response.status_code == 413
    assert "101 bytes; the limit is 100 bytes" in response.json()["detail"]
    assert stored_objects() == []
    assert not PendingUpload.objects.exists()
    assert not StoredFile.objects.exists()
    assert not ObjectRemoval.objects.exists()


def test_an_over_size_object_put_behind_the_apps_back_is_refused_and_deleted(
    api, s3, bucket, settings, stored_objects, django_capture_on_commit_callbacks
):
    settings.MAX_UPLOAD_BYTES = 1000
    ticket = start(api)
    s3.put_object(Bucket=bucket, Key=ticket["fields"]["key"], Body=b"z" * 5000)

    with django_capture_on_commit_callbacks(execute=True):
        response = finalize(api, ticket)

    assert response.status_code == 413
    assert stored_objects() == []
    assert not StoredFile.objects.exists()
    assert not PendingUpload.objects.exists()


def test_an_over_size_object_is_refused_on_its_head_alone_and_never_copied(
    api, s3, bucket, settings, stored_objects
):
    settings.MAX_UPLOAD_BYTES = 1000
    ticket = start(api)
    s3.put_object(Bucket=bucket, Key=ticket["fields"]["key"], Body=b"z" * 5000)
    [incoming] = stored_objects()

    response = finalize(api, ticket)  # on-commit removals do not run: what is queued stays

    assert response.status_code == 413
    assert "5000 bytes; the limit is 1000 bytes" in response.json()["detail"]
    assert stored_objects() == [incoming]  # no copy was made to read it
    assert list(ObjectRemoval.objects.values_list("name", flat=True)) == [incoming]


def test_a_finalize_before_the_upload_says_so_and_can_be_retried(api, alice, stored_objects):
    ticket = start(api, name="later.txt")

    response = finalize(api, ticket)

    assert response.status_code == 400
    assert "Nothing has been uploaded" in response.json()["detail"]
    assert PendingUpload.objects.filter(pk=ticket["id"]).exists()
    assert not StoredFile.objects.exists()
    send(ticket, b"now it is here\n")
    assert finalize(api, ticket).status_code == 201
    assert StoredFile.objects.get(owner=alice).name == "later.txt"


def test_a_wrong_checksum_deletes_the_upload(
    api, stored_objects, django_capture_on_commit_callbacks
):
    ticket = start(api)
    send(ticket)

    with django_capture_on_commit_callbacks(execute=True):
        response = finalize(api, ticket, sha256="0" * 64)

    assert response.status_code == 400
    assert hashlib.sha256(CONTENT).hexdigest() in response.json()["detail"]
    assert stored_objects() == []
    assert not StoredFile.objects.exists()
    assert not PendingUpload.objects.exists()


def test_a_second_finalize_is_404_and_keeps_the_one_file(api, alice, stored_objects):
    ticket = start(api)
    send(ticket)
    assert finalize(api, ticket).status_code == 201

    response = finalize(api, ticket)

    assert response.status_code == 404
    assert StoredFile.objects.filter(owner=alice).count() == 1


def test_someone_elses_upload_cannot_be_finalized(client, alice, bob, stored_objects):
    ticket = start(client_for(client, alice))
    send(ticket)

    response = finalize(client_for(client, bob), ticket)

    assert response.status_code == 404
    assert not StoredFile.objects.exists()
    assert PendingUpload.objects.get().owner == alice
    assert len(stored_objects()) == 1


def test_an_anonymous_caller_gets_401_and_no_upload(client, db, stored_objects):
    response = client.post("/api/v1/uploads", {"name": "x.txt"}, content_type="application/json")

    assert response.status_code == 401
    assert not PendingUpload.objects.exists()


def test_a_request_without_a_name_is_refused(api):
    response = api.post("/api/v1/uploads", {}, content_type="application/json")

    assert response.status_code == 400
    assert "name" in response.json()
    assert not PendingUpload.objects.exists()


def test_uploads_never_finalized_are_swept_after_the_grace_period(
    api, stored_objects, django_capture_on_commit_callbacks
):
    old, fresh = start(api, name="old.txt"), start(api, name="fresh.txt")
    send(old)
    send(fresh)
    PendingUpload.objects.filter(pk=old["id"]).update(
        expires_at=timezone.now() - timedelta(hours=2)
    )

    with django_capture_on_commit_callbacks(execute=True):
        maintenance.sweep()

    assert list(PendingUpload.objects.values_list("name", flat=True)) == ["fresh.txt"]
    assert stored_objects() == [fresh["fields"]["key"]]
    assert not ObjectRemoval.objects.exists()


def test_with_local_storage_direct_upload_is_not_offered(api, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    assert not hasattr(storages["default"], "bucket_name")

    response = api.post("/api/v1/uploads", {"name": "a.txt"}, content_type="application/json")

    assert response.status_code == 409
    assert "POST /api/v1/files" in response.json()["detail"]
    assert not PendingUpload.objects.exists()


def test_an_empty_object_is_refused_and_deleted(
    api, s3, bucket, stored_objects, django_capture_on_commit_callbacks
):
    ticket = start(api)
    s3.put_object(Bucket=bucket, Key=ticket["fields"]["key"], Body=b"")

    with django_capture_on_commit_callbacks(execute=True):
        response = finalize(api, ticket)

    assert response.status_code == 400
    assert "empty" in response.json()["detail"]
    assert stored_objects() == []
    assert not PendingUpload.objects.exists()
    assert not StoredFile.objects.exists()


def test_a_finalize_that_loses_the_race_leaves_no_copy_behind(
    api, stored_objects, django_capture_on_commit_callbacks
):
    ticket = start(api)
    send(ticket)
    stale = PendingUpload.objects.get(pk=ticket["id"])
    assert finalize(api, ticket).status_code == 201
    winner = StoredFile.objects.get()

    with (
        pytest.raises(PendingUpload.DoesNotExist),
        django_capture_on_commit_callbacks(execute=True),  # the loser's copy is removed
    ):
        direct.finalize(stale)

    assert StoredFile.objects.get() == winner
    # The incoming object is still there only because this test runs no on-commit removals.
    assert stored_objects() == sorted([winner.file.name, ticket["fields"]["key"]])
    assert ObjectRemoval.objects.get().name == ticket["fields"]["key"]
