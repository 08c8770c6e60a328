"""`skylocker put` against a Skylocker on S3: the bytes go straight to the bucket, not the app.

Skylocker's real web server serves it, its files in a bucket on a moto server of this module's
own, which records every request it gets: that record shows what reached the bucket and that
the CLI's token never did. moto does not enforce the upload policy's size cap, so the
finalize-413 test sends an over-limit file on purpose, from a CLI without its own size check.
"""

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests import test_cli
from tests.conftest import PASSWORD
from tests.live import answers, free_port, manage, wait_until, web_server
from tests.moto import AWS_ENV, serving_moto
from tests.test_cli import no_traceback

sky = test_cli.sky  # the console script in a scratch folder with its own config (a fixture)

ROOT = Path(__file__).resolve().parents[2]
SEED = f"""
from django.contrib.auth.models import User
User.objects.create_user("alice", "alice@example.com", "{PASSWORD}", first_name="Alice")
"""
# The CLI as an older or altered copy would be: without its own check against the ticket's limit.
CLI_WITHOUT_SIZE_CHECK = (
    "import skylocker_cli.main as m; m.refuse_over_limit = lambda *args: None; "
    "m.cli(prog_name='skylocker')"
)


@pytest.fixture(scope="module")
def recorded_moto(tmp_path_factory):
    """A moto server for this module that writes down every request it answers."""
    recording = tmp_path_factory.mktemp("moto") / "requests.jsonl"
    with serving_moto(MOTO_ENABLE_RECORDING="1", MOTO_RECORDER_FILEPATH=str(recording)) as (
        _,
        url,
    ):
        yield url, recording


@pytest.fixture(scope="module")
def moto_url(recorded_moto):
    """The S3 fixtures of tests/s3 (bucket, stored_objects) use this module's moto server."""
    return recorded_moto[0]


@pytest.fixture
def requests_to_moto(recorded_moto):
    """The requests moto gets from now on: method, path, query, headers and body."""
    url, recording = recorded_moto
    httpx.post(f"{url}/moto-api/recorder/reset-recording").raise_for_status()

    def read() -> list[dict]:
        entries = []
        for line in recording.read_text().splitlines():
            entry = json.loads(line)
            body = entry.get("body") or ""
            entry["body"] = base64.b64decode(body) if entry.get("body_encoded") else body.encode()
            target = httpx.URL(entry["url"]).raw_path.decode()
            entry["path"], _, entry["query"] = target.partition("?")
            entries.append(entry)
        return entries

    return read


class Skylocker:
    def __init__(self, url: str, data: Path):
        self.url = url
        self.data = data

    def rows(self, sql: str) -> list[dict]:
        with sqlite3.connect(f"file:{self.data / 'skylocker.sqlite3'}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(sql).fetchall()]

    def access_log(self) -> str:
        return (self.data / "access.log").read_text()


@pytest.fixture
def serve(tmp_path, moto_url):
    """Starts the web server on S3 (the given bucket, the given size limit) with alice signed up."""
    processes = []

    def start(bucket: str, limit: int = 10 * 1024 * 1024) -> Skylocker:
        data = tmp_path / "server"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SKYLOCKER_", "DATABASE_URL", "AWS_", "EMAIL_", "DJANGO_"))
        }
        env.update(
            AWS_ENV,
            SKYLOCKER_DATA_DIR=str(data),
            SECRET_KEY="cli-direct-" + "k" * 40,
            SKYLOCKER_MAX_UPLOAD_BYTES=str(limit),
            SKYLOCKER_S3_BUCKET=bucket,
            SKYLOCKER_S3_ENDPOINT_URL=moto_url,
        )
        for command in (["migrate", "-v", "0"], ["shell", "-v", "0", "-c", SEED]):
            manage(env, *command)
        port, access_log = free_port(), data / "access.log"
        with access_log.open("w") as log:  # the web server logs each request on its stdout
            processes.append(
                subprocess.Popen(
                    web_server(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.DEVNULL
                )
            )
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers(f"{url}/healthz"))
        return Skylocker(url, data)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def log_in(sky, site):
    result = sky("login", site.url, "-u", "alice", "--password", PASSWORD)
    assert result.returncode == 0, result.stderr


def posts_to(bucket: str, requests: list[dict]) -> list[dict]:
    return [r for r in requests if r["method"] == "POST" and r["path"] == f"/{bucket}"]


def test_put_sends_the_file_straight_to_the_bucket_and_ls_get_rm_work_on_it(
    sky, serve, bucket, stored_objects, requests_to_moto
):
    site = serve(bucket)
    log_in(sky, site)
    content = os.urandom(300 * 1024)
    (sky.work / "survey.dat").write_bytes(content)

    put = sky("put", "survey.dat", "-d", "field survey", "--progress")

    assert put.returncode == 0, put.stderr
    assert "100%" in put.stderr
    (stored,) = site.rows("SELECT * FROM locker_storedfile")
    assert uuid.UUID(put.stdout.strip()) == uuid.UUID(stored["id"])
    assert (stored["name"], stored["description"], stored["size"]) == (
        "survey.dat", "field survey", len(content)
    )  # fmt: skip
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert site.rows("SELECT * FROM locker_pendingupload") == []
    assert site.rows("SELECT * FROM locker_objectremoval") == []
    # The bytes went to the bucket under incoming/, then the app copied them to the file's key.
    (to_bucket,) = posts_to(bucket, requests_to_moto())
    assert f'name="key"\r\n\r\nincoming/{stored["owner_id"]}/'.encode() in to_bucket["body"]
    assert content in to_bucket["body"]
    assert stored_objects() == [stored["file"]]
    assert stored["file"].startswith(f"u/{stored['owner_id']}/")
    log = site.access_log()
    assert '"POST /api/v1/uploads HTTP/1.1" 201' in log
    assert '/finalize HTTP/1.1" 201' in log
    assert "POST /api/v1/files" not in log

    listing = sky("ls")
    assert "survey.dat" in listing.stdout
    assert put.stdout.strip() in listing.stdout

    got = sky("get", put.stdout.strip(), "-o", "copy.dat")
    assert got.returncode == 0, got.stderr
    assert (sky.work / "copy.dat").read_bytes() == content
    assert f'"GET /api/v1/files/{put.stdout.strip()}/content HTTP/1.1" 302' in site.access_log()
    requests = requests_to_moto()
    # The CLI followed the app's redirect to a presigned URL and sent no Authorization there.
    (download,) = [r for r in requests if "X-Amz-Signature=" in r["query"]]
    assert (download["method"], download["path"]) == ("GET", f"/{bucket}/{stored['file']}")
    assert "Authorization" not in download["headers"]
    signed = [r for r in requests if r["headers"].get("Authorization", "").startswith("AWS4")]
    assert signed  # the app's own calls: moto records the header under this very name
    tokens = [r for r in requests if r["headers"].get("Authorization", "").startswith("Bearer")]
    assert tokens == []  # the CLI's token stayed with Skylocker

    removed = sky("rm", "--permanent", put.stdout.strip())
    assert removed.returncode == 0, removed.stderr
    assert site.rows("SELECT * FROM locker_storedfile") == []
    assert site.rows("SELECT * FROM locker_trashedfile") == []
    wait_until(lambda: stored_objects() == [])


def test_put_through_the_app_sends_the_bytes_through_the_server(
    sky, serve, bucket, stored_objects, requests_to_moto
):
    site = serve(bucket)
    log_in(sky, site)
    (sky.work / "notes.txt").write_bytes(b"through the server\n")

    put = sky("put", "notes.txt", "--through-app")

    assert put.returncode == 0, put.stderr
    (stored,) = site.rows("SELECT * FROM locker_storedfile")
    assert stored["size"] == 19
    assert stored_objects() == [stored["file"]]
    assert posts_to(bucket, requests_to_moto()) == []
    log = site.access_log()
    assert '"POST /api/v1/files HTTP/1.1" 201' in log
    assert "/api/v1/uploads" not in log


def test_a_file_over_the_tickets_limit_is_refused_before_anything_is_sent(
    sky, serve, bucket, stored_objects, requests_to_moto
):
    site = serve(bucket, limit=1000)
    log_in(sky, site)
    (sky.work / "big.bin").write_bytes(b"x" * 5000)

    put = sky("put", "big.bin")

    assert put.returncode == 5
    assert "big.bin has 5000 bytes, larger than the server's limit of 1000 bytes" in put.stderr
    assert no_traceback(put)
    assert posts_to(bucket, requests_to_moto()) == []
    assert stored_objects() == []
    assert site.rows("SELECT * FROM locker_storedfile") == []
    # The unused ticket stays until the worker sweeps it, 30 minutes after its URL expired.
    assert len(site.rows("SELECT * FROM locker_pendingupload")) == 1


def test_an_over_limit_file_sent_past_the_cli_check_is_refused_at_finalize_and_deleted(
    sky, serve, bucket, stored_objects, requests_to_moto, tmp_path
):
    site = serve(bucket, limit=1000)
    log_in(sky, site)
    (sky.work / "big.bin").write_bytes(b"y" * 5000)

    put = subprocess.run(
        [sys.executable, "-c", CLI_WITHOUT_SIZE_CHECK, "put", "big.bin"],
        capture_output=True, text=True, timeout=60, cwd=sky.work,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )  # fmt: skip

    assert put.returncode == 5
    assert put.stderr.strip() == (
        "Error: The uploaded file has 5000 bytes; the limit is 1000 bytes. It has been deleted."
    )
    (to_bucket,) = posts_to(bucket, requests_to_moto())  # moto took it; AWS would not have
    assert b"y" * 5000 in to_bucket["body"]
    assert '/finalize HTTP/1.1" 413' in site.access_log()
    assert site.rows("SELECT * FROM locker_storedfile") == []
    assert site.rows("SELECT * FROM locker_pendingupload") == []
    assert site.rows("SELECT * FROM locker_objectremoval") == []
    assert stored_objects() == []


def test_a_bucket_that_refuses_the_upload_is_one_line_and_exit_1(sky, serve, requests_to_moto):
    site = serve("skylocker-no-such-bucket")
    log_in(sky, site)
    (sky.work / "notes.txt").write_bytes(b"nowhere to go\n")

    put = sky("put", "notes.txt")

    assert put.returncode == 1
    assert put.stderr.strip() == (
        "Error: The storage refused the upload (NoSuchBucket: The specified bucket does not exist)."
    )
    assert no_traceback(put)
    assert len(posts_to("skylocker-no-such-bucket", requests_to_moto())) == 1
    assert site.rows("SELECT * FROM locker_storedfile") == []
