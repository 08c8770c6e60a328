"""A direct upload's finalize over the owner's quota: 413 naming quota and usage, nothing kept."""

from locker import maintenance
from locker.models import ObjectRemoval, PendingUpload, Quota, StoredFile
from tests.s3.test_direct_upload import CONTENT, api, finalize, send, start  # noqa: F401


def test_a_finalize_over_quota_is_413_and_leaves_no_object_and_no_pending_upload(
    api, alice, stored_objects  # noqa: F811 - the fixture imported above
):
    Quota.objects.create(user=alice, quota_bytes=len(CONTENT) - 1)
    ticket = start(api)
    assert send(ticket).status_code == 204
    response = finalize(api, ticket)
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert f"({len(CONTENT) - 1} bytes)" in detail and "(0 bytes)" in detail
    assert not StoredFile.objects.exists() and not PendingUpload.objects.exists()
    maintenance.finish_object_removals()
    assert stored_objects() == [] and not ObjectRemoval.objects.exists()


def test_a_finalize_that_fits_the_quota_is_taken(api, alice, stored_objects):  # noqa: F811
    Quota.objects.create(user=alice, quota_bytes=len(CONTENT))
    ticket = start(api)
    send(ticket)
    assert finalize(api, ticket).status_code == 201
    assert [s.size for s in StoredFile.objects.all()] == [len(CONTENT)]
