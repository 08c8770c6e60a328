"""The `skylocker` command is recorded at the command line's door: it says so in its
User-Agent, which the API reads."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.models import AuditEvent
from locker.models import StoredFile
from tests.conftest import PASSWORD

SKYLOCKER = str(Path(sys.executable).with_name("skylocker"))


@pytest.fixture
def sky(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def run(*args):
        return subprocess.run(
            [SKYLOCKER, *map(str, args)], capture_output=True, text=True, env=env,
            cwd=tmp_path, timeout=60,
        )

    run.work = tmp_path
    return run


def test_sign_in_upload_download_delete_and_sign_out_with_the_cli_are_at_the_cli_door(
    sky, live_server, alice, fresh_throttle
):
    assert sky("login", live_server.url, "-u", "alice", "--password", PASSWORD).returncode == 0
    (sky.work / "notes.txt").write_bytes(b"from the shell\n")
    put = sky("put", "notes.txt")
    assert put.returncode == 0, put.stderr
    stored = StoredFile.objects.get()
    assert sky("get", stored.pk, "-o", "copy.txt").returncode == 0
    assert sky("rm", stored.pk).returncode == 0
    assert sky("logout").returncode == 0

    events = AuditEvent.objects.order_by("id").values_list("action", "actor_username", "door")
    assert list(events) == [
        ("account.login", "alice", "cli"),
        ("token.created", "alice", "cli"),
        ("file.uploaded", "alice", "cli"),
        ("file.downloaded", "alice", "cli"),
        ("file.deleted", "alice", "cli"),
        ("account.logout", "alice", "cli"),
        ("token.revoked", "alice", "cli"),
    ]
    assert set(AuditEvent.objects.values_list("address", flat=True)) == {"127.0.0.1"}
