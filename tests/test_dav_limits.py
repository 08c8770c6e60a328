"""The size limit and the quota hold for WebDAV: a PUT is counted as its bytes arrive, with or
without a Content-Length (a chunked PUT is read and counted, not refused), and nothing of a
refused one is kept. Over HTTP, as `make run` serves Skylocker."""

import os
import sqlite3
from contextlib import contextmanager

import httpx

from locker.models import Quota, StoredFile
from tests.live import manage, serving

LIMIT = 100_000


@contextmanager
def served(tmp_path):
    """Skylocker on its own data folder with a small limit; alice and her app password."""
    data = tmp_path / "site"
    env = {**os.environ, "SKYLOCKER_DATA_DIR": str(data), "SECRET_KEY": "dav-" + "s" * 46,
           "SKYLOCKER_MAX_UPLOAD_BYTES": str(LIMIT)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v", "0")
    make_alice = "from django.contrib.auth.models import User; User.objects.create_user('alice')"
    manage(env, "shell", "-v", "0", "-c", make_alice)
    password = manage(env, "app_password", "alice").stdout.strip()
    with serving(env) as url:
        with httpx.Client(base_url=f"{url}/dav", auth=("alice", password), timeout=30) as dav:
            yield dav, data


def rows(data):
    with sqlite3.connect(data / "skylocker.sqlite3") as db:
        return db.execute("SELECT name, size FROM locker_storedfile").fetchall()


def leftovers(data):
    return [p for folder in ("files", "tmp") for p in (data / folder).rglob("*") if p.is_file()]


def chunks(total, size=16 * 1024):
    """A body httpx sends chunked: it cannot know the length of a generator."""
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"x" * piece


def test_chunked_puts_are_counted_stored_when_within_and_refused_when_over(tmp_path):
    with served(tmp_path) as (dav, data):
        within = dav.put("/within.bin", content=chunks(LIMIT))
        assert within.status_code == 201, within.text
        assert rows(data) == [("within.bin", LIMIT)]
        # One byte over: read whole by the server (under its body allowance), refused by the door.
        over = dav.put("/over.bin", content=chunks(LIMIT + 1))
        assert over.status_code == 413
        # Far over: refused by the server while the bytes arrive, before the door is reached.
        far = dav.put("/far.bin", content=chunks(5 * LIMIT))
        assert far.status_code == 413
        assert rows(data) == [("within.bin", LIMIT)]
        assert len(leftovers(data)) == 1  # the one stored object, no temp file


def test_a_declared_length_over_the_limit_is_refused_and_nothing_kept(tmp_path):
    with served(tmp_path) as (dav, data):
        response = dav.put("/big.bin", content=b"y" * (LIMIT + 1))
        assert response.status_code == 413
        assert rows(data) == []
        assert leftovers(data) == []


def test_a_put_over_the_quota_is_refused_with_insufficient_storage(alice_dav, alice):
    Quota.objects.create(user=alice, quota_bytes=1000)
    assert alice_dav.request("PUT", "/fits.bin", b"a" * 600).status_code == 201
    response = alice_dav.request("PUT", "/too-much.bin", b"b" * 600)
    assert response.status_code == 507
    assert b"Over quota" in response.content
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["fits.bin"]


def test_a_put_over_a_file_counts_the_kept_version_against_the_quota(alice_dav, alice):
    Quota.objects.create(user=alice, quota_bytes=1000)
    alice_dav.request("PUT", "/doc.bin", b"a" * 600)
    assert alice_dav.request("PUT", "/doc.bin", b"b" * 600).status_code == 507
    assert alice_dav.request("GET", "/doc.bin").content == b"a" * 600
