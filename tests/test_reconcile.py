"""`manage.py reconcile`: finds drift between rows and stored objects, repairs it with --fix."""

import json
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from locker.models import ObjectRemoval, StoredFile
from tests.conftest import upload_file


def run(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("reconcile", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def age(files_dir, name, seconds=7200):
    past = time.time() - seconds
    os.utime(files_dir / name, (past, past))


def test_a_consistent_locker_reports_clean_and_exits_zero(alice_file, bob_file, stored_objects):
    status, out = run("--verify")

    assert status == 0
    assert "Checked 2 files and 2 stored objects; re-read 2" in out
    assert "Consistent." in out
    assert len(stored_objects()) == 2


def test_a_file_whose_object_is_missing_is_reported_and_marked_with_fix(alice_file, bob_file):
    default_storage.delete(alice_file.file.name)

    status, out = run()
    assert status == 1
    assert "1 file(s) whose stored object is missing" in out and str(alice_file.pk) in out
    alice_file.refresh_from_db()
    assert alice_file.object_missing_at is None  # reporting alone changes nothing

    status, out = run("--fix")
    assert status == 1
    alice_file.refresh_from_db()
    bob_file.refresh_from_db()
    assert alice_file.object_missing_at is not None
    assert bob_file.object_missing_at is None
    assert StoredFile.objects.count() == 2  # the row stays so its owner and the admins see it


def test_a_marked_file_is_unmarked_when_its_object_is_back(alice_file, files_dir):
    content = (files_dir / alice_file.file.name).read_bytes()
    default_storage.delete(alice_file.file.name)
    run("--fix")
    default_storage.save(alice_file.file.name, ContentFile(content))

    status, out = run("--fix")

    assert status == 0, out
    alice_file.refresh_from_db()
    assert alice_file.object_missing_at is None


def test_an_old_orphan_object_is_reported_and_deleted_with_fix(
    alice_file, files_dir, stored_objects
):
    orphan = default_storage.save("u/999/leftover", ContentFile(b"deleted long ago"))
    age(files_dir, orphan)

    status, out = run()
    assert status == 1
    assert "1 object(s) that no file points to" in out and orphan in out
    assert orphan in stored_objects()

    status, out = run("--fix")
    assert status == 1
    assert "deleted 1 orphan object(s)" in out
    assert stored_objects() == [alice_file.file.name]
    assert run()[0] == 0


def test_a_young_unreferenced_object_is_never_touched_even_with_fix(alice_file, stored_objects):
    in_flight = default_storage.save("u/1/uploading-now", ContentFile(b"still arriving"))

    status, out = run("--fix")

    assert status == 0
    assert "1 recent unreferenced object(s) left alone" in out
    assert in_flight in stored_objects()


def test_an_object_waiting_for_the_worker_is_not_an_orphan(alice_file, files_dir, stored_objects):
    old_name = alice_file.file.name
    ObjectRemoval.objects.create(name=old_name)
    StoredFile.objects.filter(pk=alice_file.pk).update(file="u/1/renamed")
    default_storage.save("u/1/renamed", ContentFile(b"alice's secret\n"))
    age(files_dir, old_name)

    status, out = run("--fix")

    assert status == 0, out
    assert "1 object(s) wait for the worker" in out
    assert old_name in stored_objects()  # the worker removes it and clears its record


def test_a_size_mismatch_is_reported(alice_file, files_dir):
    (files_dir / alice_file.file.name).write_bytes(b"truncated")

    status, out = run("--json")

    report = json.loads(out)
    assert status == 1
    assert report["clean"] is False
    assert report["size_mismatches"] == [
        {"id": str(alice_file.pk), "object": alice_file.file.name,
         "recorded": alice_file.size, "stored": len(b"truncated")}
    ]


def test_verify_catches_flipped_bytes_that_keep_the_size(alice_file, files_dir):
    path = files_dir / alice_file.file.name
    path.write_bytes(path.read_bytes().replace(b"secret", b"SECRET"))

    assert run()[0] == 0  # same size: only re-reading the bytes can tell
    status, out = run("--verify", "--json")

    report = json.loads(out)
    assert status == 1
    [mismatch] = report["checksum_mismatches"]
    assert mismatch["id"] == str(alice_file.pk)
    assert mismatch["recorded"] == alice_file.sha256
    StoredFile.objects.get(pk=alice_file.pk)  # reported, never deleted


@pytest.mark.parametrize("flag", ["--json", "--fix"])
def test_an_empty_locker_is_clean(db, flag, stored_objects):
    status, out = run(flag)
    assert status == 0
    assert stored_objects() == []


def test_a_direct_upload_awaiting_finalize_is_not_an_orphan(alice, files_dir, stored_objects):
    from django.utils import timezone

    from locker.models import PendingUpload

    key = default_storage.save(f"incoming/{alice.pk}/not-yet-checked", ContentFile(b"arrived"))
    PendingUpload.objects.create(owner=alice, key=key, name="a.txt", expires_at=timezone.now())
    age(files_dir, key)

    status, out = run("--fix")

    assert status == 0, out
    assert "1 direct upload(s) wait to be finalized or swept" in out
    assert stored_objects() == [key]


def test_a_file_replaced_while_verify_reads_it_is_not_a_finding(alice_file, monkeypatch):
    """Cron runs reconcile while people work: a replace may remove the object it is to read."""
    from locker import maintenance, reconcile

    real_sha256_of = reconcile.sha256_of

    def replaced_just_before_the_read(name, storage):
        StoredFile.objects.get(pk=alice_file.pk).replace(upload_file("alice.txt", b"new\n"))
        maintenance.finish_object_removals()  # the worker removes the old object
        return real_sha256_of(name, storage)

    monkeypatch.setattr(reconcile, "sha256_of", replaced_just_before_the_read)

    status, out = run("--verify", "--fix")

    assert status == 0, out
    assert "Consistent." in out
    alice_file.refresh_from_db()
    assert alice_file.object_missing_at is None
    assert default_storage.open(alice_file.file.name).read() == b"new\n"


def test_a_file_deleted_after_the_listing_is_not_an_orphan(alice, files_dir, monkeypatch):
    from locker import maintenance, reconcile

    old_file = StoredFile.create_from_upload(alice, upload_file("old.txt", b"from last year"))
    age(files_dir, old_file.file.name)  # past the grace period
    real_list_objects = reconcile.list_objects

    def deleted_just_after_the_listing(storage):
        objects = real_list_objects(storage)
        old_file.delete_by(alice)
        maintenance.finish_object_removals()
        return objects

    monkeypatch.setattr(reconcile, "list_objects", deleted_just_after_the_listing)

    status, out = run("--json")

    assert status == 0, out
    assert json.loads(out)["orphans"] == []
    assert not StoredFile.objects.filter(pk=old_file.pk).exists()
