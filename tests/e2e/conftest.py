"""Skylocker in a real browser: the real web server and worker, Debian's Chromium, axe-core.

One site per session: its own data folder, a migrated SQLite database, an admin made by
`ensure_superuser`, and a real SMTP server (aiosmtpd) for the deletion alerts. Each test gets
a fresh browser context, and every page a test visits is checked by axe and saved as a PNG.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import CHROMIUM, Inbox
from tests.live import answers, free_port, manage, start_manage, wait_until, web_server

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SKYLOCKER_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
MAX_UPLOAD_BYTES = 1024 * 1024
ADMIN_EMAIL = "alerts@skylocker.test"
STAFF = {
    "username": "staff",
    "password": "staff-passphrase-for-e2e",
    "email": "staff@skylocker.test",
}
PASSWORD = "a-long-browser-passphrase-42"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        # The lock file pins axe-core; npm ci installs exactly that.
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return AXE.read_text()


@pytest.fixture(scope="session")
def inbox():
    mailbox = Inbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


class Site:
    """The running Skylocker: its address, and its database and storage to check state."""

    def __init__(self, url: str, data: Path):
        self.url = url
        self.data = data

    def rows(self, sql: str, *params) -> list[sqlite3.Row]:
        with sqlite3.connect(f"file:{self.data / 'skylocker.sqlite3'}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            return db.execute(sql, params).fetchall()

    def files_of(self, username: str) -> list[sqlite3.Row]:
        return self.rows(
            "SELECT f.* FROM locker_storedfile f JOIN auth_user u ON u.id = f.owner_id "
            "WHERE u.username = ? ORDER BY f.created_at",
            username,
        )

    def objects_of(self, username: str) -> dict[str, bytes]:
        """Every stored object of this user's folder, by storage name, with its bytes."""
        (user_id,) = self.rows("SELECT id FROM auth_user WHERE username = ?", username)[0]
        folder = self.data / "files" / "u" / str(user_id)
        if not folder.exists():
            return {}
        return {f"u/{user_id}/{p.name}": p.read_bytes() for p in folder.iterdir() if p.is_file()}

    def temp_files(self) -> list[Path]:
        return list((self.data / "tmp").iterdir())


def _wait_until_ready(url: str, processes: list[subprocess.Popen]) -> None:
    def ready() -> bool:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        return answers(f"{url}/readyz")

    wait_until(ready, timeout=30)


def _serve(data: Path, inbox, port: int, **extra_env):
    """Migrate, make the admin, run the web server and the worker on `port` for the session."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SKYLOCKER_", "DATABASE_URL", "AWS_", "EMAIL_", "DJANGO_"))
    }
    env.update(
        SKYLOCKER_DATA_DIR=str(data),
        SKYLOCKER_MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES),
        SKYLOCKER_ADMIN_EMAILS=ADMIN_EMAIL,
        # Every browser comes from 127.0.0.1: the per-address limits are tested over HTTP.
        SKYLOCKER_SIGNUP_RATE="1000/hour",
        SKYLOCKER_PASSWORD_RESET_RATE="1000/hour",
        SKYLOCKER_SITE_URL=f"http://127.0.0.1:{port}",
        SKYLOCKER_MASS_DELETE_DIGEST_SECONDS="10",  # alerts held 10 s, so a burst folds them
        EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}",
        # localhost too: WebAuthn takes a domain name, never an IP address, as the site's id.
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="skylocker.settings",
        DJANGO_SUPERUSER_USERNAME=STAFF["username"],
        DJANGO_SUPERUSER_PASSWORD=STAFF["password"],
        DJANGO_SUPERUSER_EMAIL=STAFF["email"],
        **extra_env,
    )
    for command in (["migrate", "--noinput", "-v0"], ["ensure_superuser", "-v0"]):
        manage(env, *command)
    log = (data / "server.log").open("w")
    web = subprocess.Popen(
        web_server(port, workers=2), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    worker = start_manage(env, "run_worker", "--interval", "0.5", stdout=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, [web, worker])
        yield url
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory, inbox):
    data = tmp_path_factory.mktemp("skylocker-e2e")
    for url in _serve(data, inbox, free_port()):
        yield Site(url, data)


@pytest.fixture(scope="session")
def strict_site(tmp_path_factory, inbox):
    """A second Skylocker that requires staff to use two-factor sign-in
    (SKYLOCKER_REQUIRE_MFA_FOR_STAFF=1)."""
    data = tmp_path_factory.mktemp("skylocker-e2e-strict")
    for url in _serve(data, inbox, free_port(), SKYLOCKER_REQUIRE_MFA_FOR_STAFF="1"):
        yield Site(url, data)


class S3Site(Site):
    """Skylocker storing its files on S3 (a moto server), as on AWS: the bucket is the storage."""

    def __init__(self, url: str, data: Path, s3, bucket: str, endpoint: str):
        super().__init__(url, data)
        self.s3 = s3
        self.bucket = bucket
        self.endpoint = endpoint

    def objects_of(self, username: str) -> dict[str, bytes]:
        """Every object of this user in the bucket (incoming uploads and kept files), by key."""
        (user_id,) = self.rows("SELECT id FROM auth_user WHERE username = ?", username)[0]
        found = {}
        for prefix in (f"incoming/{user_id}/", f"u/{user_id}/"):
            listing = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
            for item in listing.get("Contents", []):
                body = self.s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"]
                found[item["Key"]] = body.read()
        return found

    def access_log(self) -> str:
        """The web server's access log (and the worker's output): every request Skylocker served."""
        return (self.data / "server.log").read_text()


@pytest.fixture(scope="session")
def s3_site(tmp_path_factory, inbox, moto_url):
    """A second Skylocker, on S3 (the session's moto server), the bucket allowing POSTs from
    the site's origin only (moto honours the bucket's CORS rules on the browser's preflight)."""
    import boto3
    from botocore.config import Config

    from tests.moto import AWS_ENV

    data = tmp_path_factory.mktemp("skylocker-e2e-s3")
    port = free_port()
    endpoint = moto_url
    url = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=AWS_ENV["AWS_REGION"],
        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    bucket = "skylocker-e2e-files"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {"AllowedMethods": ["POST"], "AllowedOrigins": [url], "AllowedHeaders": ["*"]}
            ]
        },
    )
    served = _serve(
        data, inbox, port,
        SKYLOCKER_S3_BUCKET=bucket, SKYLOCKER_S3_ENDPOINT_URL=endpoint, **AWS_ENV,
    )  # fmt: skip
    for _ in served:
        yield S3Site(url, data, s3, bucket, endpoint)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """Opens browser contexts on the site; every page it checks is run through axe and saved."""

    def __init__(self, browser, site, axe_source, test_name):
        self.browser = browser
        self.site = site
        self.axe_source = axe_source
        self.test_name = test_name
        self.contexts = []
        self.csp_errors = []
        self.server_errors = []
        self.without_javascript = set()

    def new(self, **options):
        options = {"base_url": self.site.url, "accept_downloads": True, **options}
        context = self.browser.new_context(**options)
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        page = context.new_page()
        if options.get("java_script_enabled") is False:
            self.without_javascript.add(page)
        page.on("console", self._console)
        page.on("response", self._response)
        return page

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def check(self, page, name: str) -> None:
        """axe finds nothing serious or critical, the CSP blocked nothing, and a PNG is saved."""
        page.wait_for_load_state()
        result = self._axe(self._twin(page) if page in self.without_javascript else page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert bad == [], f"axe on {name}: {bad}"
        assert self.csp_errors == [], f"CSP blocked something on {name}: {self.csp_errors}"
        assert self.server_errors == [], f"server errors before {name}: {self.server_errors}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def _axe(self, page) -> dict:
        if page.evaluate("typeof window.axe") == "undefined":
            # add_script_tag would be an inline script, which Skylocker's CSP refuses.
            page.evaluate(self.axe_source)
        # No preload: axe would copy stylesheets into <style> elements to read them (for its one
        # CSSOM rule, orientation lock), which the CSP rightly refuses on pages such as the admin.
        return page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")

    def _twin(self, page):
        """The same page in a context where axe can run (it needs timers), its scripts held back."""
        html, url = page.content(), page.url
        context = self.browser.new_context()
        self.contexts.append(context)
        twin = context.new_page()
        twin.route("**/*.js", lambda route: route.abort())
        twin.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        twin.goto(url)
        return twin

    def close(self):
        for context in self.contexts:
            context.close()


def _pages_on(browser, site, axe_source, request):
    opened = Pages(browser, site, axe_source, request.node.name)
    yield opened
    opened.close()
    assert (opened.csp_errors, opened.server_errors) == ([], [])


@pytest.fixture
def pages(browser, site, axe_source, request):
    yield from _pages_on(browser, site, axe_source, request)


@pytest.fixture
def strict_pages(browser, strict_site, axe_source, request):
    """Like `pages`, on the Skylocker that requires staff to use two-factor sign-in."""
    yield from _pages_on(browser, strict_site, axe_source, request)


@pytest.fixture
def s3_pages(browser, s3_site, axe_source, request):
    """Like `pages`, on the Skylocker that stores its files on S3."""
    yield from _pages_on(browser, s3_site, axe_source, request)


# Records every value the (first) progress bar shows, kept in sessionStorage: an upload ends
# with a navigation to the list, which would take a window variable with it.
WATCH_PROGRESS = """() => {
  const bar = document.querySelector('.progress progress');
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem('progressSeen') || '[]');
    seen.push(Number(bar.value));
    sessionStorage.setItem('progressSeen', JSON.stringify(seen));
  }).observe(bar, {attributes: true, attributeFilter: ['value']});
}"""
PROGRESS_SEEN = "() => JSON.parse(sessionStorage.getItem('progressSeen') || '[]')"
SOME_PROGRESS = f"() => ({PROGRESS_SEEN})().some(v => v > 0 && v < 100)"


def sign_up(page, username: str, first: str, last: str, check=None) -> None:
    page.goto("/accounts/signup/")
    if check:
        check(page, "signup")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(f"{username}@skylocker.test")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/files/")


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/files/")


def upload(page, name: str, content: bytes, description: str = "") -> None:
    page.goto("/files/upload/")
    page.get_by_label("Choose files to upload").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text(f"Uploaded {name}.").wait_for()
