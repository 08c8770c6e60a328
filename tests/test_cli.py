"""The `skylocker` command end to end, as a shell user runs it, against a live Skylocker."""

import hashlib
import json
import logging
import os
import stat
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from api.models import ApiToken
from locker.models import DeletionAlert, FileVersion, PendingUpload, StoredFile, TrashedFile
from tests.conftest import PASSWORD, upload_file
from tests.live import free_port

SKYLOCKER = str(Path(sys.executable).with_name("skylocker"))


@pytest.fixture
def sky(tmp_path):
    """Runs the installed console script with its own config folder, in a scratch folder."""
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": "120"}

    def run(*args, input=None):
        return subprocess.run(
            [SKYLOCKER, *map(str, args)],
            capture_output=True,
            text=True,
            input=input,
            env=env,
            cwd=work,
            timeout=60,
        )

    run.config = tmp_path / "config" / "skylocker" / "config.json"
    run.work = work
    return run


@pytest.fixture
def logged_in(sky, live_server, alice, fresh_throttle):
    # The log-in rate counts in the database cache, which a live server's flush leaves alone:
    # each test starts with none of the minute's log-ins spent by the tests before it.
    result = sky("login", live_server.url, "-u", "alice", "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    return sky


def no_traceback(result) -> bool:
    return "Traceback" not in result.stdout + result.stderr


def test_the_cli_does_the_whole_cycle(sky, live_server, alice):
    login = sky("login", live_server.url, input=f"alice\n{PASSWORD}\n")
    assert login.returncode == 0, login.stderr
    assert stat.S_IMODE(sky.config.stat().st_mode) == 0o600
    saved = json.loads(sky.config.read_text())
    assert (
        ApiToken.objects.get(user=alice).digest
        == hashlib.sha256(saved["token"].encode()).hexdigest()
    )

    assert sky("whoami").stdout.startswith("alice: Alice Liddell <alice@example.com>")

    original = os.urandom(200_000)
    (sky.work / "photo.raw").write_bytes(original)
    put = sky("put", "photo.raw", "-d", "holiday", "--progress")
    assert put.returncode == 0, put.stderr
    assert "100%" in put.stderr
    stored = StoredFile.objects.get()
    assert put.stdout.strip() == str(stored.pk)
    assert (stored.owner, stored.name, stored.size, stored.description) == (
        alice,
        "photo.raw",
        200_000,
        "holiday",
    )

    listing = sky("ls")
    assert str(stored.pk) in listing.stdout
    assert "photo.raw" in listing.stdout

    got = sky("get", stored.pk, "-o", "copy.raw")
    assert got.returncode == 0, got.stderr
    assert (sky.work / "copy.raw").read_bytes() == original

    (sky.work / "v2.raw").write_bytes(b"second version")
    replaced = sky("replace", stored.pk, "v2.raw", "-d", "edited")
    assert replaced.returncode == 0, replaced.stderr
    stored.refresh_from_db()  # new content; the name stays
    assert (stored.name, stored.size, stored.description) == ("photo.raw", 14, "edited")
    assert sky("get", stored.pk, "-o", "copy.raw").returncode != 0  # never overwrites silently
    assert sky("get", stored.pk, "-o", "copy.raw", "--force").returncode == 0
    assert (sky.work / "copy.raw").read_bytes() == b"second version"

    removed = sky("rm", stored.pk)
    assert removed.returncode == 0, removed.stderr
    assert not StoredFile.objects.exists()
    assert DeletionAlert.objects.get().actor_username == "alice"
    assert sky("rm", "--permanent", stored.pk).returncode == 0

    assert sky("logout").returncode == 0
    assert not ApiToken.objects.exists()
    assert not sky.config.exists()


def test_put_on_a_server_with_local_storage_is_refused_a_ticket_and_goes_through_it(
    logged_in, alice, caplog, files_dir
):
    caplog.set_level(logging.WARNING, logger="django.request")  # the live server's 4xx lines
    (logged_in.work / "notes.txt").write_bytes(b"kept on the server's disk\n")

    result = logged_in("put", "notes.txt", "-d", "local")

    assert result.returncode == 0, result.stderr
    refused = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert refused == ["Conflict: /api/v1/uploads"]  # asked for a direct upload: 409, once
    stored = StoredFile.objects.get()
    assert result.stdout.strip() == str(stored.pk)
    assert (stored.owner, stored.name, stored.description) == (alice, "notes.txt", "local")
    assert stored.sha256 == hashlib.sha256(b"kept on the server's disk\n").hexdigest()
    assert (files_dir / stored.file.name).read_bytes() == b"kept on the server's disk\n"
    assert not PendingUpload.objects.exists()


def test_a_description_alone_can_be_replaced(logged_in, alice_file):
    result = logged_in("replace", alice_file.pk, "-d", "only the words")
    assert result.returncode == 0, result.stderr
    alice_file.refresh_from_db()
    assert (alice_file.description, alice_file.size) == ("only the words", 15)


def test_ls_searches(logged_in, alice):
    from tests.conftest import upload_file

    StoredFile.create_from_upload(alice, upload_file("taxes.pdf", b"%PDF-1.4"), "2025")
    StoredFile.create_from_upload(alice, upload_file("cat.txt", b"meow"), "pet")
    result = logged_in("ls", "--search", "tax")
    assert "taxes.pdf" in result.stdout
    assert "cat.txt" not in result.stdout


def test_an_unreachable_url_is_a_message_and_exit_6(sky, db):
    result = sky("login", f"http://127.0.0.1:{free_port()}", "-u", "alice", "--password", "x")
    assert result.returncode == 6
    assert "Cannot reach" in result.stderr
    assert no_traceback(result)
    assert not sky.config.exists()


def test_a_url_that_is_not_skylocker_is_a_message_and_exit_6(sky, live_server, alice):
    result = sky("login", f"{live_server.url}/static", "-u", "alice", "--password", PASSWORD)
    assert result.returncode == 6
    assert "did not answer like a Skylocker server" in result.stderr
    assert no_traceback(result)


class NotSkylocker(BaseHTTPRequestHandler):
    """Another web server: redirects to https as an HTTPS-only install does, or serves a page."""

    def do_POST(self):
        if self.path.startswith("/redirect"):
            self.send_response(301)
            self.send_header("Location", f"https://{self.headers['Host']}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        page = b"<!doctype html><title>Welcome</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotSkylocker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/redirect", "redirects to https://"), ("/page", "did not answer like a Skylocker server")],
)
def test_a_url_that_redirects_or_serves_a_page_is_a_message_and_exit_6(
    sky, other_server, path, message
):
    result = sky("login", f"{other_server}{path}", "-u", "alice", "--password", PASSWORD)
    assert result.returncode == 6
    assert message in result.stderr
    assert no_traceback(result)
    assert not sky.config.exists()


class AnswersJson(BaseHTTPRequestHandler):
    """Some other JSON API: 200 and the same body (the server's `answer`) to every request."""

    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        data = json.dumps(self.server.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def json_server():
    """A callable that starts a server answering `body` to everything; it gives its URL."""
    servers = []

    def serve(body):
        server = ThreadingHTTPServer(("127.0.0.1", 0), AnswersJson)
        server.answer = body
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def not_skylocker(result) -> bool:
    return (
        result.returncode == 6
        and "did not answer like a Skylocker server" in result.stderr
        and no_traceback(result)
    )


@pytest.mark.parametrize("body", [42, {}, {"token": "x"}, {"token": 1, "expires_at": "soon"}])
def test_a_json_server_that_is_not_skylocker_is_refused_at_login_with_exit_6(
    sky, json_server, body
):
    result = sky("login", json_server(body), "-u", "alice", "--password", PASSWORD)
    assert not_skylocker(result), result.stderr
    assert not sky.config.exists()


SOME_ID = "6f1c1e36-3f5e-4d4a-9a53-3d1f1b2a0c11"


def log_in_to(sky, url):
    sky.config.parent.mkdir(parents=True)
    sky.config.write_text(json.dumps({"url": url, "token": "some-token"}))


@pytest.mark.parametrize(
    "command",
    [
        ["whoami"],
        ["ls"],
        ["put", "notes.txt"],
        ["put", "notes.txt", "--through-app"],
        ["get", SOME_ID],
        ["replace", SOME_ID, "-d", "new words"],
        ["replace", SOME_ID, "notes.txt"],
        ["rm", SOME_ID],
        ["rm", "--permanent", SOME_ID],
        ["trash"],
        ["restore", SOME_ID],
        ["versions", SOME_ID],
        ["get", SOME_ID, "--version", SOME_ID],
    ],
)
def test_every_command_says_a_json_server_is_not_skylocker_with_exit_6(sky, json_server, command):
    log_in_to(sky, json_server({"ok": True}))
    (sky.work / "notes.txt").write_bytes(b"notes\n")

    result = sky(*command)

    assert not_skylocker(result), result.stderr
    assert result.stdout == ""  # no "Deleted …", no id, no path
    assert sorted(p.name for p in sky.work.iterdir()) == ["notes.txt"]


def test_a_listing_whose_files_lack_their_fields_is_not_skylocker(sky, json_server):
    log_in_to(sky, json_server({"results": [{"id": 1}], "next": None}))
    assert not_skylocker(sky("ls"))


def test_logout_from_a_server_that_is_not_skylocker_says_so_and_forgets_the_token(sky, json_server):
    log_in_to(sky, json_server({"ok": True}))
    result = sky("logout")
    assert result.returncode == 0
    assert "The server did not revoke the token" in result.stderr
    assert "did not answer like a Skylocker server" in result.stderr
    assert not sky.config.exists()


@pytest.mark.parametrize("output", ["no/such/folder/copy.txt", "notes.txt/copy.txt"])
def test_get_into_a_folder_that_cannot_be_written_is_a_message_and_exit_1(
    logged_in, alice_file, output
):
    (logged_in.work / "notes.txt").write_bytes(b"a file, not a folder\n")

    result = logged_in("get", alice_file.pk, "-o", output)

    assert result.returncode == 1
    assert f"Cannot write {output}: " in result.stderr
    assert no_traceback(result)
    assert sorted(p.name for p in logged_in.work.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    "saved", ['{"token": "some-token"}', '{"url": 8000, "token": "x"}', "[]", "{not json"]
)
def test_a_config_without_a_usable_login_is_not_logged_in(sky, db, saved):
    sky.config.parent.mkdir(parents=True)
    sky.config.write_text(saved)

    result = sky("whoami")

    assert result.returncode == 3
    assert "Not logged in. Run `skylocker login URL` first." in result.stderr
    assert no_traceback(result)
    logout = sky("logout")
    assert (logout.returncode, logout.stdout) == (0, "Not logged in.\n")


def test_a_wrong_password_is_exit_3_and_says_so_without_advice_to_log_in(sky, live_server, alice):
    result = sky("login", live_server.url, "-u", "alice", "--password", "wrong")
    assert result.returncode == 3
    assert result.stderr == "Error: Wrong username or password.\n"
    assert not ApiToken.objects.exists()
    assert not sky.config.exists()


def test_an_expired_token_is_exit_3_with_advice(logged_in, alice):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    result = logged_in("ls")
    assert result.returncode == 3
    assert "expired" in result.stderr
    assert "skylocker login" in result.stderr
    assert no_traceback(result)


def test_an_over_limit_file_is_exit_5_and_nothing_is_stored(logged_in, settings, stored_objects):
    settings.MAX_UPLOAD_BYTES = 1000
    (logged_in.work / "big.bin").write_bytes(b"x" * 5000)
    result = logged_in("put", "big.bin")
    assert result.returncode == 5
    assert "larger than" in result.stderr
    assert no_traceback(result)
    assert not StoredFile.objects.exists()
    assert stored_objects() == []


def test_an_unknown_id_is_exit_4(logged_in):
    result = logged_in("get", uuid.uuid4())
    assert result.returncode == 4
    assert "There is no file or upload with this id." in result.stderr
    assert list(logged_in.work.iterdir()) == []


def test_someone_elses_file_is_unknown_too(logged_in, bob_file):
    result = logged_in("rm", bob_file.pk)
    assert result.returncode == 4
    assert StoredFile.objects.filter(pk=bob_file.pk).exists()


def test_a_malformed_id_is_a_usage_error(logged_in):
    result = logged_in("rm", "not-an-id")
    assert result.returncode == 2
    assert "not a valid UUID" in result.stderr


def test_commands_before_login_say_so(sky, db):
    result = sky("ls")
    assert result.returncode == 3
    assert "Not logged in" in result.stderr


@pytest.mark.parametrize("name", ["../escape.txt", "/tmp/escape.txt", "..\\escape.txt"])
def test_get_writes_a_name_with_a_path_into_the_current_folder_only(logged_in, alice_file, name):
    from locker.models import StoredFile

    # Skylocker cleans names on upload; this stands for a server that does not.
    StoredFile.objects.filter(pk=alice_file.pk).update(name=name)
    result = logged_in("get", alice_file.pk)

    assert result.returncode == 0, result.stderr
    assert (logged_in.work / "escape.txt").read_bytes() == b"alice's secret\n"
    assert not (logged_in.work.parent / "escape.txt").exists()


# The trash and versions: `trash`, `restore`, `rm --permanent`, `versions`, `get --version`.


def test_rm_trashes_trash_lists_and_restore_gives_the_file_back(logged_in, alice, alice_file):
    assert logged_in("rm", alice_file.pk).stdout.strip() == f"Moved {alice_file.pk} to the trash."
    listing = logged_in("trash")
    assert listing.returncode == 0, listing.stderr
    assert str(alice_file.pk) in listing.stdout and "by alice" in listing.stdout
    restored = logged_in("restore", alice_file.pk)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip() == f"Restored alice.txt ({alice_file.size} bytes)."
    assert StoredFile.objects.get().pk == alice_file.pk and not TrashedFile.objects.exists()
    assert logged_in("trash").stderr.strip() == "The trash is empty."


def test_restoring_twice_is_exit_4(logged_in, alice, alice_file):
    alice_file.delete_by(alice)
    assert logged_in("restore", alice_file.pk).returncode == 0
    again = logged_in("restore", alice_file.pk)
    assert again.returncode == 4 and no_traceback(again)
    assert "no file with this id in the trash" in again.stderr
    assert StoredFile.objects.count() == 1


def test_rm_permanent_deletes_a_current_file_for_good(logged_in, alice_file, stored_objects):
    result = logged_in("rm", "--permanent", alice_file.pk)
    assert result.returncode == 0, result.stderr
    assert not StoredFile.objects.exists() and not TrashedFile.objects.exists()
    assert stored_objects() == []
    assert sorted(DeletionAlert.objects.values_list("kind", flat=True)) == ["removed", "trashed"]


def test_rm_permanent_of_someone_elses_file_is_exit_4_and_keeps_it(
    logged_in, bob_file, stored_objects
):
    result = logged_in("rm", "--permanent", bob_file.pk)
    assert result.returncode == 4 and no_traceback(result)
    assert StoredFile.objects.get().pk == bob_file.pk
    assert stored_objects() == [bob_file.file.name]


def test_versions_lists_and_get_version_downloads_the_old_bytes(logged_in, alice, alice_file):
    alice_file.replace(upload_file("v2.txt", b"second\n"), actor=alice)
    version = FileVersion.objects.get()
    listing = logged_in("versions", alice_file.pk)
    assert listing.returncode == 0, listing.stderr
    assert str(version.pk) in listing.stdout and "alice.txt" in listing.stdout
    got = logged_in("get", alice_file.pk, "--version", version.pk, "-o", "old.txt")
    assert got.returncode == 0, got.stderr
    assert (logged_in.work / "old.txt").read_bytes() == b"alice's secret\n"
    missing = logged_in("get", alice_file.pk, "--version", alice_file.pk)
    assert missing.returncode == 4 and "has no version" in missing.stderr


def turn_on_totp(user) -> str:
    """An authenticator app set up for this user, as allauth's page does it."""
    import pyotp
    from allauth.mfa.totp.internal.auth import TOTP

    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return secret


def test_login_asks_for_the_two_factor_code_when_the_account_uses_one(
    sky, live_server, alice, fresh_throttle
):
    import pyotp

    secret = turn_on_totp(alice)
    code = pyotp.TOTP(secret).now()
    result = sky("login", live_server.url, "-u", "alice", "--password", PASSWORD, input=f"{code}\n")
    assert result.returncode == 0, result.stderr
    assert "Two-factor code" in result.stdout
    assert ApiToken.objects.filter(user=alice).count() == 1
    assert json.loads(sky.config.read_text())["username"] == "alice"


def test_a_wrong_two_factor_code_is_exit_3_and_mints_no_token(
    sky, live_server, alice, fresh_throttle
):
    turn_on_totp(alice)
    result = sky("login", live_server.url, "-u", "alice", "--password", PASSWORD, "--otp", "000000")
    assert result.returncode == 3
    assert "That code is not right" in result.stderr
    assert "Two-factor code" not in result.stdout  # given, so not asked for
    assert not ApiToken.objects.exists()
    assert not sky.config.exists()
