"""Schemathesis against the schema the live server serves, as alice, with bob as her peer.

Its `object_level_authorization` check replays alice's successful reads of her own files with
bob's token and fails if bob gets them; afterwards the test checks that bob's own file was never
reached with alice's token.
"""

import json
import subprocess
import sys
from pathlib import Path

from rest_framework.throttling import ScopedRateThrottle

from api.models import ApiToken
from locker.models import DeletionAlert, StoredFile, StoredFileQuerySet

ST = str(Path(sys.executable).with_name("st"))
CONFIG = """
# Every check, as --checks=all would; in the file, so that an operation below may turn one off
# (the command line would override those).
[checks]
enabled = true

[auth.wfc]
path = "{wfc}"
user = "alice"
peers = ["alice", "bob"]

# Multipart form fields are text: a generated JSON null arrives as the word "null", which is a
# perfectly good description, so "null was accepted" is no finding there. Bad multipart input is
# covered by tests/api/test_files.py.
[[operations]]
include-operation-id = ["v1_files_create", "v1_files_partial_update"]
checks.negative_data_rejection.enabled = false

# Sign-up refuses what no schema can describe: a username or email already taken, a password
# that is common or too like the name (tests/api/test_auth.py covers each); so a schema-valid
# registration may well be a 400.
[[operations]]
include-operation-id = ["v1_auth_register_create"]
checks.positive_data_acceptance.enabled = false

# Revoking a share link or file request (DELETE) keeps its record, readable as "revoked" with
# its downloads or files received; what stops working is the link itself, tests/api/
# test_sharing_api.py checks that.
[[operations]]
include-operation-id = [
  "v1_links_retrieve", "v1_links_destroy", "v1_requests_retrieve", "v1_requests_destroy",
]
checks.use_after_free.enabled = false
"""


def wfc_document(**tokens) -> dict:
    return {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {raw}"}]}
            for name, raw in tokens.items()
        ]
    }


def run_schemathesis(live_server, alice, bob, tmp_path, *options):
    wfc = tmp_path / "wfc.json"
    tokens = {"alice": ApiToken.issue(alice)[1], "bob": ApiToken.issue(bob)[1]}
    wfc.write_text(json.dumps(wfc_document(**tokens)))
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(wfc=wfc))
    command = [
        ST,
        "--no-color",
        f"--config-file={config}",
        "run",
        f"{live_server.url}/api/v1/schema",
        "--seed=20261128",
        "--workers=1",
        # Revoking alice's own token mid-run would leave nothing else to test;
        # tests/api/test_auth.py covers that call.
        "--exclude-operation-id=v1_auth_token_destroy",
        *options,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)


def test_schemathesis_finds_no_errors_and_no_cross_user_access(
    live_server, alice, bob, bob_file, tmp_path, monkeypatch
):
    # At the real rate schemathesis would see mostly 429s from register and token and leave
    # the logic behind them untested; tests/api/test_auth.py checks the limit itself.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "100000/minute")
    result = run_schemathesis(live_server, alice, bob, tmp_path, "--max-examples=10")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # Bob's token is used only to replay alice's reads: it was used, and got nothing.
    assert ApiToken.objects.get(user=bob).last_used_at is not None

    # Alice's token never reached bob's file.
    bob_file.refresh_from_db()
    assert (bob_file.owner, bob_file.description, bob_file.size) == (bob, "his", 12)
    assert not DeletionAlert.objects.filter(owner_username="bob").exists()
    assert StoredFile.objects.exclude(owner__in=[alice, bob]).count() == 0


def test_the_cross_user_check_catches_a_leak_when_visibility_is_broken(
    live_server, alice, bob, tmp_path, monkeypatch
):
    # Fault injection, in process: the classic file-sharing bug, a detail view that forgets to
    # ask visible_to(). It proves the check above can fail; nothing else patches the rule.
    monkeypatch.setattr(
        StoredFileQuerySet, "get_for", lambda self, user, pk: StoredFile.objects.get(pk=pk)
    )
    result = run_schemathesis(
        live_server,
        alice,
        bob,
        tmp_path,
        # Ten: since files gained a `folder` field, five examples no longer reached the leak.
        "--max-examples=10",
        "--phases=stateful",
        "--include-path-regex=^/api/v1/files",
    )
    assert result.returncode != 0
    assert "ST402 Object-level authorization bypass" in result.stdout, result.stdout[-4000:]
