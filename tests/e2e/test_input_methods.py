"""Other ways in: dropping a file, using only the keyboard, and a phone-sized screen."""

from uuid import UUID

import pytest

from tests.e2e.conftest import STAFF, log_in, sign_up, upload

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
    """How wide the page lays out: the document's width, or a table's that scrolls inside it.

    A phone browser widens its layout to fit whatever sticks out; a table in a scrolling
    wrapper would not widen the page but still make the reader scroll sideways.
    """
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, "
        "...[...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth))"
    )


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
    tab_to(page, "Choose files to upload")
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
    page.get_by_text("Moved clu-notes.txt to the trash.").wait_for()
    assert site.files_of("barbara") == []
    assert list(site.objects_of("barbara")) == [stored["file"]]  # kept in the trash


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def fits_a_phone(pages, page, path: str, name: str, status: int = 200) -> None:
    assert page.goto(path).status == status, path
    width = page_width(page)
    assert width <= 390, f"{path} is {width}px wide on a 390px phone"
    pages.check(page, name)


def test_every_page_fits_a_phone_screen(pages, site):
    page = pages.new(**PHONE)
    for path, name in [("/accounts/login/", "phone-login"), ("/accounts/signup/", "phone-signup")]:
        fits_a_phone(pages, page, path, name)
    sign_up(page, "radia", "Radia", "Perlman")
    upload(page, "spanning-tree.txt", b"Algorhyme\n" * 10, "I think that I shall never see")
    (stored,) = site.files_of("radia")
    assert stored["size"] == 100
    for path, name in [
        ("/files/", "phone-files"),
        ("/files/?q=nothing-like-this", "phone-no-match"),
        (f"/files/{UUID(stored['id'])}/replace/", "phone-replace"),
        (f"/files/{UUID(stored['id'])}/delete/", "phone-delete"),
        ("/files/upload/", "phone-upload"),
    ]:
        fits_a_phone(pages, page, path, name)
    missing = "/files/00000000-0000-0000-0000-000000000000/replace/"
    fits_a_phone(pages, page, missing, "phone-not-found", status=404)
    page.goto("/files/upload/")
    assert page.get_by_role("button", name="Upload", exact=True).is_visible()

    staff = pages.new(**PHONE)
    log_in(staff, STAFF["username"], STAFF["password"])
    fits_a_phone(pages, staff, "/files/all/", "phone-all-files")
    assert staff.get_by_text("spanning-tree.txt").is_visible()
