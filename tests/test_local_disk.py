"""Files on local disk (the one-machine install): readable by Skylocker's own account only.

Not in tests/test_upload.py, whose tests also run on S3 (tests/s3/test_core_suite_on_s3.py).
"""

from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import upload_file


def test_on_local_disk_a_stored_file_and_its_folders_are_private_to_skylocker(
    alice_client, files_dir
):
    alice_client.post(
        reverse("upload"), {"file": upload_file("notes.txt", b"mine"), "description": ""}
    )
    stored = files_dir / StoredFile.objects.get().file.name
    assert stored.stat().st_mode & 0o777 == 0o600
    for folder in stored.relative_to(files_dir).parents[:-1]:
        assert (files_dir / folder).stat().st_mode & 0o777 == 0o700
