"""`manage.py backup` / `restore`: one archive while the app serves, restored whole and only
into an empty data folder. These run real `manage.py` processes on a real SQLite file, as the
embedded install does, whatever database the rest of the suite uses."""

import hashlib
import io
import os
import sqlite3
import tarfile
import time
from pathlib import Path

import pytest

from tests.live import manage, start_manage

SEED = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile as F
from locker.models import StoredFile
alice = User.objects.create_user("alice", "alice@example.com", "a-long-test-passphrase-42")
bob = User.objects.create_user("bob", "bob@example.com", "a-long-test-passphrase-42")
StoredFile.create_from_upload(alice, F("notes.txt", b"alice's notes\\n"), "Grüße, notes")
StoredFile.create_from_upload(alice, F("blob.bin", bytes(range(256)) * 4000), "binary")
plans = StoredFile.create_from_upload(bob, F("plans.txt", b"first draft"), "bob's")
plans.replace(F("plans.txt", b"second draft, longer"), "bob's, replaced")
StoredFile.create_from_upload(bob, F("gone.txt", b"bye"), "").delete_by(bob)
"""

# Keeps uploading, replacing and deleting while the backup runs: the snapshot must still be
# consistent, and every object it points to must be in the archive.
WRITER = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile as F
from locker.models import StoredFile
alice = User.objects.get(username="alice")
live = []
for i in range(150):
    live.append(StoredFile.create_from_upload(alice, F(f"live-{i}.txt", b"live %d " % i * 50)))
    if i % 3 == 2:
        live[-2].replace(F(f"live-{i - 1}.txt", b"replaced %d " % i * 60))
    if i % 5 == 4:
        live.pop(0).delete_by(alice)
"""

KEPT = "SELECT file FROM locker_trashedfile UNION ALL SELECT file FROM locker_fileversion"
ROW = "SELECT id, owner_id, file, name, description, size, sha256, content_type, created_at, " \
      "updated_at, object_missing_at FROM locker_storedfile ORDER BY id"


def env_for(data: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "SKYLOCKER_S3_BUCKET"}}
    return {**env, "SKYLOCKER_DATA_DIR": str(data), **extra}


def rows(data: Path, sql: str = ROW) -> list[tuple]:
    with sqlite3.connect(data / "skylocker.sqlite3") as db:
        return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A live install, seeded, backed up while another process keeps uploading."""
    tmp = tmp_path_factory.mktemp("backup")
    live, archive = tmp / "live", tmp / "locker.tar.gz"
    manage(env_for(live), "migrate", "--verbosity", "0")
    manage(env_for(live), "shell", "-c", SEED)
    seeded = rows(live)
    writer = start_manage(env_for(live), "shell", "-c", WRITER)
    try:
        while len(rows(live)) < len(seeded) + 5 and writer.poll() is None:
            time.sleep(0.05)  # the writer is under way
        assert writer.poll() is None, "the writer ended before the backup could start"
        out = manage(env_for(live), "backup", str(archive)).stdout
    finally:
        assert writer.wait(timeout=120) == 0, writer.stdout.read()
    assert "Backed up" in out
    return live, archive, seeded


def test_a_backup_taken_while_uploads_run_restores_every_file_and_its_metadata(
    backed_up, tmp_path
):
    live, archive, seeded = backed_up
    fresh = tmp_path / "fresh"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds the secret key

    manage(env_for(fresh), "restore", str(archive))
    restored = rows(fresh)

    assert len(seeded) == 3
    assert set(seeded) <= set(restored)  # every seeded file, metadata byte for byte
    for _, _, name, _, _, size, sha256, *_ in restored:
        content = (fresh / "files" / name).read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (size, sha256)
        if (live / "files" / name).exists():  # not replaced or deleted since the snapshot
            assert content == (live / "files" / name).read_bytes()
    stored = sorted(str(p.relative_to(fresh / "files")) for p in (fresh / "files").rglob("*")
                    if p.is_file())
    kept = [r[0] for r in rows(fresh, KEPT)]  # the trash's and the versions' objects
    assert stored == sorted([r[2] for r in restored] + kept)  # no object without its row
    assert ("gone.txt", b"bye") in [
        (name, (fresh / "files" / file).read_bytes())
        for name, file in rows(fresh, "SELECT name, file FROM locker_trashedfile")
    ]
    assert ("plans.txt", b"first draft") in [
        (name, (fresh / "files" / file).read_bytes())
        for name, file in rows(fresh, "SELECT name, file FROM locker_fileversion")
    ]
    users = "SELECT username, password, email FROM auth_user ORDER BY username"
    assert rows(fresh, users) == rows(live, users)
    assert (fresh / "secret_key").read_text() == (live / "secret_key").read_text()
    assert manage(env_for(fresh), "reconcile", "--verify").returncode == 0


def test_restore_refuses_a_data_folder_that_is_not_empty(backed_up):
    live, archive, _ = backed_up
    before = rows(live)  # more rows than the archive: the writer went on after the snapshot
    objects = sorted(p.name for p in (live / "files").rglob("*"))

    result = manage(env_for(live), "restore", str(archive), check=False)

    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert rows(live) == before  # nothing overwritten
    assert sorted(p.name for p in (live / "files").rglob("*")) == objects


def test_restore_refuses_an_archive_entry_that_leaves_the_files_folder(backed_up, tmp_path):
    _, archive, _ = backed_up
    fresh, evil = tmp_path / "fresh", tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as good, tarfile.open(evil, "w:gz") as bad:
        for member in good:
            bad.addfile(member, good.extractfile(member))
        info = tarfile.TarInfo("files/../../escaped")
        info.size = 4
        bad.addfile(info, io.BytesIO(b"evil"))

    result = manage(env_for(fresh), "restore", str(evil), check=False)

    assert result.returncode != 0
    assert "suspicious entry" in result.stderr
    assert not (tmp_path / "escaped").exists()
    assert not (fresh / "skylocker.sqlite3").exists()
    assert [p for p in (fresh / "files").rglob("*") if p.is_file()] == []  # rolled back
    # so a retry may proceed
    assert manage(env_for(fresh), "restore", str(archive)).returncode == 0


@pytest.mark.parametrize(
    "command, setting, advice",
    [
        ("backup", {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/skylocker"}, "pg_dump"),
        ("restore", {"DATABASE_URL": "mysql://root@127.0.0.1:3306/skylocker"}, "mysqldump"),
        ("backup", {"SKYLOCKER_S3_BUCKET": "skylocker-files"}, "bucket versioning"),
    ],
)
def test_outside_the_embedded_install_the_commands_point_to_the_native_tools(
    tmp_path, command, setting, advice
):
    archive = tmp_path / "x.tar.gz"
    result = manage(env_for(tmp_path, **setting), command, str(archive), check=False)

    assert result.returncode != 0
    assert advice in result.stderr, result.stderr
    assert not archive.exists()
    assert not (tmp_path / "skylocker.sqlite3").exists()


def test_a_removal_waits_while_a_backup_holds_removals(alice_file, stored_objects):
    from locker.backup_lock import removals_held
    from locker.models import ObjectRemoval

    removal = ObjectRemoval.objects.create(name=alice_file.file.name)
    with removals_held():
        assert removal.attempt() is False
        assert stored_objects() == [alice_file.file.name]
        assert ObjectRemoval.objects.filter(pk=removal.pk).exists()
    assert removal.attempt() is True
    assert stored_objects() == []
    assert not ObjectRemoval.objects.exists()
