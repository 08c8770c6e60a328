"""`manage.py changepassword` signs the user out everywhere and revokes their API tokens, as a
change on the pages does. A real `manage.py` process on a real SQLite file."""

import sqlite3
import subprocess
import sys

from tests.live import ROOT, manage
from tests.test_backup import env_for

SEED = """
from django.contrib.auth.models import User
from api.models import ApiToken
alice = User.objects.create_user("alice", "alice@example.com", "a-long-test-passphrase-42")
bob = User.objects.create_user("bob", "bob@example.com", "a-long-test-passphrase-42")
ApiToken.issue(alice)
ApiToken.issue(bob)
"""


def tokens(data) -> list[str]:
    with sqlite3.connect(data / "skylocker.sqlite3") as db:
        sql = "SELECT u.username FROM api_apitoken t JOIN auth_user u ON u.id = t.user_id"
        return sorted(row[0] for row in db.execute(sql))


def test_changepassword_revokes_the_users_api_tokens(tmp_path):
    data = tmp_path / "data"
    manage(env_for(data), "migrate", "--verbosity", "0")
    manage(env_for(data), "shell", "-c", SEED)
    assert tokens(data) == ["alice", "bob"]

    result = subprocess.run(
        [sys.executable, "manage.py", "changepassword", "alice"],
        cwd=ROOT, env=env_for(data), input="a-brand-new-passphrase-77\n" * 2,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "every API token revoked" in result.stdout
    assert tokens(data) == ["bob"]


def test_a_refused_password_changes_nothing_and_keeps_the_tokens(tmp_path):
    data = tmp_path / "data"
    manage(env_for(data), "migrate", "--verbosity", "0")
    manage(env_for(data), "shell", "-c", SEED)

    result = subprocess.run(
        [sys.executable, "manage.py", "changepassword", "alice"],
        cwd=ROOT, env=env_for(data), input="12345\n" * 6,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode != 0
    assert tokens(data) == ["alice", "bob"]
