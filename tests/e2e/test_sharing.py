"""Share links and file requests in Chromium: the owner shares a file with a password and a
download limit, a stranger (a fresh browser context, no account) downloads it until the limit;
the owner asks for files, a stranger uploads one with a progress bar (and once without
JavaScript), and the owner sees it in the list and gets the email."""

from pathlib import Path

import pytest

from tests.e2e.conftest import PROGRESS_SEEN, SOME_PROGRESS, WATCH_PROGRESS, sign_up, upload
from tests.e2e.test_upload_queue import throttle
from tests.live import wait_until

pytestmark = pytest.mark.e2e

INVALID = "This link is not valid any more"


def created_url(page) -> str:
    return page.locator("#created-url").input_value()


def test_a_shared_file_asks_for_its_password_and_stops_at_its_download_limit(pages, site):
    owner = pages.new()
    sign_up(owner, "sharing-lena", "Lena", "Shared")
    content = b"the treasure map\n" * 100
    upload(owner, "treasure-map.txt", content, "for the crew")
    owner.goto("/files/")
    owner.get_by_role("link", name="Share treasure-map.txt").click()
    assert "current content" in owner.locator("main").inner_text()
    pages.check(owner, "share-form")
    owner.get_by_label("Password (optional)").fill("parrot-on-shoulder")
    owner.get_by_label("Download limit (optional)").fill("2")
    owner.get_by_label("Note for the recipient (optional)").fill("Dig at noon")
    owner.get_by_role("button", name="Create link").click()
    url = created_url(owner)
    pages.check(owner, "share-created")

    guest = pages.new()  # a fresh context: no session, no account
    guest.goto(url)
    assert "treasure-map.txt" not in guest.locator("main").inner_text()
    pages.check(guest, "share-password")
    guest.get_by_label("Password").fill("wrong-guess")
    guest.get_by_role("button", name="Continue").click()
    guest.get_by_text("That password is not right.").wait_for()
    guest.get_by_label("Password").fill("parrot-on-shoulder")
    guest.get_by_role("button", name="Continue").click()
    guest.get_by_role("heading", name="treasure-map.txt").wait_for()
    assert "Dig at noon" in guest.locator("main").inner_text()
    pages.check(guest, "share-page")
    for _ in range(2):
        with guest.expect_download() as download:
            guest.get_by_role("link", name="Download").click()
        assert download.value.suggested_filename == "treasure-map.txt"
        assert Path(download.value.path()).read_bytes() == content

    guest.reload()
    guest.get_by_role("heading", name=INVALID).wait_for()
    pages.check(guest, "share-used-up")
    assert [tuple(row) for row in site.rows(
        "SELECT l.downloads, l.max_downloads FROM sharing_sharelink l "
        "JOIN auth_user u ON u.id = l.owner_id WHERE u.username = ?", "sharing-lena"
    )] == [(2, 2)]  # fmt: skip
    owner.goto("/links/")
    assert "2 / 2" in owner.locator("table.links").inner_text()
    pages.check(owner, "my-links")


def ask_for_files(pages, username: str, first: str, message: str):
    owner = pages.new()
    sign_up(owner, username, first, "Asking")
    owner.goto("/links/")
    owner.get_by_role("link", name="Ask for files").click()
    owner.get_by_label("Message shown on the upload page (optional)").fill(message)
    owner.get_by_label("Files at most").fill("3")
    owner.get_by_role("button", name="Create file request").click()
    return owner, created_url(owner)


def test_a_stranger_uploads_into_a_file_request_with_progress_and_the_owner_is_told(
    pages, site, inbox
):
    owner, url = ask_for_files(pages, "sharing-olga", "Olga", "Your holiday photos, please")
    pages.check(owner, "request-created")

    guest = pages.new()
    guest.goto(url)
    assert "Your holiday photos, please" in guest.locator("main").inner_text()
    pages.check(guest, "request-page")
    guest.evaluate(WATCH_PROGRESS)
    throttle(guest, 200 * 1024)
    photo = bytes(range(256)) * 2400  # 600 KB, three seconds at this speed
    guest.get_by_label("File").set_input_files(
        {"name": "beach.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    guest.get_by_label("Your name (optional)").fill("Pat")
    guest.get_by_role("button", name="Send").click()
    guest.get_by_text("Received beach.jpg. Thank you.").wait_for()
    assert guest.evaluate(SOME_PROGRESS), guest.evaluate(PROGRESS_SEEN)
    pages.check(guest, "request-received")

    [row] = site.files_of("sharing-olga")
    assert (row["name"], row["size"]) == ("beach.jpg", len(photo))
    assert list(site.objects_of("sharing-olga").values()) == [photo]
    owner.goto("/files/")
    owner.get_by_text("received via Your holiday photos, please").wait_for()
    assert "from Pat" in owner.locator("table.files").inner_text()

    def told():
        # (Her sign-up's verification mail goes to the same address.)
        return [m for rcpt, m in inbox.messages
                if rcpt == ["sharing-olga@skylocker.test"] and "received" in m["Subject"]]

    [mail] = wait_until(told, timeout=30)  # the worker mails within a round or two
    assert "1 file received" in mail["Subject"]
    assert "beach.jpg" in mail.get_content() and "from Pat" in mail.get_content()


def test_a_file_request_works_without_javascript(pages, site):
    owner, url = ask_for_files(pages, "sharing-nora", "Nora", "Scans of the contract")

    guest = pages.new(java_script_enabled=False)
    guest.goto(url)
    guest.get_by_label("File").set_input_files(
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scan"}
    )
    guest.get_by_role("button", name="Send").click()
    guest.get_by_text("Received contract.pdf. Thank you.").wait_for()
    pages.check(guest, "request-received-without-javascript")

    assert [row["name"] for row in site.files_of("sharing-nora")] == ["contract.pdf"]
