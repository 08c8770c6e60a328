"""Nothing lost by mistake, in Chromium against the real server and worker: a burst of
deletions raises one alarm and one digest, staff restore the burst in one click, an upload
over a quota set in the admin is refused and leaves nothing, and three replaces keep three
versions of which the first comes back."""

import hashlib
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import (
    ADMIN_EMAIL,
    PASSWORD,
    STAFF,
    log_in,
    sign_up,
    upload,
    wait_until,
)

pytestmark = pytest.mark.e2e


def mails_about(inbox, text: str):
    with inbox.lock:
        return [m for _, m in inbox.messages if text in m["Subject"]]


def test_25_quick_deletions_give_one_alarm_and_one_digest_and_staff_restore_them(
    pages, site, inbox
):
    page = pages.new()
    sign_up(page, "anita", "Anita", "Borg")
    api = httpx.Client(base_url=site.url, timeout=30)
    token = api.post(
        "/api/v1/auth/token", json={"username": "anita", "password": PASSWORD}
    ).json()["token"]
    api.headers["Authorization"] = f"Bearer {token}"
    ids = [
        api.post("/api/v1/files", files={"file": (f"hop-{i:02}.txt", f"hop {i}\n".encode())})
        .json()["id"]
        for i in range(25)
    ]
    for file_id in ids:
        assert api.delete(f"/api/v1/files/{file_id}").status_code == 204

    (alarm,) = wait_until(lambda: mails_about(inbox, "Mass deletion: anita"))
    (digest,) = wait_until(lambda: mails_about(inbox, "mass deletion by anita"))
    assert alarm["To"] == ADMIN_EMAIL
    text = alarm.get_body(("plain",)).get_content()
    assert "127.0.0.1" in text and "the API" in text
    listed = digest.get_body(("plain",)).get_content()
    assert all(f"hop-{i:02}.txt" in listed for i in range(25))
    assert mails_about(inbox, "hop-") == []  # no mail per file
    assert len(site.rows("SELECT id FROM locker_trashedfile")) >= 25

    link = next(line for line in text.splitlines() if "/files/trash/burst/" in line).strip()
    staff = pages.new()
    log_in(staff, STAFF["username"], STAFF["password"])
    staff.goto(link)
    pages.check(staff, "trash-burst")
    staff.get_by_role("button", name="Restore 25 files").click()
    staff.get_by_text("Restored 25 files.").wait_for()
    assert sorted(row["id"].replace("-", "") for row in site.files_of("anita")) == sorted(
        i.replace("-", "") for i in ids
    )
    assert len(site.objects_of("anita")) == 25


def test_an_upload_over_a_quota_set_in_the_admin_is_refused_and_leaves_nothing(pages, site):
    page = pages.new()
    sign_up(page, "jean", "Jean", "Sammet")
    staff = pages.new()
    log_in(staff, STAFF["username"], STAFF["password"])
    (user,) = site.rows("SELECT id FROM auth_user WHERE username = ?", "jean")
    staff.goto(f"/admin/auth/user/{user['id']}/change/")
    staff.get_by_text("Add another Quota").click()
    staff.get_by_label("Quota bytes:").first.fill("100")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_text("was changed successfully").wait_for()

    page.goto("/files/")
    assert page.locator("meter#usage").get_attribute("max") == "100"
    page.goto("/files/upload/")
    page.get_by_label("Choose files to upload").set_input_files(
        {"name": "wind-tunnel.csv", "mimeType": "text/csv", "buffer": b"x" * 101}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Not uploaded: Over quota").wait_for()  # the file's own row says why
    pages.check(page, "upload-over-quota")
    assert "(100 bytes)" in page.content()
    assert site.files_of("jean") == []
    assert site.objects_of("jean") == {}


def test_selected_files_download_as_one_zip_and_move_to_the_trash_together(pages, site):
    import io
    import zipfile
    from pathlib import Path

    from tests.e2e.conftest import upload

    page = pages.new()
    sign_up(page, "ada2", "Ada", "Lovelace")
    upload(page, "note-a.txt", b"note A\n")
    upload(page, "note-g.txt", b"note G\n")
    page.goto("/files/")
    page.get_by_label("Select note-a.txt").check()
    page.get_by_label("Select note-g.txt").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download selected as zip").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {n: archive.read(n) for n in archive.namelist()} == {
        "note-a.txt": b"note A\n", "note-g.txt": b"note G\n"
    }  # fmt: skip

    page.get_by_label("Select note-a.txt").check()
    page.get_by_label("Select note-g.txt").check()
    page.get_by_role("button", name="Move selected to the trash").click()
    page.get_by_role("heading", name="Move 2 files to the trash?").wait_for()
    pages.check(page, "bulk-trash")
    page.get_by_role("button", name="Move 2 files to the trash").click()
    page.get_by_text("Moved 2 files to the trash.").wait_for()
    assert site.files_of("ada2") == []
    assert len(site.rows("SELECT id FROM locker_trashedfile WHERE name LIKE 'note-%'")) == 2
    assert len(site.objects_of("ada2")) == 2


def test_three_replaces_keep_three_versions_and_the_first_comes_back(pages, site):
    page = pages.new()
    sign_up(page, "sophie", "Sophie", "Wilson")
    first = b"first draft\n"
    upload(page, "draft-1.txt", first)
    for n in (2, 3, 4):
        page.goto("/files/")
        page.get_by_role("link", name=f"Replace draft-{n - 1}.txt").click()
        page.get_by_label("Choose new content").set_input_files(
            {"name": f"draft-{n}.txt", "mimeType": "text/plain", "buffer": f"draft {n}\n".encode()}
        )
        page.get_by_label("Use the new file's name").check()
        page.get_by_role("button", name="Save").click()
        page.get_by_text(f"Replaced the content of draft-{n}.txt.").wait_for()

    page.get_by_role("link", name="Versions of draft-4.txt").click()
    page.get_by_role("heading", name="Versions of “draft-4.txt”").wait_for()
    pages.check(page, "versions-three")
    names = page.locator("table.files td.name").all_inner_texts()
    assert names == ["draft-3.txt", "draft-2.txt", "draft-1.txt"]  # newest first
    assert len(site.objects_of("sophie")) == 4  # the current content and three versions

    page.get_by_role("button", name="Restore this version of draft-1.txt").click()
    page.get_by_text("Restored draft-1.txt as of").wait_for()
    (stored,) = site.files_of("sophie")
    assert (stored["name"], stored["sha256"]) == ("draft-1.txt", hashlib.sha256(first).hexdigest())
    page.goto("/files/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download draft-1.txt").click()
    assert Path(download.value.path()).read_bytes() == first
    kept = site.rows(
        "SELECT v.name FROM locker_fileversion v JOIN auth_user u ON u.id = v.owner_id "
        "WHERE u.username = ?",
        "sophie",
    )
    # the content the restore replaced is a version now: still three, nothing lost
    assert sorted(row["name"] for row in kept) == ["draft-2.txt", "draft-3.txt", "draft-4.txt"]
    assert len(site.objects_of("sophie")) == 4
