"""The worker: killed mid-run it loses nothing; it finishes removals and sweeps dead temp files."""

import os
import signal
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from locker import maintenance
from locker.models import ObjectRemoval
from tests.conftest import upload_file
from tests.live import manage, start_manage, wait_until

ROOT = Path(__file__).resolve().parent.parent

SEED = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from locker.models import StoredFile
alice = User.objects.create_user("alice", "alice@example.com", "x", first_name="Alice")
stored = StoredFile.create_from_upload(alice, SimpleUploadedFile("plans.txt", b"plans"), "")
stored.delete_by(alice)
"""


def delivery_row(db_path):
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT attempts, delivered_at, last_error FROM locker_alertdelivery"
        ).fetchone()


def test_a_worker_killed_mid_run_loses_no_alert(tmp_path, smtp_port, start_smtp):
    """Real processes on a file SQLite database: seed, fail, SIGKILL, restart, deliver."""
    data = tmp_path / "data"
    env = {
        **os.environ,
        "SKYLOCKER_DATA_DIR": str(data),
        "SECRET_KEY": "worker-test-" + "k" * 40,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SKYLOCKER_ADMIN_EMAILS": "ops@example.com",
        "SKYLOCKER_MASS_DELETE_DIGEST_SECONDS": "0",  # the alert is due at once
    }
    env.pop("DATABASE_URL", None)
    db_path = data / "skylocker.sqlite3"
    for args in (["migrate", "-v", "0"], ["shell", "-c", SEED]):
        manage(env, *args)
    assert delivery_row(db_path)[:2] == (0, None)

    worker = start_manage(env, "run_worker", "--interval", "0.2")
    try:
        wait_until(lambda: delivery_row(db_path)[0] >= 1)  # the mail server is down: it failed
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    attempts, delivered_at, last_error = delivery_row(db_path)
    assert delivered_at is None
    assert "ConnectionRefusedError" in last_error

    inbox = start_smtp()
    with sqlite3.connect(db_path) as db:  # as if the backoff had elapsed
        db.execute("UPDATE locker_alertdelivery SET next_attempt_at = '2000-01-01 00:00:00'")
    worker = start_manage(env, "run_worker", "--interval", "0.2")
    try:
        ((recipients, message),) = inbox.wait_for(1, timeout=30)
        wait_until(lambda: delivery_row(db_path)[1] is not None)
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "Worker stopped" in output
    assert recipients == ["ops@example.com"]
    assert "plans.txt" in message["Subject"]
    assert delivery_row(db_path)[0] == attempts + 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_finishes_removals_left_by_a_crash(alice, alice_file, stored_objects):
    # A crash after the commit: the row is gone and the removal never ran.
    ObjectRemoval.objects.create(name=alice_file.file.name)
    type(alice_file).objects.filter(pk=alice_file.pk).delete()
    call_command("run_worker", "--once")
    assert stored_objects() == []
    assert ObjectRemoval.objects.count() == 0


def test_a_removal_that_fails_is_kept_and_retried_later(alice, alice_file, data_dir, settings):
    removal = ObjectRemoval.objects.create(name=alice_file.file.name)
    # Real failure: the storage folder is now a file.
    files = data_dir / "files"
    (data_dir / "moved").mkdir()
    files.rename(data_dir / "moved" / "files")
    files.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": files / "inner", "base_url": None},
        },
    }
    assert removal.attempt() is False
    removal.refresh_from_db()
    assert removal.attempts == 1
    assert removal.last_error
    assert removal.next_attempt_at > timezone.now()


def test_the_sweep_removes_only_old_upload_temp_files(data_dir):
    tmp = data_dir / "tmp"
    old = tmp / "abc.upload.txt"
    fresh = tmp / "def.upload.bin"
    other = tmp / "keep-me.txt"
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    assert maintenance.sweep_temp_files(timedelta(hours=1)) == [old]
    assert sorted(p.name for p in tmp.iterdir()) == ["def.upload.bin", "keep-me.txt"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_once_with_nothing_to_do_changes_nothing(alice, stored_objects):
    from locker.models import StoredFile

    kept = StoredFile.create_from_upload(alice, upload_file(), "")
    call_command("run_worker", "--once")
    assert stored_objects() == [kept.file.name]
    assert StoredFile.objects.count() == 1
