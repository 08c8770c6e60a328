"""Folders survive `backup`/`restore` and `reconcile`: the tree, the files' places and a
deleted folder in the trash come back whole, and nothing in a folder counts as an orphan."""

import os
import sqlite3
import time
from pathlib import Path

from locker.models import Folder, StoredFile
from tests.conftest import upload_file
from tests.live import manage
from tests.test_reconcile import run

SEED = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile as F
from locker.models import Folder, StoredFile
alice = User.objects.create_user("alice", "alice@example.com", "a-long-test-passphrase-42")
reports = Folder.create(alice, "Reports")
year = Folder.create(alice, "2026 Q1", reports)
StoredFile.create_from_upload(alice, F("q1.txt", b"first quarter"), folder=year)
StoredFile.create_from_upload(alice, F("top.txt", b"at the top"))
old = Folder.create(alice, "Old")
StoredFile.create_from_upload(alice, F("old.txt", b"old things"), folder=old)
old.delete_by(alice)
"""

CHECK = """
from locker.models import Folder, StoredFile
Folder.objects.in_trash().get(name="Old").restore()
print(sorted(f.path for f in StoredFile.objects.all()))
"""

TREE = "SELECT id, owner_id, parent_id, name, name_key, trashed_in_id FROM locker_folder ORDER BY 1"
PLACES = "SELECT id, folder_id, name_key FROM locker_storedfile ORDER BY id"
TRASHED = "SELECT id, folder_id, trashed_with_id FROM locker_trashedfile ORDER BY id"


def env_for(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "SKYLOCKER_S3_BUCKET"}}
    return {**env, "SKYLOCKER_DATA_DIR": str(data)}


def rows(data: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data / "skylocker.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_backup_and_restore_keep_the_folder_tree_and_the_deleted_folder(tmp_path):
    live, fresh, archive = tmp_path / "live", tmp_path / "fresh", tmp_path / "locker.tar.gz"
    manage(env_for(live), "migrate", "--verbosity", "0")
    manage(env_for(live), "shell", "-c", SEED)
    manage(env_for(live), "backup", str(archive))

    manage(env_for(fresh), "restore", str(archive))

    for sql in (TREE, PLACES, TRASHED):
        assert rows(fresh, sql) == rows(live, sql)
    assert len(rows(fresh, TREE)) == 3 and len(rows(fresh, TRASHED)) == 1
    out = manage(env_for(fresh), "shell", "-c", CHECK).stdout
    assert "['/Old/old.txt', '/Reports/2026 Q1/q1.txt', '/top.txt']" in out
    assert manage(env_for(fresh), "reconcile", "--verify").returncode == 0


def test_reconcile_counts_files_in_folders_and_deleted_folders_as_kept(
    alice, files_dir, stored_objects
):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt", b"q1\n"), folder=reports)
    old = Folder.create(alice, "Old")
    StoredFile.create_from_upload(alice, upload_file("old.txt", b"old\n"), folder=old)
    old.delete_by(alice)
    before = stored_objects()
    past = time.time() - 7200  # older than the grace: they would count as orphans
    for name in before:
        os.utime(files_dir / name, (past, past))

    status, out = run("--fix", "--verify")

    assert status == 0, out
    assert "Consistent." in out
    assert stored_objects() == before
    assert Folder.objects.count() == 2 and StoredFile.objects.get().path == "/Reports/q1.txt"
