"""The S3 endpoint goes away (its server process is stopped) before or during an upload, a
replace or a direct upload's finalize.

Each test gets its own moto server so that stopping it harms no other test. S3 stores an
object whole or not at all, so with the endpoint gone there is no partial object to look for;
what must hold is a clear 503, no row, an unchanged old row, and no upload temp file.
"""

import pytest
from django.urls import reverse

from locker import storage
from locker.models import ObjectRemoval, PendingUpload, StoredFile
from tests.conftest import bearer_client, temp_files, upload_file
from tests.moto import serving_moto
from tests.s3.test_direct_upload import finalize, send, start

pytestmark = [pytest.mark.s3, pytest.mark.usefixtures("s3_storage")]


@pytest.fixture
def moto_server():
    """A moto server of this test's own, so that the test can stop it."""
    with serving_moto() as server:
        yield server


@pytest.fixture
def moto_url(moto_server):
    """The S3 fixtures (bucket, s3_storage, stored_objects) use this test's own server."""
    return moto_server[1]


def stop(moto_server):
    process, _ = moto_server
    process.kill()
    process.wait(timeout=10)


def test_an_upload_page_with_s3_stopped_says_so_and_keeps_nothing(
    alice_client, moto_server, data_dir, stored_objects  # noqa: F811
):
    assert stored_objects() == []
    stop(moto_server)

    response = alice_client.post(reverse("upload"), {"file": upload_file("a.txt", b"bytes")})

    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert StoredFile.objects.count() == 0
    assert temp_files(data_dir) == []


def test_an_api_replace_with_s3_stopped_is_503_and_keeps_the_old_file(
    alice, alice_file, moto_server, data_dir, stored_objects  # noqa: F811
):
    assert stored_objects() == [alice_file.file.name]
    before = StoredFile.objects.values().get(pk=alice_file.pk)
    stop(moto_server)

    response = bearer_client(alice).patch(
        f"/api/v1/files/{alice_file.pk}", {"file": upload_file("v2.txt", b"v2")},
        format="multipart",
    )

    assert response.status_code == 503
    assert "could not be stored" in response.json()["detail"]
    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert ObjectRemoval.objects.count() == 0
    assert temp_files(data_dir) == []


def test_an_api_upload_with_s3_stopped_is_503_and_keeps_nothing(
    alice, moto_server, data_dir, stored_objects  # noqa: F811
):
    stop(moto_server)

    response = bearer_client(alice).post(
        "/api/v1/files", {"file": upload_file("a.txt", b"bytes")}, format="multipart"
    )

    assert response.status_code == 503
    assert "could not be stored" in response.json()["detail"]
    assert StoredFile.objects.count() == 0
    assert ObjectRemoval.objects.count() == 0
    assert temp_files(data_dir) == []


def test_a_replace_page_with_s3_stopped_says_so_and_keeps_the_old_file(
    alice_client, alice_file, moto_server, data_dir, stored_objects  # noqa: F811
):
    before = StoredFile.objects.values().get(pk=alice_file.pk)
    stop(moto_server)

    response = alice_client.post(
        reverse("replace", args=[alice_file.pk]), {"file": upload_file("v2.txt", b"v2")}
    )

    assert response.status_code == 503
    assert "could not be stored" in response.content.decode()
    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert ObjectRemoval.objects.count() == 0
    assert temp_files(data_dir) == []


def test_a_finalize_with_s3_stopped_is_503_and_the_upload_can_be_finalized_later(
    alice_client, moto_server, stored_objects  # noqa: F811
):
    ticket = start(alice_client)
    assert send(ticket).status_code == 204
    stop(moto_server)

    response = finalize(alice_client, ticket)

    assert response.status_code == 503
    assert "storage is unavailable" in response.json()["detail"]
    assert StoredFile.objects.count() == 0
    assert PendingUpload.objects.filter(pk=ticket["id"]).exists()  # finalize may be retried


def test_s3_failing_after_the_copy_is_503_and_the_copy_is_scheduled_for_removal(
    alice, alice_client, moto_server, stored_objects, monkeypatch  # noqa: F811
):
    """The endpoint is stopped at the moment finalize starts re-reading its copy (the hook
    only picks the moment; the failure is the real one of a stopped server)."""
    ticket = start(alice_client)
    assert send(ticket).status_code == 204
    measure = storage.measure_object

    def stop_then_measure(*args, **kwargs):
        stop(moto_server)
        return measure(*args, **kwargs)

    monkeypatch.setattr(storage, "measure_object", stop_then_measure)

    response = finalize(alice_client, ticket)

    assert response.status_code == 503
    assert StoredFile.objects.count() == 0
    removals = list(ObjectRemoval.objects.values_list("name", flat=True))
    assert len(removals) == 1 and removals[0].startswith(f"u/{alice.pk}/")  # the copy
