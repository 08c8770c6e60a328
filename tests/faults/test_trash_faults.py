"""Faults around the trash and versions: double restores, purges that race or fail, crashes.

Each test checks the database and the storage afterwards: nothing is lost, nothing is left
behind that no row accounts for.
"""

import threading

import pytest
from django.db import DatabaseError, connection

from locker import maintenance
from locker.models import (
    AlreadyGone,
    DeletionAlert,
    FileVersion,
    ObjectRemoval,
    StoredFile,
    TrashedFile,
)
from tests.conftest import upload_file

concurrent = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="needs concurrent writers: SQLite takes one at a time; .ci/run runs this on "
    "PostgreSQL and MariaDB",
)


class FailOn:
    """Fails the first statement that starts with `prefix` on `table`, as a dying database does.

    An in-process hook (Django's execute_wrapper), because no real database can be told to
    fail exactly one statement portably; the storage and the database stay real.
    """

    def __init__(self, prefix: str, table: str):
        self.prefix, self.table = prefix.upper(), table.upper()

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(self.prefix) and self.table in sql.upper():
            raise DatabaseError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def accounted_for() -> list[str]:
    """Every object a row points to, or that waits for the worker to remove it."""
    names = [
        *StoredFile.objects.values_list("file", flat=True),
        *TrashedFile.objects.values_list("file", flat=True),
        *FileVersion.objects.values_list("file", flat=True),
    ]
    return sorted(names)


def test_restoring_a_purged_item_answers_404_and_brings_nothing_back(
    alice_client, alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    alice_file.delete_by(alice)
    item = TrashedFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        item.purge(alice)
    assert alice_client.post(f"/files/trash/{item.pk}/restore/").status_code == 404
    with pytest.raises(AlreadyGone):
        item.restore()
    assert not StoredFile.objects.exists() and not TrashedFile.objects.exists()
    assert stored_objects() == []


def test_a_purge_with_the_storage_down_commits_and_the_worker_removes_the_object_later(
    alice, alice_file, data_dir, settings, stored_objects, django_capture_on_commit_callbacks
):
    alice_file.delete_by(alice)
    files = data_dir / "files"
    away = data_dir / "away"
    files.rename(away)
    files.write_text("the volume is gone")  # real failure: the storage folder is a file
    with django_capture_on_commit_callbacks(execute=True):
        TrashedFile.objects.get().purge()
    removal = ObjectRemoval.objects.get()
    assert (removal.name, removal.attempts) == (alice_file.file.name, 1)
    assert not TrashedFile.objects.exists()
    assert DeletionAlert.objects.filter(kind=DeletionAlert.PURGED).count() == 1

    files.unlink()
    away.rename(files)  # the storage is back
    assert stored_objects() == [alice_file.file.name]  # nothing lost meanwhile
    ObjectRemoval.objects.update(next_attempt_at=removal.created_at)
    assert maintenance.finish_object_removals() == 1
    assert stored_objects() == [] and not ObjectRemoval.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_purge_cut_off_mid_transaction_leaves_the_item_whole_in_the_trash(
    alice, alice_file, stored_objects
):
    alice_file.delete_by(alice)
    with connection.execute_wrapper(FailOn("DELETE", "locker_trashedfile")):
        with pytest.raises(DatabaseError):
            TrashedFile.objects.get().purge()
    assert TrashedFile.objects.get().pk == alice_file.pk
    assert stored_objects() == [alice_file.file.name]
    assert not ObjectRemoval.objects.exists()
    assert not DeletionAlert.objects.filter(kind=DeletionAlert.PURGED).exists()


def test_a_worker_killed_after_the_purge_committed_has_its_removal_finished_on_restart(
    alice, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    alice_file.delete_by(alice)
    with django_capture_on_commit_callbacks(execute=False):  # killed before the removal ran
        TrashedFile.objects.get().purge()
    assert stored_objects() == [alice_file.file.name]
    assert ObjectRemoval.objects.get().name == alice_file.file.name
    assert maintenance.finish_object_removals() == 1  # what the restarted worker does first
    assert stored_objects() == [] and not ObjectRemoval.objects.exists()


def race(*actions):
    """Run the actions at the same moment on their own connections; each one's outcome."""
    barrier, outcomes = threading.Barrier(len(actions)), {}

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as exc:  # noqa: BLE001 - the loser's error is the outcome
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes[i] for i in range(len(actions))]


@concurrent
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_purging_while_restoring_ends_with_one_winner_and_nothing_lost(
    alice, stored_objects, attempt
):
    stored = StoredFile.create_from_upload(alice, upload_file("race.txt", b"race\n"))
    stored.delete_by(alice)
    item = TrashedFile.objects.get()
    restored, purged = race(item.restore, lambda: item.purge(alice))
    maintenance.finish_object_removals()
    if isinstance(restored, StoredFile):
        assert isinstance(purged, AlreadyGone)
        assert StoredFile.objects.get().file.read() == b"race\n"
    else:
        assert isinstance(restored, AlreadyGone) and purged is None
        assert not StoredFile.objects.exists()
    assert not TrashedFile.objects.exists()
    assert stored_objects() == accounted_for()


@concurrent
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_replacing_while_a_version_is_restored_keeps_every_content_once(
    alice, stored_objects, attempt
):
    stored = StoredFile.create_from_upload(alice, upload_file("doc.txt", b"one\n"))
    stored.replace(upload_file("doc.txt", b"two\n"), actor=alice)
    first = FileVersion.objects.get()
    restore, replace = race(
        lambda: first.restore(alice),
        lambda: StoredFile.objects.get(pk=stored.pk).replace(
            upload_file("doc.txt", b"three\n"), actor=alice
        ),
    )
    assert not isinstance(restore, Exception) and not isinstance(replace, Exception)
    maintenance.finish_object_removals()
    contents = sorted(
        [StoredFile.objects.get().file.read()]
        + [version.file.read() for version in FileVersion.objects.all()]
    )
    assert contents == [b"one\n", b"three\n", b"two\n"]
    assert stored_objects() == accounted_for()
