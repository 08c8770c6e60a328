"""A deleted folder goes to the trash with everything in it, and comes back together."""

import pytest
from django.utils import timezone

from locker.models import (
    AlreadyGone,
    DeletionAlert,
    Folder,
    ObjectRemoval,
    StoredFile,
    TrashedFile,
)
from locker.trash import purge_expired
from tests.conftest import upload_file


@pytest.fixture
def tree(alice):
    """/Reports/2026/q1.txt, /Reports/notes.txt, and /keep.txt outside."""
    reports = Folder.create(alice, "Reports")
    year = Folder.create(alice, "2026", reports)
    q1 = StoredFile.create_from_upload(alice, upload_file("q1.txt", b"q1\n"))
    q1.move_to(year)
    notes = StoredFile.create_from_upload(alice, upload_file("notes.txt", b"notes\n"))
    notes.move_to(reports)
    StoredFile.create_from_upload(alice, upload_file("keep.txt", b"keep\n"))
    return reports


def test_deleting_a_folder_trashes_it_its_folders_and_their_files(alice, tree, stored_objects):
    objects = stored_objects()
    tree.delete_by(alice)
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["keep.txt"]
    trashed = TrashedFile.objects.order_by("name")
    assert [(t.name, t.trashed_with_id) for t in trashed] == [
        ("notes.txt", tree.pk), ("q1.txt", tree.pk)
    ]
    assert list(Folder.objects.in_trash()) == [tree]
    assert not Folder.objects.live().exists()
    assert stored_objects() == objects  # nothing left storage
    alerts = DeletionAlert.objects.filter(kind=DeletionAlert.TRASHED)
    assert sorted(alerts.values_list("file_name", flat=True)) == ["notes.txt", "q1.txt"]


def test_a_deleted_folders_name_is_free_again(alice, tree):
    tree.delete_by(alice)
    again = Folder.create(alice, "reports")
    assert again.parent is None and Folder.objects.live().get() == again


def test_restoring_a_folder_brings_everything_back_in_place(alice, tree):
    ids = set(StoredFile.objects.values_list("pk", flat=True))
    tree.delete_by(alice)
    tree.restore()
    assert set(StoredFile.objects.values_list("pk", flat=True)) == ids
    assert not TrashedFile.objects.exists()
    paths = sorted(f.path for f in StoredFile.objects.all())
    assert paths == ["/Reports/2026/q1.txt", "/Reports/notes.txt", "/keep.txt"]
    assert Folder.objects.live().count() == 2
    with pytest.raises(AlreadyGone):
        tree.restore()


def test_a_restored_folder_whose_name_is_taken_is_called_restored(alice, tree):
    tree.delete_by(alice)
    Folder.create(alice, "REPORTS")
    tree.restore()
    names = sorted(Folder.objects.filter(parent=None).values_list("name", flat=True))
    assert names == ["REPORTS", "Reports (restored)"]
    assert StoredFile.objects.get(name="q1.txt").path == "/Reports (restored)/2026/q1.txt"


def test_a_folder_whose_parent_is_gone_is_restored_into_the_root(alice, tree):
    year = Folder.objects.get(name="2026")
    year.delete_by(alice)
    tree.delete_by(alice)
    Folder.objects.get(pk=year.pk).restore()
    assert Folder.objects.get(pk=year.pk).parent is None
    assert StoredFile.objects.get(name="q1.txt").path == "/2026/q1.txt"
    assert list(Folder.objects.in_trash()) == [tree]


def test_a_file_deleted_on_its_own_returns_to_its_folder(alice, tree):
    notes = StoredFile.objects.get(name="notes.txt")
    notes.delete_by(alice)
    TrashedFile.objects.get().restore()
    assert StoredFile.objects.get(name="notes.txt").path == "/Reports/notes.txt"


def test_a_file_whose_folder_is_gone_is_restored_into_the_root(alice, tree):
    notes = StoredFile.objects.get(name="notes.txt")
    notes.delete_by(alice)
    tree.delete_by(alice)
    TrashedFile.objects.get(pk=notes.pk).restore()
    assert StoredFile.objects.get(name="notes.txt").path == "/notes.txt"


def test_purging_a_folder_removes_its_files_content_and_its_rows(
    alice, tree, stored_objects, django_capture_on_commit_callbacks
):
    tree.delete_by(alice)
    with django_capture_on_commit_callbacks(execute=True):
        tree.purge(alice)
    assert not Folder.objects.exists() and not TrashedFile.objects.exists()
    assert len(stored_objects()) == 1  # keep.txt's
    assert not ObjectRemoval.objects.exists()
    removed = DeletionAlert.objects.filter(kind=DeletionAlert.REMOVED)
    assert sorted(removed.values_list("file_name", flat=True)) == ["notes.txt", "q1.txt"]


def test_the_worker_purges_expired_folders(alice, tree, django_capture_on_commit_callbacks):
    tree.delete_by(alice)
    Folder.objects.filter(pk=tree.pk).update(purge_at=timezone.now())
    TrashedFile.objects.update(purge_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        purge_expired()
    assert not Folder.objects.exists() and not TrashedFile.objects.exists()


def test_with_no_trash_days_a_deleted_folder_goes_at_once(alice, tree, settings):
    settings.TRASH_DAYS = 0
    tree.delete_by(alice)
    assert not Folder.objects.exists() and not TrashedFile.objects.exists()
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["keep.txt"]
