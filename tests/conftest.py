"""Shared fixtures: users alice, bob and an admin; a per-test data folder; a real SMTP server."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
def stored_objects(files_dir):
    """A callable listing every object in the default storage, as storage names.

    Tests check storage state through this, whatever the storage is.
    """

    def list_objects() -> list[str]:
        return sorted(str(p.relative_to(files_dir)) for p in files_dir.rglob("*") if p.is_file())

    return list_objects


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
