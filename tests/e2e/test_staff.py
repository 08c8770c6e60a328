"""Staff in the browser: everyone's files, filtered by owner, and deleting someone else's file."""

import pytest

from tests.e2e.conftest import ADMIN_EMAIL, STAFF, log_in, sign_up, upload
from tests.live import wait_until

pytestmark = pytest.mark.e2e


def test_staff_see_all_files_filter_by_owner_and_delete_another_users_file(pages, site, inbox):
    for username, first, last, name in [
        ("margaret", "Margaret", "Hamilton", "apollo-guidance.agc"),
        ("annie", "Annie", "Easley", "centaur-rocket.txt"),
    ]:
        page = pages.new()
        sign_up(page, username, first, last)
        upload(page, name, f"{name} by {first}\n".encode(), f"{first}'s work")
    (doomed,) = site.files_of("margaret")

    staff = pages.new()
    log_in(staff, STAFF["username"], STAFF["password"])
    staff.get_by_role("link", name="All files").click()
    staff.get_by_role("heading", name="All files").wait_for()
    assert staff.get_by_text("apollo-guidance.agc").is_visible()
    assert staff.get_by_text("centaur-rocket.txt").is_visible()
    pages.check(staff, "all-files")

    owner = staff.get_by_role("combobox", name="Owner")  # a text field with suggestions
    owner.press_sequentially("Hamil")  # typed as a person would: part of a name
    suggestion = staff.locator('#owner-suggestions option[value="margaret"]')
    suggestion.wait_for(state="attached")
    assert suggestion.get_attribute("label").startswith("Margaret Hamilton")
    owner.fill("margaret")  # the suggestion chosen: its username
    staff.get_by_role("button", name="Search").click()
    staff.wait_for_url("**/files/all/?*owner=*")
    names = staff.locator("table.files td.name").all_inner_texts()
    assert [name.splitlines()[0] for name in names] == ["apollo-guidance.agc"]  # then its path
    pages.check(staff, "all-files-by-owner")

    staff.get_by_role("link", name="Delete apollo-guidance.agc").click()
    staff.get_by_role("heading", name="Delete “apollo-guidance.agc”?").wait_for()
    assert staff.get_by_text("owned by Margaret Hamilton").is_visible()
    pages.check(staff, "delete-as-staff")
    staff.get_by_role("button", name="Delete “apollo-guidance.agc”").click()
    staff.get_by_text("Moved apollo-guidance.agc to the trash.").wait_for()
    assert staff.get_by_role("heading", name="All files").is_visible()
    assert site.files_of("margaret") == []
    assert list(site.objects_of("margaret")) == [doomed["file"]]  # in margaret's trash
    assert len(site.files_of("annie")) == 1
    (alert,) = site.rows(
        "SELECT owner_username, actor_username FROM locker_deletionalert WHERE file_id = ?",
        doomed["id"],
    )
    assert tuple(alert) == ("margaret", "staff")

    # The worker sends the alert to the admins, and a notice to Margaret, through SMTP.
    def alert_mail():
        with inbox.lock:
            mails = [m for m in inbox.messages if "apollo-guidance.agc" in m[1]["Subject"]]
        return mails if len(mails) == 2 else []

    mails = {tuple(to): message for to, message in wait_until(alert_mail)}
    assert set(mails) == {(ADMIN_EMAIL,), ("margaret@skylocker.test",)}
    message = mails[(ADMIN_EMAIL,)]
    assert message["Subject"] == "[Skylocker] apollo-guidance.agc was moved to the trash by staff"
    assert "Margaret Hamilton" in message.get_body(("plain",)).get_content()
    notice = mails[("margaret@skylocker.test",)]
    assert notice["Subject"] == "[Skylocker] Your file apollo-guidance.agc was deleted by staff"
    delivered = wait_until(lambda: len(site.rows(
        "SELECT d.delivered_at FROM locker_alertdelivery d JOIN locker_deletionalert a "
        "ON a.id = d.alert_id WHERE a.file_id = ? AND d.delivered_at IS NOT NULL",
        doomed["id"],
    )) == 2)  # fmt: skip
    assert delivered


def test_the_admin_pages_staff_use_pass_axe(pages, site):
    page = pages.new()
    sign_up(page, "evelyn", "Evelyn", "Granville")
    upload(page, "orbit-tables.csv", b"t,r\n0,6371\n", "Project Mercury")
    (stored,) = site.files_of("evelyn")

    staff = pages.new()
    log_in(staff, STAFF["username"], STAFF["password"])
    staff.get_by_role("link", name="Admin").click()
    staff.get_by_role("heading", name="Site administration").wait_for()
    pages.check(staff, "admin-index")
    for path, heading, name in [
        ("/admin/locker/storedfile/", "Select stored file to change", "admin-files"),
        (f"/admin/locker/storedfile/{stored['id']}/change/", "orbit-tables.csv", "admin-file"),
        ("/admin/auth/user/", "Select user to change", "admin-users"),
        ("/admin/locker/deletionalert/", "Select deletion alert to view", "admin-alerts"),
        (f"/admin/auth/user/{stored['owner_id']}/change/", "evelyn", "admin-user"),
        (f"/admin/locker/storedfile/{stored['id']}/delete/", "Delete", "admin-delete"),
    ]:
        staff.goto(path)
        staff.get_by_role("heading", name=heading).first.wait_for()
        pages.check(staff, name)

    # The delete confirmed in the admin, then its alert as staff see it there.
    staff.get_by_role("button", name="Yes, I’m sure").click()
    staff.get_by_text("was deleted successfully").wait_for()
    assert site.files_of("evelyn") == []
    ((alert_id,),) = wait_until(lambda: site.rows(
        "SELECT id FROM locker_deletionalert WHERE file_id = ?", stored["id"]
    ))  # fmt: skip
    staff.goto(f"/admin/locker/deletionalert/{alert_id}/change/")
    staff.get_by_role("heading", name="View deletion alert").wait_for()
    pages.check(staff, "admin-alert")
