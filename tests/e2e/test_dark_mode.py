"""Dark mode follows the system's preference; the header's switch overrides it and is remembered
with the account (or, before log-in, in a cookie), rendered by the server so nothing flashes."""

import pytest

from tests.e2e.conftest import log_in, sign_up

pytestmark = pytest.mark.e2e

BACKGROUND = "getComputedStyle(document.body).backgroundColor"
DARK_BG, LIGHT_BG = "rgb(18, 24, 32)", "rgb(247, 249, 251)"


def test_a_dark_system_gets_dark_pages_and_the_switch_is_remembered(pages, site):
    page = pages.new(color_scheme="dark")
    sign_up(page, "mary-k", "Mary", "Kenneth Keller")
    page.goto("/files/")
    assert page.evaluate(BACKGROUND) == DARK_BG
    switch = page.get_by_role("button", name="Dark mode")
    assert switch.get_attribute("aria-pressed") == "true"
    pages.check(page, "files-dark")
    page.goto("/files/upload/")
    pages.check(page, "upload-dark")

    switch = page.get_by_role("button", name="Dark mode")
    with page.expect_response(lambda answer: "/accounts/preferences/theme/" in answer.url):
        switch.click()
    assert page.evaluate(BACKGROUND) == LIGHT_BG
    assert switch.get_attribute("aria-pressed") == "false"
    page.goto("/files/")  # a new page: the choice holds, in the page as the server sends it
    assert page.evaluate(BACKGROUND) == LIGHT_BG
    assert page.locator("html").get_attribute("data-theme") == "light"
    rows = site.rows(
        "SELECT p.theme FROM preferences_preferences p JOIN auth_user u ON u.id = p.user_id "
        "WHERE u.username = ?", "mary-k",
    )
    assert [tuple(row) for row in rows] == [("light",)]
    # Another browser of the same person: the choice came with the account.
    elsewhere = pages.new(color_scheme="dark")
    log_in(elsewhere, "mary-k")
    assert elsewhere.evaluate(BACKGROUND) == LIGHT_BG


def test_a_light_system_can_switch_to_dark(pages, site):
    page = pages.new(color_scheme="light")
    page.goto("/accounts/login/")
    assert page.evaluate(BACKGROUND) == LIGHT_BG
    with page.expect_response(lambda answer: "/accounts/preferences/theme/" in answer.url):
        page.get_by_role("button", name="Dark mode").click()
    page.reload()
    assert page.evaluate(BACKGROUND) == DARK_BG
    assert page.get_by_role("button", name="Dark mode").get_attribute("aria-pressed") == "true"
    pages.check(page, "login-dark")
