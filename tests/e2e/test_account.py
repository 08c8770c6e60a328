"""The Account page in Chromium: a forgotten password reset from a real email (after which old
API tokens answer 401), a password change, and one browser signing another out."""

import re

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, log_in, sign_up
from tests.live import wait_until

pytestmark = pytest.mark.e2e
NEW = "a-fresh-browser-passphrase-77"


def token(site, username, password=PASSWORD) -> str:
    response = httpx.post(
        f"{site.url}/api/v1/auth/token", json={"username": username, "password": password}
    )
    assert response.status_code == 200
    return response.json()["token"]


def me(site, raw) -> int:
    return httpx.get(
        f"{site.url}/api/v1/me", headers={"Authorization": f"Bearer {raw}"}
    ).status_code


def mail_to(inbox, address, subject=""):
    """The mails to this address (whose subject has `subject`), once there is one."""

    def find():
        with inbox.lock:
            return [
                m for to, m in inbox.messages if to == [address] and subject in m["Subject"]
            ]

    return wait_until(find)


def test_a_user_resets_a_forgotten_password_from_the_emailed_link(pages, site, inbox):
    page = pages.new()
    sign_up(page, "ida", "Ida", "Rhodes")
    raw = token(site, "ida")
    assert me(site, raw) == 200
    page.get_by_role("button", name="Log out").click()

    page.get_by_role("link", name="Forgot your password?").click()
    pages.check(page, "password-reset")
    page.get_by_label("Email").fill("ida@skylocker.test")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    pages.check(page, "password-reset-sent")

    (message,) = mail_to(inbox, "ida@skylocker.test", "password")
    link = re.search(r"https?://\S+", message.get_body(("plain",)).get_content())[0]
    page.goto(link)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    pages.check(page, "password-reset-confirm")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Set the password").click()
    page.get_by_role("heading", name="Your password is set").wait_for()
    pages.check(page, "password-reset-complete")

    assert me(site, raw) == 401
    assert (
        site.rows(
            "SELECT t.id FROM api_apitoken t JOIN auth_user u ON u.id = t.user_id "
            "WHERE u.username = 'ida'"
        )
        == []
    )
    log_in(page, "ida", NEW)


def test_one_browser_signs_another_out_and_revokes_a_token(pages, site):
    laptop, phone = pages.new(), pages.new()
    sign_up(laptop, "joan", "Joan", "Clarke")
    log_in(phone, "joan")
    raw = token(site, "joan")

    laptop.get_by_role("link", name="Account").click()
    laptop.wait_for_url("**/accounts/")
    rows = laptop.locator("table.files tbody tr")
    assert rows.count() == 3  # two browsers, one token
    assert laptop.get_by_text("(this browser)").count() == 1
    pages.check(laptop, "account")

    other = laptop.locator("tr", has_not=laptop.get_by_text("(this browser)")).filter(
        has=laptop.get_by_role("button", name=re.compile("^Sign out"))
    )
    other.get_by_role("button").click()
    laptop.get_by_text("That browser is signed out.").wait_for()
    phone.goto("/files/")
    assert "/accounts/login/" in phone.url

    laptop.get_by_role("button", name=re.compile("^Revoke")).click()
    laptop.get_by_text("The API token no longer works.").wait_for()
    assert me(site, raw) == 401
    assert (
        site.rows(
            "SELECT s.id FROM accounts_usersession s JOIN auth_user u ON u.id = s.user_id "
            "WHERE u.username = 'joan'"
        ).__len__()
        == 1
    )


def test_a_user_changes_their_password_from_the_account_page(pages, site):
    page, other = pages.new(), pages.new()
    sign_up(page, "shafi", "Shafi", "Goldwasser")
    log_in(other, "shafi")
    page.goto("/accounts/")
    page.get_by_role("link", name="Change password").click()
    pages.check(page, "password-change")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Password changed.", exact=False).wait_for()
    other.goto("/files/")
    assert "/accounts/login/" in other.url
    page.goto("/files/")
    assert page.url.endswith("/files/")
