"""On a phone, sorting is a visible menu and the keyboard never lands on something unseen; on
every screen the first Tab offers a skip link to the content."""

import pytest

from tests.e2e.conftest import sign_up, upload
from tests.e2e.test_input_methods import PHONE

pytestmark = pytest.mark.e2e

# Where the focused element is: its box, and the window's width.
FOCUSED = """() => {
  const e = document.activeElement;
  const box = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.innerText || e.value || e.name || '').trim().slice(0, 40),
          left: box.left, right: box.right, top: box.top, bottom: box.bottom,
          width: box.width, height: box.height, innerWidth: window.innerWidth,
          innerHeight: window.innerHeight};
}"""


def tab_through(page, presses: int) -> list[dict]:
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen


def test_on_a_phone_sorting_is_a_visible_menu_and_focus_stays_on_screen(pages, site):
    page = pages.new(**PHONE)
    sign_up(page, "hedy", "Hedy", "Lamarr")
    for name in ("b-frequency.txt", "c-hopping.txt", "a-torpedo.txt"):
        upload(page, name, f"{name}\n".encode())
    page.goto("/files/")
    sort_by = page.get_by_label("Sort by")
    assert sort_by.is_visible()
    sort_by.select_option(label="Name, A to Z")
    page.get_by_role("button", name="Sort", exact=True).click()
    page.wait_for_url("**sort=name**")
    names = page.locator("td.name").all_inner_texts()
    assert names == ["a-torpedo.txt", "b-frequency.txt", "c-hopping.txt"]
    assert not page.locator("table.files thead").is_visible()
    pages.check(page, "phone-files-sorted")

    page.locator("body").focus()
    for focused in tab_through(page, 30):
        assert focused["width"] > 0 and focused["height"] > 0, focused
        assert 0 <= focused["left"] and focused["right"] <= focused["innerWidth"], focused
        assert 0 <= focused["top"] and focused["bottom"] <= focused["innerHeight"], focused
    cards = page.locator("table.files tbody tr").evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().height)"
    )
    assert len(cards) == 3 and max(cards) < 160, cards  # compact: was ~240px a file


def test_the_first_tab_offers_a_skip_link_that_moves_to_the_content(pages, site):
    page = pages.new()
    sign_up(page, "alan", "Alan", "Kay")
    page.goto("/files/")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Skip to the content"
    assert first["top"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Upload a file"
