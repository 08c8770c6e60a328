"""A new user's first visit, from sign-up to log-out, in Chromium against the real server."""

import hashlib
import os
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    PROGRESS_SEEN,
    SOME_PROGRESS,
    WATCH_PROGRESS,
    log_in,
    sign_up,
    wait_until,
)

pytestmark = pytest.mark.e2e


def row_of(page, name):
    return page.locator("table.files tbody tr", has=page.locator("td.name", has_text=name))


def test_a_new_user_signs_up_uploads_downloads_replaces_deletes_and_logs_out(pages, site):
    page = pages.new()
    sign_up(page, "grace", "Grace", "Hopper", check=pages.check)
    assert page.get_by_role("status").inner_text() == (
        "Welcome to Skylocker, Grace. "
        "We mailed a link to grace@skylocker.test: follow it to verify your address."
    )
    assert page.get_by_role("button", name="Log out").is_visible()
    (user,) = site.rows("SELECT first_name, last_name, email FROM auth_user WHERE username='grace'")
    assert tuple(user) == ("Grace", "Hopper", "grace@skylocker.test")
    pages.check(page, "files-empty")
    # Sign-up signs in straight away; the journey also logs out and in through the form.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    log_in(page, "grace")
    assert page.get_by_role("button", name="Log out").is_visible()

    page.get_by_role("link", name="Upload a file").click()
    page.wait_for_url("**/files/upload/")
    pages.check(page, "upload")
    # Slow the upload down so the bar has something to show (DevTools network throttling).
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 256 * 1024},
    )
    content = os.urandom(700 * 1024)
    page.get_by_label("Choose files to upload").set_input_files(
        {"name": "compiler-notes.bin", "mimeType": "application/octet-stream", "buffer": content}
    )
    assert page.locator(".chosen").inner_text() == "compiler-notes.bin (700.0\u00a0KB)"
    page.get_by_label("Description").fill("Notes on the A-0 compiler")
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_function(SOME_PROGRESS)
    assert page.get_by_role("button", name="Upload", exact=True).is_disabled()
    pages.check(page, "upload-progress")
    page.get_by_text("Uploaded compiler-notes.bin.").wait_for()
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
             "downloadThroughput": -1, "uploadThroughput": -1})  # fmt: skip
    seen = page.evaluate(PROGRESS_SEEN)
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen) and seen[-1] == 100, seen
    assert page.url == f"{site.url}/files/"

    (stored,) = site.files_of("grace")
    assert (stored["name"], stored["description"], stored["size"]) == (
        "compiler-notes.bin", "Notes on the A-0 compiler", len(content)
    )  # fmt: skip
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert site.objects_of("grace") == {stored["file"]: content}

    row = row_of(page, "compiler-notes.bin")
    cells = [cell.strip() for cell in row.locator("td[data-label]").all_inner_texts()]
    assert cells[:3] == ["compiler-notes.bin", "Notes on the A-0 compiler", "700.0\u00a0KB"]
    assert cells[3] == cells[4] == "now"  # no Owner column on My files: it is always you
    uploaded = row.locator("td[data-label=Uploaded] time").get_attribute("datetime")
    updated = row.locator("td[data-label=Updated] time").get_attribute("datetime")
    pages.check(page, "files")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download compiler-notes.bin").click()
    assert download.value.suggested_filename == "compiler-notes.bin"
    assert Path(download.value.path()).read_bytes() == content

    page.get_by_role("link", name="Replace compiler-notes.bin").click()
    pages.check(page, "replace")
    new_content = b"A-0 was the first compiler.\n" * 100
    page.get_by_label("Choose new content").set_input_files(
        {"name": "compiler-notes.txt", "mimeType": "text/plain", "buffer": new_content}
    )
    page.get_by_label("Use the new file's name").check()
    page.get_by_label("Description").fill("Notes, revised")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(
        "Renamed compiler-notes.bin to compiler-notes.txt. Replaced the content of "
        "compiler-notes.txt. Changed the description of compiler-notes.txt."
    ).wait_for()
    row = row_of(page, "compiler-notes.txt")
    assert row.locator("td[data-label=Description]").inner_text() == "Notes, revised"
    assert row.locator("td[data-label=Uploaded] time").get_attribute("datetime") == uploaded
    assert row.locator("td[data-label=Updated] time").get_attribute("datetime") > updated
    (replaced,) = site.files_of("grace")
    assert (replaced["id"], replaced["size"]) == (stored["id"], len(new_content))
    # the old content is kept as a version
    assert site.objects_of("grace") == {replaced["file"]: new_content, stored["file"]: content}

    row.get_by_role("link", name="Rename compiler-notes.txt").click()
    name = page.get_by_label("Name")
    assert name.evaluate("e => e === document.activeElement")  # ready to type
    pages.check(page, "rename")
    name.fill("a0-notes.txt")
    page.get_by_role("button", name="Rename").click()
    page.get_by_text("Renamed compiler-notes.txt to a0-notes.txt.").wait_for()
    (renamed,) = site.files_of("grace")
    assert (renamed["id"], renamed["name"], renamed["file"]) == (
        stored["id"], "a0-notes.txt", replaced["file"]
    )  # fmt: skip
    # the name changed, nothing else: the current content and the kept version are as they were
    assert site.objects_of("grace") == {replaced["file"]: new_content, stored["file"]: content}

    row = row_of(page, "a0-notes.txt")
    row.get_by_role("link", name="Delete a0-notes.txt").click()
    page.get_by_role("heading", name="Delete “a0-notes.txt”?").wait_for()
    pages.check(page, "delete")
    assert site.files_of("grace") != []  # asking is not deleting
    page.get_by_role("button", name="Delete “a0-notes.txt”").click()
    page.get_by_text("Moved a0-notes.txt to the trash.").wait_for()
    assert page.get_by_text("You have no files yet.").is_visible()
    assert site.files_of("grace") == []
    assert len(site.objects_of("grace")) == 2  # nothing left storage

    # The trash gives it back: same id, identical bytes, its version too.
    page.get_by_role("link", name="Trash").click()
    page.get_by_role("heading", name="Trash").wait_for()
    pages.check(page, "trash")
    page.get_by_role("button", name="Restore a0-notes.txt").click()
    page.get_by_text("Restored a0-notes.txt.").wait_for()
    page.get_by_role("link", name="My files", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a0-notes.txt").click()
    assert Path(download.value.path()).read_bytes() == new_content
    assert site.files_of("grace")[0]["id"] == stored["id"]

    # The first content comes back from the file's versions.
    page.get_by_role("link", name="Versions of a0-notes.txt").click()
    page.get_by_role("heading", name="Versions of “a0-notes.txt”").wait_for()
    pages.check(page, "versions")
    page.get_by_role("button", name="Restore this version of compiler-notes.bin").click()
    page.get_by_text("Restored compiler-notes.bin as of").wait_for()
    (first,) = site.files_of("grace")
    assert (first["name"], first["sha256"]) == (
        "compiler-notes.bin", hashlib.sha256(content).hexdigest()
    )  # fmt: skip

    # Deleted, then deleted for good from the trash: now the content leaves storage.
    page.get_by_role("link", name="My files", exact=True).click()
    page.get_by_role("link", name="Delete compiler-notes.bin").click()
    page.get_by_role("button", name="Delete “compiler-notes.bin”").click()
    page.get_by_text("Moved compiler-notes.bin to the trash.").wait_for()
    page.get_by_role("link", name="Trash").click()
    page.get_by_role("link", name="Delete permanently compiler-notes.bin").click()
    page.get_by_role("heading", name="Delete “compiler-notes.bin” permanently?").wait_for()
    pages.check(page, "trash-delete")
    page.get_by_role("button", name="Delete “compiler-notes.bin” permanently").click()
    page.get_by_text("Deleted compiler-notes.bin permanently.").wait_for()
    assert page.get_by_text("The trash is empty.").is_visible()
    assert wait_until(lambda: site.objects_of("grace") == {})
    kinds = site.rows("SELECT kind FROM locker_deletionalert ORDER BY deleted_at, id")
    assert [row["kind"] for row in kinds][-3:] == ["trashed", "trashed", "removed"]

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    pages.check(page, "login")
    page.goto("/files/")
    assert page.url.startswith(f"{site.url}/accounts/login/")
