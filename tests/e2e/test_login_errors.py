"""Wrong passwords in the browser: a clear error, then the locked-out page, and no session."""

import pytest

from tests.e2e.conftest import PASSWORD, sign_up

pytestmark = pytest.mark.e2e


def test_wrong_passwords_show_an_error_and_then_the_locked_out_page(pages, site):
    sign_up(pages.new(), "ada", "Ada", "Lovelace")
    page = pages.new()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    assert "correct username and password" in page.get_by_role("alert").inner_text()
    pages.check(page, "login-error")
    for _ in range(4):
        page.get_by_label("Password").fill("still-not-the-password")
        with page.expect_navigation():  # each failure's answer, before the next try
            page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Too many failed log-ins").wait_for()
    pages.check(page, "locked-out")
    # Locked means locked: even the right password does not let this address in now.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Too many failed log-ins").wait_for()
    assert page.goto("/files/").url.startswith(f"{site.url}/accounts/login/")
    (attempt,) = site.rows(
        "SELECT failures_since_start FROM axes_accessattempt WHERE username='ada'"
    )
    assert attempt["failures_since_start"] >= 5
