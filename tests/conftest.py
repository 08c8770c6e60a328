"""Shared fixtures: users alice, bob and an admin (and API clients holding their tokens); a
per-test data folder; a real SMTP server; a moto S3 server and a bucket of the test's own.

Fixtures live here (or in a folder's conftest.py), never imported from another test module.
"""

import os
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.live import free_port
from tests.moto import aws_client, serving_moto, unique

PASSWORD = "a-long-test-passphrase-42"
# Debian's Chromium; the variable exists so the skip and the failure without it can be tried.
CHROMIUM = os.environ.get("SKYLOCKER_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Browser tests (marker e2e) skip without Chromium, unless `make e2e` requires them."""
    browser_tests = [item for item in items if item.get_closest_marker("e2e")]
    if Path(CHROMIUM).exists() or not browser_tests:
        return
    reason = f"{CHROMIUM} is not installed (apt-get install chromium); `make e2e` installs it"
    if os.environ.get("SKYLOCKER_E2E_REQUIRED") == "1":
        raise pytest.UsageError(f"The browser tests are required here, but {reason}.")
    for item in browser_tests:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """MD5 instead of Argon2 while tests create users and log in: each Argon2 hash costs a
    noticeable fraction of a second. Tests about the hashing itself carry `argon2`."""
    if not request.node.get_closest_marker("argon2"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, settings):
    """Every test gets its own files, temp and mail folders; nothing touches ./data."""
    files = tmp_path / "files"
    temp = tmp_path / "tmp"
    mail = tmp_path / "mail"
    for folder in (files, temp, mail):
        folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": files, "base_url": None},
        },
    }
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.EMAIL_FILE_PATH = str(mail)
    settings.DATA_DIR = tmp_path
    # Alerts due at once, as most tests expect; tests/test_mass_deletion.py covers the hold.
    settings.MASS_DELETE_DIGEST_SECONDS = 0
    return tmp_path


@pytest.fixture
def files_dir(data_dir) -> Path:
    return data_dir / "files"


@pytest.fixture
def stored_objects(request, files_dir):
    """A callable listing every object in the default storage, as storage names: the files
    under the test's folder, or, for tests on S3 (`s3_storage`), the keys in its bucket.

    Tests check storage state through this, whatever the storage is.
    """
    if "s3_storage" in request.fixturenames:
        s3, bucket = request.getfixturevalue("s3"), request.getfixturevalue("bucket")

        def list_keys() -> list[str]:
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

        return list_keys

    def list_files() -> list[str]:
        return sorted(str(p.relative_to(files_dir)) for p in files_dir.rglob("*") if p.is_file())

    return list_files


@pytest.fixture(scope="session")
def moto_url():
    """The endpoint URL of a moto server running for the whole session, with dummy credentials."""
    with serving_moto() as (_, url):
        yield url


@pytest.fixture
def s3(moto_url):
    return aws_client("s3", moto_url)


@pytest.fixture
def bucket(s3):
    name = unique("skylocker-test")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_storage(data_dir, settings, moto_url, bucket):
    """STORAGES["default"] on S3, built as settings.py builds it, on this test's own bucket."""
    from skylocker.settings import s3_storage_settings

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(
            bucket,
            region="us-east-1",
            endpoint_url=moto_url,
            url_ttl=settings.DOWNLOAD_URL_TTL,
        ),
    }
    settings.CLOUDFRONT_DOMAIN = settings.CLOUDFRONT_KEY_ID = settings.CLOUDFRONT_PRIVATE_KEY = ""
    return bucket


def temp_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "tmp").iterdir()]


def make_user(username, *, first, last, staff=False):
    return get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        first_name=first,
        last_name=last,
        is_staff=staff,
        is_superuser=staff,
    )


@pytest.fixture
def alice(db):
    return make_user("alice", first="Alice", last="Liddell")


@pytest.fixture
def bob(db):
    return make_user("bob", first="Bob", last="Builder")


@pytest.fixture
def admin(db):
    return make_user("admin", first="Ada", last="Admin", staff=True)


def client_for(client, user):
    client.force_login(user)
    return client


def bearer_client(user):
    """A DRF test client holding a real bearer token of this user."""
    from rest_framework.test import APIClient

    from api.models import ApiToken

    _, raw = ApiToken.issue(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api.raw_token = raw
    return api


@pytest.fixture
def fresh_throttle(db):
    """Rate-limit counters live in the (database) cache; the test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def alice_api(alice):
    return bearer_client(alice)


@pytest.fixture
def bob_api(bob):
    return bearer_client(bob)


@pytest.fixture
def admin_api(admin):
    return bearer_client(admin)


@pytest.fixture
def alice_client(client, alice):
    return client_for(client, alice)


def upload_file(name="notes.txt", content=b"hello skylocker\n", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def alice_file(alice):
    from locker.models import StoredFile

    return StoredFile.create_from_upload(
        alice, upload_file("alice.txt", b"alice's secret\n"), "mine"
    )


@pytest.fixture
def bob_file(bob):
    from locker.models import StoredFile

    return StoredFile.create_from_upload(bob, upload_file("bob.txt", b"bob's plans\n"), "his")


class Inbox:
    """Messages received by a real SMTP server (aiosmtpd) on a local port."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def wait_for(self, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        return list(self.messages)


@pytest.fixture
def smtp_port(settings):
    """A port with nobody listening yet; the tests decide when the mail server comes up."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return port


@pytest.fixture
def start_smtp(smtp_port):
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        inbox.controller = controller
        return inbox

    yield start
    for controller in controllers:
        try:
            controller.stop()
        except Exception:  # noqa: BLE001, S110 - already stopped by the test
            pass


@pytest.fixture
def smtp(start_smtp) -> Inbox:
    return start_smtp()


def downloaded(response) -> bytes:
    """A download's bytes: streamed by the app (local disk), or at the signed URL it redirects
    to (S3, fetched over HTTP from the moto server)."""
    if response.status_code == 302:
        import httpx

        return httpx.get(response["Location"]).raise_for_status().content
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


NEW_USER_PASSWORD = "violet-harbour-lantern-7"


def sign_up(client, username="carol", email=None):
    """Carol Castle signs up on the page (as `username`, with `email`)."""
    return client.post(
        "/accounts/signup/",
        {
            "first_name": "Carol",
            "last_name": "Castle",
            "email": email or f"{username}@example.com",
            "username": username,
            "password1": NEW_USER_PASSWORD,
            "password2": NEW_USER_PASSWORD,
        },
    )


def mailed(smtp, count):
    """The worker's round over the account mail outbox (as `run_worker` does it), then the
    `count` mails the SMTP server received."""
    from accounts import outbox

    outbox.deliver_due()
    messages = smtp.wait_for(count)
    assert len(messages) == count, [m["Subject"] for _, m in messages]
    return messages


def link_in(message) -> str:
    """The path of the first link in a mail's text."""
    import re

    return re.search(r"https?://[^/\s]+(/\S+)", message.get_body(("plain",)).get_content())[1]


class DavClient:
    """Django's test client speaking WebDAV at /dav/ with Basic auth (username, app password)."""

    def __init__(self, client, username, password):
        import base64

        self.client = client
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.auth = {"HTTP_AUTHORIZATION": f"Basic {token}"}

    def request(self, method, path, body=b"", **headers):
        from urllib.parse import quote

        return self.client.generic(
            method, quote(f"/dav{path}"), body, content_type=headers.pop("content_type", ""),
            **self.auth, **headers,
        )


def dav_client(client, user):
    from dav.models import AppPassword

    _, raw = AppPassword.issue(user, "tests", door="web")
    return DavClient(client, user.get_username(), raw)


@pytest.fixture
def alice_dav(client, alice):
    return dav_client(client, alice)


@pytest.fixture
def bob_dav(bob):
    from django.test import Client

    return dav_client(Client(), bob)
