"""A PNG and a PDF show thumbnails in the list and open in the preview page, on local disk and
on S3 (where the thumbnails come from the bucket through signed URLs the CSP allows)."""

import time

import pytest

from tests.e2e.conftest import sign_up
from tests.pictures import lighthouse, tide_tables

pytestmark = pytest.mark.e2e

KEEPER_LOG = b"<b>Storm</b> from the north-east, lamp lit at 16:40.\nAll well.\n"
LOADED = "img => img.complete && img.naturalWidth > 0"


def upload_picture_and_pdf(page) -> None:
    page.goto("/files/upload/")
    page.get_by_label("Choose files to upload").set_input_files(
        [
            {"name": "lighthouse.png", "mimeType": "image/png", "buffer": lighthouse((900, 600))},
            {"name": "tide-tables.pdf", "mimeType": "application/pdf", "buffer": tide_tables()},
            {"name": "keeper-log.txt", "mimeType": "text/plain", "buffer": KEEPER_LOG},
        ]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url("**/files/")


def wait_for_thumbnails(page, count: int, timeout: float = 30) -> None:
    """The worker makes them after the upload: the list shows them once they are ready."""
    deadline = time.monotonic() + timeout
    while page.locator("img.thumb").count() < count:
        assert time.monotonic() < deadline, "the thumbnails never appeared"
        time.sleep(0.5)
        page.reload()
    for thumb in page.locator("img.thumb").all():
        page.wait_for_function(LOADED, arg=thumb.element_handle())


def open_previews(page, pages, prefix: str) -> None:
    page.get_by_role("link", name="lighthouse.png", exact=True).click()
    page.wait_for_url("**/files/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "lighthouse.png"
    image = page.get_by_role("img", name="lighthouse.png")
    assert image.evaluate(LOADED)
    assert image.evaluate("img => img.naturalWidth") == 900
    for action in ("Download", "Rename", "Replace", "Delete"):
        assert page.get_by_role("link", name=action, exact=True).is_visible()
    pages.check(page, f"{prefix}preview-image")

    page.goto("/files/")
    page.get_by_role("link", name="tide-tables.pdf", exact=True).click()
    first_page = page.get_by_role("img", name="First page of tide-tables.pdf")
    assert first_page.evaluate(LOADED)
    assert first_page.evaluate("img => img.naturalHeight") == 1200
    pages.check(page, f"{prefix}preview-pdf")

    page.goto("/files/")
    page.get_by_role("link", name="keeper-log.txt", exact=True).click()
    shown = page.locator("pre.preview-text")
    assert shown.inner_text() == KEEPER_LOG.decode().strip()  # the markup as text
    assert page.locator("pre.preview-text b").count() == 0
    pages.check(page, f"{prefix}preview-text")


def test_a_png_and_a_pdf_show_thumbnails_and_open_in_the_preview(pages, site):
    page = pages.new()
    sign_up(page, "previews-grace", "Grace", "Darling")
    upload_picture_and_pdf(page)

    wait_for_thumbnails(page, 2)

    rows = site.rows(
        "SELECT p.state FROM previews_preview p JOIN locker_storedfile f ON f.file = p.source "
        "JOIN auth_user u ON u.id = f.owner_id WHERE u.username = ?",
        "previews-grace",
    )
    assert [row["state"] for row in rows] == ["ready", "ready"]  # none for the text file
    assert page.locator(".type-icon.type-text").count() == 1
    assert len(site.objects_of("previews-grace")) == 3 + 4  # three files, two thumbnails each
    pages.check(page, "files-thumbnails")
    open_previews(page, pages, "")


def test_thumbnails_on_s3_come_from_the_bucket_through_signed_urls(s3_pages, s3_site):
    page = s3_pages.new()
    sign_up(page, "previews-ida", "Ida", "Lewis")
    upload_picture_and_pdf(page)
    bucket_requests = []
    page.on("request", lambda request: bucket_requests.append(request.url)
            if request.url.startswith(s3_site.endpoint) else None)

    wait_for_thumbnails(page, 2)

    assert any("X-Amz-Signature=" in url and ".preview-small-" in url for url in bucket_requests)
    assert len(s3_site.objects_of("previews-ida")) == 3 + 4
    s3_pages.check(page, "s3-files-thumbnails")
    open_previews(page, s3_pages, "s3-")
