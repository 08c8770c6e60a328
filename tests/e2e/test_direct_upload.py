"""On S3 the Upload page sends the file straight to the bucket: Skylocker never carries the bytes.

The site here stores its files on a moto server whose bucket allows POSTs from the site's origin
only. moto does not enforce the upload policy's size cap, so the over-limit test strips the
page's own size check on the way in and shows that finalize still refuses, kindly.
"""

import hashlib
import json
import os

import httpx
import pytest

from tests.e2e.conftest import (
    MAX_UPLOAD_BYTES,
    PROGRESS_SEEN,
    SOME_PROGRESS,
    WATCH_PROGRESS,
    sign_up,
)
from tests.live import wait_until

pytestmark = pytest.mark.e2e


DROP_SIZE_CHECK = """document.addEventListener("readystatechange", () => {
  if (document.readyState === "interactive") {
    for (const form of document.querySelectorAll("form.upload")) {
      form.removeAttribute("data-max-bytes");
    }
  }
});"""


def posts_of(page) -> list:
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    return posts


def test_the_upload_page_sends_the_file_straight_to_s3_and_the_list_shows_it(s3_pages, s3_site):
    site = s3_site
    page = s3_pages.new()
    sign_up(page, "katherine", "Katherine", "Johnson")
    page.goto("/files/upload/")
    csp = page.request.get("/files/upload/").headers["content-security-policy"]
    assert f"connect-src 'self' {site.endpoint}" in csp
    s3_pages.check(page, "upload-direct-to-s3")
    posts = posts_of(page)
    content = os.urandom(300 * 1024)
    page.get_by_label("Choose files to upload").set_input_files(
        {"name": "trajectories.dat", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_label("Description").fill("Friendship 7 re-entry")
    # Slow the upload down so the bar has something to show (DevTools network throttling).
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 256 * 1024},
    )
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_function(SOME_PROGRESS)
    assert page.get_by_role("button", name="Upload", exact=True).is_disabled()
    page.get_by_text("Uploaded trajectories.dat.").wait_for()
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
             "downloadThroughput": -1, "uploadThroughput": -1})  # fmt: skip
    assert page.url == f"{site.url}/files/"
    seen = page.evaluate(PROGRESS_SEEN)
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen) and seen[-1] == 100, seen
    s3_pages.check(page, "files-after-direct-upload")

    (stored,) = site.files_of("katherine")
    assert (stored["name"], stored["description"], stored["size"]) == (
        "trajectories.dat", "Friendship 7 re-entry", len(content)
    )  # fmt: skip
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert site.rows("SELECT * FROM locker_pendingupload") == []

    # The bytes went to the bucket, not through Skylocker: the only POSTs the page made were
    # the ticket, the file to moto's bucket URL, and the finalize with the browser's checksum.
    (ticket, to_bucket, finalize) = posts
    assert ticket.url == f"{site.url}/api/v1/uploads"
    assert to_bucket.url == f"{site.endpoint}/{site.bucket}"
    assert to_bucket.headers["content-type"].startswith("multipart/form-data")
    assert to_bucket.response().status == 204
    assert finalize.url.startswith(f"{site.url}/api/v1/uploads/")
    assert json.loads(finalize.post_data) == {"sha256": hashlib.sha256(content).hexdigest()}
    log = site.access_log()
    assert '"POST /api/v1/uploads HTTP/1.1" 201' in log
    assert "POST /files/upload/" not in log
    # The incoming object is removed by the worker; the kept copy has the very same bytes.
    assert wait_until(lambda: site.objects_of("katherine") == {stored["file"]: content})

    link = page.get_by_role("link", name="Download trajectories.dat")
    redirect = page.request.get(link.get_attribute("href"), max_redirects=0)
    assert redirect.status == 302
    assert redirect.headers["location"].startswith(f"{site.endpoint}/{site.bucket}/u/")
    assert httpx.get(redirect.headers["location"]).content == content


def test_an_over_limit_file_sent_past_the_page_check_is_refused_and_nothing_is_kept(
    s3_pages, s3_site
):
    site = s3_site
    page = s3_pages.new()
    sign_up(page, "dorothy", "Dorothy", "Vaughan")

    # A page without its size check, as an old or tampered page would be: only the server is
    # left. The attribute goes once the page is parsed, before upload.js (deferred) reads it.
    page.add_init_script(DROP_SIZE_CHECK)
    page.goto("/files/upload/")
    assert page.locator("form.upload").get_attribute("data-max-bytes") is None
    posts = posts_of(page)
    page.get_by_label("Choose files to upload").set_input_files(
        {"name": "census.csv", "mimeType": "text/csv", "buffer": b"x" * (MAX_UPLOAD_BYTES + 1)}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    alert = page.locator(".client-error")
    alert.wait_for()
    assert alert.inner_text() == (
        f"The uploaded file has {MAX_UPLOAD_BYTES + 1} bytes; the limit is {MAX_UPLOAD_BYTES} "
        "bytes. It has been deleted."
    )
    assert page.url == f"{site.url}/files/upload/"
    assert page.get_by_role("button", name="Upload", exact=True).is_enabled()
    s3_pages.check(page, "upload-direct-over-limit")

    assert [post.url.split("/")[-1] for post in posts] == ["uploads", site.bucket, "finalize"]
    assert site.files_of("dorothy") == []
    assert site.rows("SELECT * FROM locker_pendingupload") == []
    assert wait_until(lambda: site.objects_of("dorothy") == {})
    assert wait_until(lambda: site.rows("SELECT * FROM locker_objectremoval") == [])


def test_several_files_dropped_on_s3_each_go_straight_to_the_bucket(s3_pages, s3_site):
    from tests.e2e.test_upload_queue import DROP_FILES, content_of

    site = s3_site
    page = s3_pages.new()
    sign_up(page, "easley", "Annie", "Easley")
    page.goto("/files/upload/")
    posts = posts_of(page)
    files = [("centaur-1.dat", 40 * 1024), ("centaur-2.dat", 50 * 1024), ("empty.dat", 0)]
    page.evaluate(DROP_FILES, [page.locator(".dropzone").element_handle(), files])
    page.get_by_role("button", name="Upload", exact=True).click()
    summary = page.locator(".queue-summary")
    summary.wait_for()
    assert summary.inner_text() == "2 uploaded, 1 refused: empty."
    s3_pages.check(page, "upload-queue-direct-to-s3")

    stored = {row["name"]: row for row in site.files_of("easley")}
    assert sorted(stored) == ["centaur-1.dat", "centaur-2.dat"]
    sent_through_skylocker = [p.url for p in posts if p.url.endswith("/api/v1/files")]
    assert sent_through_skylocker == []
    assert sum(p.url.split("/")[-1] == site.bucket for p in posts) == 2
    objects = wait_until(
        lambda: (
            (found := site.objects_of("easley"))
            and not any(k.startswith("incoming/") for k in found)
            and found
        )
    )
    assert {stored[name]["file"]: content_of(name, size) for name, size in files[:2]} == objects
