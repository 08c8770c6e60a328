"""A file deleted while someone replaces it: both doors answer "not found" (the pages' 404
page, the API's JSON 404), and the new content is not kept.

The deletion is slipped in at the start of `StoredFile.replace` (the hook only picks the
moment; the row lock and the 404 are the real ones).
"""

import pytest
from django.urls import reverse

from api.errors import NOT_FOUND
from locker.models import StoredFile, TrashedFile
from tests.conftest import upload_file


@pytest.fixture
def deleted_when_replaced(monkeypatch, alice):
    replace = StoredFile.replace

    def deleted_first(self, *args, **kwargs):
        StoredFile.objects.get(pk=self.pk).delete_by(alice)
        return replace(self, *args, **kwargs)

    monkeypatch.setattr(StoredFile, "replace", deleted_first)


def test_the_page_answers_its_404_page_and_keeps_no_new_object(
    alice_client, alice_file, deleted_when_replaced, stored_objects,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("replace", args=[alice_file.pk]), {"file": upload_file("new.txt", b"new")}
        )

    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in response.content.decode()
    assert not StoredFile.objects.exists()
    assert stored_objects() == trashed_objects()  # nothing new: what the trash holds


def test_the_api_answers_its_json_404_and_keeps_no_new_object(
    alice_api, alice_file, deleted_when_replaced, stored_objects,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.patch(
            f"/api/v1/files/{alice_file.pk}",
            {"file": upload_file("new.txt", b"new")},
            format="multipart",
        )

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND}
    assert not StoredFile.objects.exists()
    assert stored_objects() == trashed_objects()  # nothing new: what the trash holds


def trashed_objects() -> list[str]:
    return sorted(TrashedFile.objects.values_list("file", flat=True))
