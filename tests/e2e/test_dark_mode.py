"""Dark mode follows the system's preference; the header's switch overrides it and is remembered."""

import pytest

from tests.e2e.conftest import sign_up

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
    switch.click()
    assert page.evaluate(BACKGROUND) == LIGHT_BG
    assert switch.get_attribute("aria-pressed") == "false"
    page.goto("/files/")  # a new page: the choice holds
    assert page.evaluate(BACKGROUND) == LIGHT_BG
    assert page.evaluate("localStorage.getItem('skylocker-theme')") == "light"


def test_a_light_system_can_switch_to_dark(pages, site):
    page = pages.new(color_scheme="light")
    page.goto("/accounts/login/")
    assert page.evaluate(BACKGROUND) == LIGHT_BG
    page.get_by_role("button", name="Dark mode").click()
    page.reload()
    assert page.evaluate(BACKGROUND) == DARK_BG
    assert page.get_by_role("button", name="Dark mode").get_attribute("aria-pressed") == "true"
    pages.check(page, "login-dark")
