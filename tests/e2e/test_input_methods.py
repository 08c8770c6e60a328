"""Other ways in: dropping a file, using only the keyboard, and a phone-sized screen."""

import pytest

from tests.e2e.conftest import sign_up, upload

pytestmark = pytest.mark.e2e

DROP = """(zone) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File(['dropped on the zone\\n'], 'dropped.txt', {type: 'text/plain'}));
  for (const type of ['dragenter', 'dragover', 'drop']) {
    const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
    zone.dispatchEvent(new DragEvent(type, init));
  }
}"""


def tab_to(page, name: str, limit: int = 40) -> None:
    """Presses Tab until the element with this accessible text has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.getAttribute('aria-label') || e.labels?.[0]?.innerText || e.innerText; }"
        )
        if focused and focused.strip().startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def page_width(page) -> int:
    # A phone browser widens its layout to fit whatever sticks out: compare with the screen.
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_file_dropped_on_the_upload_area_is_uploaded(pages, site):
    page = pages.new()
    sign_up(page, "rosalind", "Rosalind", "Franklin")
    page.goto("/files/upload/")
    page.locator(".dropzone").evaluate(DROP)
    assert page.locator(".chosen").inner_text() == "dropped.txt (20 bytes)"
    pages.check(page, "upload-dropped")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Uploaded dropped.txt.").wait_for()
    (stored,) = site.files_of("rosalind")
    assert (stored["name"], stored["size"]) == ("dropped.txt", 20)
    assert site.objects_of("rosalind") == {stored["file"]: b"dropped on the zone\n"}


def test_a_keyboard_alone_uploads_and_deletes_a_file(pages, site):
    page = pages.new()
    sign_up(page, "barbara", "Barbara", "Liskov")
    tab_to(page, "Upload a file")
    page.keyboard.press("Enter")
    page.wait_for_url("**/files/upload/")
    tab_to(page, "Choose a file to upload")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        {"name": "clu-notes.txt", "mimeType": "text/plain", "buffer": b"abstract data types\n"}
    )
    tab_to(page, "Description")
    page.keyboard.type("CLU design notes")
    tab_to(page, "Upload")
    page.keyboard.press("Enter")
    page.get_by_text("Uploaded clu-notes.txt.").wait_for()
    (stored,) = site.files_of("barbara")
    assert (stored["name"], stored["description"]) == ("clu-notes.txt", "CLU design notes")

    tab_to(page, "Delete clu-notes.txt")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Delete “clu-notes.txt”?").wait_for()
    tab_to(page, "Delete “clu-notes.txt”")
    page.keyboard.press("Enter")
    page.get_by_text("Deleted clu-notes.txt.").wait_for()
    assert site.files_of("barbara") == []
    assert site.objects_of("barbara") == {}


def test_every_page_fits_a_phone_screen(pages, site):
    page = pages.new(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/accounts/login/")
    assert page_width(page) <= 390
    pages.check(page, "phone-login")
    sign_up(page, "radia", "Radia", "Perlman")
    upload(page, "spanning-tree.txt", b"Algorhyme\n" * 10, "I think that I shall never see")
    (stored,) = site.files_of("radia")
    assert stored["size"] == 100
    for path, name in [("/files/", "phone-files"), ("/files/upload/", "phone-upload")]:
        page.goto(path)
        width = page_width(page)
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
        pages.check(page, name)
    assert page.get_by_role("button", name="Upload", exact=True).is_visible()
