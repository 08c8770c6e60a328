"""Fault fixtures: local storages that are gone or fill up, reusing the suite's data folder."""

import pytest


def local_storage(settings, backend: str, **options) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend, "OPTIONS": options}}


@pytest.fixture
def full_disk(settings, files_dir):
    """The files folder has room for 1,000 bytes more; then every write fails with ENOSPC."""
    local_storage(settings, "tests.faults.storage.FullDiskStorage",
                  location=files_dir, base_url=None, capacity=1000)


@pytest.fixture
def storage_gone(settings, data_dir):
    """The storage folder lies under a regular file (an unmounted or replaced volume)."""
    blocker = data_dir / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    local_storage(settings, "django.core.files.storage.FileSystemStorage",
                  location=blocker / "files", base_url=None)


@pytest.fixture
def temp_folder_gone(settings, data_dir):
    """The upload temp folder lies under a regular file: received bytes have nowhere to go."""
    blocker = data_dir / "tmp-blocker"
    blocker.write_text("a file where the temp folder should be")
    settings.FILE_UPLOAD_TEMP_DIR = str(blocker / "tmp")
