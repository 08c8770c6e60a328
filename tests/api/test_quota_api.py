"""Quotas through the API: 413 naming quota and usage, nothing kept; /me tells both."""

from locker.models import FileVersion, Quota, StoredFile
from tests.conftest import upload_file

ALICE = len(b"alice's secret\n")


def test_me_tells_the_quota_and_the_usage(alice_api, alice, alice_file, settings):
    body = alice_api.get("/api/v1/me").json()
    assert (body["quota_bytes"], body["used_bytes"]) == (settings.DEFAULT_QUOTA_BYTES, ALICE)


def test_an_upload_over_quota_answers_413_naming_quota_and_usage(
    alice_api, alice, alice_file, stored_objects
):
    Quota.objects.create(user=alice, quota_bytes=ALICE + 4)
    response = alice_api.post(
        "/api/v1/files", {"file": upload_file("big.txt", b"12345")}, format="multipart"
    )
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "quota" in detail and f"({ALICE + 4} bytes)" in detail and f"({ALICE} bytes)" in detail
    assert StoredFile.objects.count() == 1
    assert stored_objects() == [alice_file.file.name]


def test_a_replace_over_quota_answers_413_and_keeps_the_file(
    alice_api, alice, alice_file, stored_objects
):
    Quota.objects.create(user=alice, quota_bytes=ALICE + 4)
    response = alice_api.patch(
        f"/api/v1/files/{alice_file.pk}",
        {"file": upload_file("v2.txt", b"12345")},
        format="multipart",
    )
    assert response.status_code == 413
    assert "quota" in response.json()["detail"]
    alice_file.refresh_from_db()
    assert alice_file.name == "alice.txt" and not FileVersion.objects.exists()
    assert stored_objects() == [alice_file.file.name]
