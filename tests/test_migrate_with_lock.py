"""`migrate_with_lock`: instances that start together migrate once and none of them fails."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def scratch_database_url() -> str | None:
    """A fresh, empty database on the server the suite runs against; None means a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url or connection.vendor == "sqlite":
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/skylocker_lock_{uuid.uuid4().hex[:12]}"))


def start_migrate(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "migrate_with_lock", "-v", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_migrations_both_succeed_and_migrate_once(tmp_path):
    env = {**os.environ, "SKYLOCKER_DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "x" * 50}
    env.pop("DATABASE_URL", None)
    url = scratch_database_url()
    if url:
        name = urlsplit(url).path.lstrip("/")
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = url
    try:
        first, second = start_migrate(env), start_migrate(env)
        outputs = [process.communicate(timeout=180)[0] for process in (first, second)]
        assert [first.returncode, second.returncode] == [0, 0], outputs
        applied = [out.count("Applying locker.0001_initial... OK") for out in outputs]
        assert sorted(applied) == [0, 1], outputs
        assert any("No migrations to apply." in out for out in outputs), outputs
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        if url:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE {name}")


def test_the_models_and_migrations_agree(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
