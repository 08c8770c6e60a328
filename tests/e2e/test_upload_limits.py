"""An over-limit file is refused kindly: before sending with JavaScript, by the server without."""

from pathlib import Path

import pytest

from tests.e2e.conftest import MAX_UPLOAD_BYTES, log_in, sign_up
from tests.live import wait_until

pytestmark = pytest.mark.e2e

TOO_BIG = {
    "name": "telescope-raw.fits",
    "mimeType": "application/octet-stream",
    "buffer": b"\x00" * (MAX_UPLOAD_BYTES + 1),
}


def test_an_over_limit_file_is_refused_before_sending_when_javascript_runs(pages, site):
    page = pages.new()
    sign_up(page, "vera", "Vera", "Rubin")
    page.goto("/files/upload/")
    posts = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.get_by_label("Choose files to upload").set_input_files(TOO_BIG)
    alert = page.locator(".client-error")
    expected = (
        "“telescope-raw.fits” is 1.0\u00a0MB (1,048,577 bytes), larger than the 1.0\u00a0MB "
        "limit (1,048,576 bytes). Choose a smaller file; nothing was sent."
    )
    assert alert.inner_text() == expected
    page.get_by_role("button", name="Upload", exact=True).click()
    assert alert.is_visible()
    assert page.url == f"{site.url}/files/upload/"
    pages.check(page, "upload-too-large")
    assert posts == []
    assert site.files_of("vera") == []
    assert site.objects_of("vera") == {}


def test_an_over_limit_file_is_refused_by_the_server_when_javascript_is_off(pages, site):
    sign_up(pages.new(), "cecilia", "Cecilia", "Payne")
    page = pages.new(java_script_enabled=False)
    log_in(page, "cecilia")
    page.goto("/files/upload/")
    page.get_by_label("Choose files to upload").set_input_files(TOO_BIG)
    page.get_by_label("Description").fill("Spectra")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Upload", exact=True).click()
    assert answer.value.status == 413
    page.get_by_text(
        "This file is larger than the 1.0\u00a0MB limit (1,048,576 bytes). Nothing was stored."
    ).wait_for()
    pages.check(page, "upload-too-large-without-javascript")
    assert site.files_of("cecilia") == []
    assert site.objects_of("cecilia") == {}
    assert site.temp_files() == []


def test_without_javascript_sign_up_upload_download_replace_and_delete_still_work(pages, site):
    page = pages.new(java_script_enabled=False)
    sign_up(page, "mary", "Mary", "Jackson")
    pages.check(page, "files-without-javascript")
    page.goto("/files/upload/")
    page.get_by_label("Choose files to upload").set_input_files(
        {"name": "wind-tunnel.txt", "mimeType": "text/plain", "buffer": b"Mach 1.2\n"}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Uploaded wind-tunnel.txt.").wait_for()
    (stored,) = site.files_of("mary")
    assert site.objects_of("mary") == {stored["file"]: b"Mach 1.2\n"}

    with page.expect_download() as download:
        page.get_by_role("link", name="Download wind-tunnel.txt").click()
    assert Path(download.value.path()).read_bytes() == b"Mach 1.2\n"

    page.get_by_role("link", name="Replace wind-tunnel.txt").click()
    pages.check(page, "replace-without-javascript")
    page.get_by_label("Choose new content").set_input_files(
        {"name": "wind-tunnel-v2.txt", "mimeType": "text/plain", "buffer": b"Mach 1.4\n"}
    )
    page.get_by_label("Description").fill("Supersonic runs")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(  # the name stays: the user did not ask for the new file's
        "Replaced the content of wind-tunnel.txt. Changed the description of wind-tunnel.txt."
    ).wait_for()
    (replaced,) = site.files_of("mary")
    assert (replaced["name"], replaced["description"]) == ("wind-tunnel.txt", "Supersonic runs")
    assert replaced["file"] != stored["file"]
    kept = {replaced["file"]: b"Mach 1.4\n", stored["file"]: b"Mach 1.2\n"}
    assert site.objects_of("mary") == kept  # the old content is kept as a version

    page.get_by_role("link", name="Rename wind-tunnel.txt").click()
    page.get_by_label("Name").fill("wind-tunnel-v2.txt")
    page.get_by_role("button", name="Rename").click()
    page.get_by_text("Renamed wind-tunnel.txt to wind-tunnel-v2.txt.").wait_for()
    (renamed,) = site.files_of("mary")
    assert (renamed["id"], renamed["file"]) == (replaced["id"], replaced["file"])

    page.get_by_role("link", name="Delete wind-tunnel-v2.txt").click()
    page.get_by_role("button", name="Delete “wind-tunnel-v2.txt”").click()
    page.get_by_text("Moved wind-tunnel-v2.txt to the trash.").wait_for()
    assert site.files_of("mary") == []
    assert len(site.objects_of("mary")) == 2  # in the trash, with its version

    page.get_by_role("link", name="Trash").click()
    page.get_by_role("link", name="Delete permanently wind-tunnel-v2.txt").click()
    page.get_by_role("button", name="Delete “wind-tunnel-v2.txt” permanently").click()
    page.get_by_text("Deleted wind-tunnel-v2.txt permanently.").wait_for()
    assert wait_until(lambda: site.objects_of("mary") == {})
