"""`skylocker put` with several files and globs: a few at a time, one bar each, failures apart."""

import hashlib
import uuid

from django.db import connection

from locker.models import StoredFile
from tests import test_cli
from tests.test_cli import no_traceback

sky, logged_in = test_cli.sky, test_cli.logged_in  # the CLI tests' fixtures


def jobs() -> str:
    """Files at a time. The test server's in-memory SQLite (shared cache) answers concurrent
    writes with "database table is locked" instead of waiting, so there one at a time; the
    PostgreSQL and MariaDB runs send three at once."""
    return "1" if connection.vendor == "sqlite" else "3"


def test_several_files_and_a_quoted_glob_are_each_uploaded_with_their_own_bar(
    logged_in, alice, stored_objects
):
    for name in ("a.txt", "b.txt", "c.csv", "notes.md"):
        (logged_in.work / name).write_text(f"content of {name}\n")
    arguments = ["notes.md", "*.txt", "c.csv", "-d", "batch", "--progress", "-j", jobs()]
    result = logged_in("put", *arguments)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("  ")[1] for line in lines] == ["notes.md", "a.txt", "b.txt", "c.csv"]
    rows = {row.name: row for row in StoredFile.objects.filter(owner=alice)}
    assert sorted(rows) == ["a.txt", "b.txt", "c.csv", "notes.md"]
    for line in lines:
        file_id, name = line.split("  ")
        row = rows[name]
        assert row.pk == uuid.UUID(file_id)
        assert row.description == "batch"
        assert row.sha256 == hashlib.sha256(f"content of {name}\n".encode()).hexdigest()
    assert sorted(stored_objects()) == sorted(row.file.name for row in rows.values())
    for name in rows:
        assert name in result.stderr  # each file has its own bar, labelled with its name
    assert result.stderr.count("100%") == 4


def test_one_file_over_the_limit_fails_alone_and_sets_the_exit_code(
    logged_in, alice, settings, stored_objects
):
    settings.MAX_UPLOAD_BYTES = 1000
    (logged_in.work / "small.txt").write_bytes(b"s" * 10)
    (logged_in.work / "huge.bin").write_bytes(b"h" * 5000)
    (logged_in.work / "other.txt").write_bytes(b"o" * 20)
    result = logged_in("put", "small.txt", "huge.bin", "other.txt", "-j", jobs())
    assert result.returncode == 5
    assert "huge.bin: This file is larger than" in result.stderr
    assert "2 uploaded, 1 refused." in result.stderr
    assert no_traceback(result)
    names = sorted(StoredFile.objects.filter(owner=alice).values_list("name", flat=True))
    assert names == ["other.txt", "small.txt"]
    assert len(stored_objects()) == 2


def test_a_glob_that_matches_nothing_is_a_usage_error_and_nothing_is_sent(logged_in, alice):
    (logged_in.work / "a.txt").write_text("a\n")
    result = logged_in("put", "a.txt", "*.pdf")
    assert result.returncode == 2
    assert "no file matches *.pdf" in result.stderr
    assert not StoredFile.objects.exists()
