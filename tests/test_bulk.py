"""Several files at once: to the trash after a confirmation, or downloaded as one streamed zip."""

import io
import zipfile

from django.urls import reverse

from locker.bulk import MAX_FILES
from locker.models import DeletionAlert, StoredFile, TrashedFile
from tests.conftest import upload_file


def two_more(alice):
    return [
        StoredFile.create_from_upload(alice, upload_file("notes.txt", b"first notes\n")),
        StoredFile.create_from_upload(alice, upload_file("notes.txt", b"second notes\n")),
    ]


def test_the_selected_files_download_as_one_streamed_zip_with_every_byte(
    alice_client, alice, alice_file
):
    files = [alice_file, *two_more(alice)]
    response = alice_client.post(reverse("bulk"), {"action": "zip", "ids": [f.pk for f in files]})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    contents = {name: archive.read(name) for name in archive.namelist()}
    assert contents == {  # two files may share a name: the later one is numbered
        "alice.txt": b"alice's secret\n",
        "notes.txt": b"first notes\n",
        "notes (1).txt": b"second notes\n",
    }
    assert StoredFile.objects.count() == 3


def test_moving_the_selection_to_the_trash_asks_first(
    alice_client, alice, alice_file, stored_objects
):
    files = [alice_file, *two_more(alice)]
    ids = [f.pk for f in files]
    page = alice_client.post(reverse("bulk"), {"action": "trash", "ids": ids})
    assert "Move 3 files to the trash?" in page.content.decode()
    assert StoredFile.objects.count() == 3
    response = alice_client.post(reverse("bulk"), {"action": "trash", "ids": ids, "confirm": "yes"})
    assert response.status_code == 302
    assert not StoredFile.objects.exists()
    assert sorted(TrashedFile.objects.values_list("pk", flat=True)) == sorted(ids)
    assert len(stored_objects()) == 3
    assert DeletionAlert.objects.filter(kind=DeletionAlert.TRASHED).count() == 3


def test_a_selection_with_another_users_file_answers_404_and_changes_nothing(
    alice_client, alice_file, bob_file, stored_objects
):
    ids = [alice_file.pk, bob_file.pk]
    for action in ("zip", "trash"):
        response = alice_client.post(
            reverse("bulk"), {"action": action, "ids": ids, "confirm": "yes"}
        )
        assert response.status_code == 404
    assert StoredFile.objects.count() == 2 and not TrashedFile.objects.exists()
    assert len(stored_objects()) == 2


def test_an_empty_or_too_large_selection_is_refused_with_a_message(alice_client, alice_file):
    response = alice_client.post(reverse("bulk"), {"action": "zip"}, follow=True)
    assert f"Tick between 1 and {MAX_FILES} files first." in response.content.decode()
    too_many = [alice_file.pk] + [f"00000000-0000-4000-8000-{i:012}" for i in range(MAX_FILES)]
    response = alice_client.post(reverse("bulk"), {"action": "zip", "ids": too_many}, follow=True)
    assert f"Tick between 1 and {MAX_FILES} files first." in response.content.decode()
    assert StoredFile.objects.count() == 1
