"""`skylocker share`, `links`, `unshare` and `request` against a live Skylocker (the CLI runs in
this process through click's runner, talking HTTP to the live server)."""

from datetime import timedelta

import httpx
import pytest
from click.testing import CliRunner
from django.utils import timezone

from sharing.models import FileRequest, ShareLink
from skylocker_cli.main import cli
from tests.conftest import PASSWORD


@pytest.fixture
def run(tmp_path, live_server, alice, fresh_throttle):
    runner = CliRunner(env={"XDG_CONFIG_HOME": str(tmp_path / "config")})

    def invoke(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    logged_in = invoke("login", live_server.url, "-u", "alice", "--password", PASSWORD)
    assert logged_in.exit_code == 0, logged_in.output
    return invoke


@pytest.mark.django_db(transaction=True)
def test_share_prints_a_url_that_asks_for_the_password_given(run, alice_file, live_server):
    result = run(
        "share", alice_file.pk, "--days", 3, "--password", "--max-downloads", 2,
        input="cli secret\ncli secret\n",
    )

    assert result.exit_code == 0, result.output
    url = next(line for line in result.output.splitlines() if "/s/" in line).strip()
    assert url.startswith(f"{live_server.url}/s/")
    link = ShareLink.objects.get()
    assert (link.max_downloads, link.check_password("cli secret")) == (2, True)
    assert timedelta(days=2, hours=23) < link.expires_at - timezone.now() <= timedelta(days=3)
    page = httpx.get(url)
    assert page.status_code == 200 and "needs a password" in page.text


@pytest.mark.django_db(transaction=True)
def test_links_lists_links_and_requests_and_unshare_revokes(run, alice_file, live_server):
    run("share", alice_file.pk)
    made = run("request", "--days", 2, "--message", "Scans please")
    link = ShareLink.objects.get()

    listed = run("links")
    revoked = run("unshare", link.pk)

    url = next(line for line in made.output.splitlines() if "/r/" in line).strip()
    assert url.startswith(f"{live_server.url}/r/")
    assert httpx.get(url).status_code == 200
    asked = FileRequest.objects.get()
    assert timedelta(days=1, hours=23) < asked.expires_at - timezone.now() <= timedelta(days=2)
    assert str(link.pk) in listed.output and "alice.txt" in listed.output
    assert str(asked.pk) in listed.output and "Scans please" in listed.output
    assert revoked.exit_code == 0
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.django_db(transaction=True)
def test_sharing_someone_elses_file_is_not_found_with_exit_4(run, bob_file):
    result = run("share", bob_file.pk)

    assert result.exit_code == 4
    assert not ShareLink.objects.exists()
