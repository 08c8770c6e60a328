"""The audit log in Chromium: a user's own Activity page; staff filter everyone's activity by
user and export it as CSV (downloaded and read back)."""

import csv

import pytest

from audit.export import COLUMNS
from tests.e2e.conftest import STAFF, log_in, sign_up, upload

pytestmark = pytest.mark.e2e


def test_staff_filter_the_audit_log_by_user_and_export_it(pages, site):
    for username, first, last in [("auditmaria", "Maria", "Mitchell"),
                                  ("auditnils", "Nils", "Bohlin")]:
        page = pages.new()
        sign_up(page, username, first, last)
        upload(page, f"{username}-notes.txt", f"{first}'s notes\n".encode())
    page.get_by_role("link", name="Activity").click()  # Nils's own
    page.get_by_role("heading", name="Your activity").wait_for()
    assert "auditnils-notes.txt" in page.locator("table.audit").inner_text()
    assert "auditmaria" not in page.locator("table.audit").inner_text()
    pages.check(page, "activity-own")

    staff = pages.new()
    log_in(staff, STAFF["username"], STAFF["password"])
    staff.get_by_role("link", name="Activity").click()
    staff.get_by_role("link", name="Everyone's activity").click()
    staff.get_by_role("heading", name="Everyone's activity").wait_for()
    staff.get_by_label("User").fill("auditmaria")
    staff.get_by_role("button", name="Filter").click()
    staff.wait_for_url("**/activity/all/?*user=auditmaria*")
    who = staff.locator("table.audit td.actor").all_inner_texts()
    assert who and set(who) == {"auditmaria"}
    actions = staff.locator("table.audit td.action").all_inner_texts()
    assert {"account.signup", "account.login", "file.uploaded"} <= set(actions)
    pages.check(staff, "activity-all-by-user")

    with staff.expect_download() as download:
        staff.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("skylocker-audit-")
    with open(download.value.path(), newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == len(who)  # the export holds what the filter shows, every page of it
    assert {row["actor"] for row in rows} == {"auditmaria"}
    assert {row["door"] for row in rows} == {"web"}
    (upload_row,) = [row for row in rows if row["action"] == "file.uploaded"]
    assert (upload_row["owner"], upload_row["object_name"], upload_row["address"]) == (
        "auditmaria", "auditmaria-notes.txt", "127.0.0.1"
    )
    stored = site.rows(
        "SELECT e.action FROM audit_auditevent e JOIN auth_user u ON u.id = e.owner_id "
        "WHERE u.username = ? ORDER BY e.id",
        "auditmaria",
    )
    assert [row["action"] for row in rows][::-1] == [row["action"] for row in stored]
