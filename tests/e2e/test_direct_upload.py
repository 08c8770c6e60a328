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

from tests.e2e.conftest import MAX_UPLOAD_BYTES, sign_up
from tests.live import wait_until

pytestmark = pytest.mark.e2e


DROP_SIZE_CHECK = """document.addEventListener("readystatechange", () => {
  if (document.readyState === "interactive") {
    for (const form of document.querySelectorAll("form.upload")) {
      form.removeAttribute("data-max-bytes");
    }
  }
});"""


# Like WATCH_PROGRESS, but kept in sessionStorage: a direct upload ends with a navigation to
# the list, which would take window.progressSeen with it.
WATCH_PROGRESS_KEPT = """() => {
  const bar = document.querySelector('.progress progress');
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem('progressSeen') || '[]');
    seen.push(Number(bar.value));
    sessionStorage.setItem('progressSeen', JSON.stringify(seen));
  }).observe(bar, {attributes: true, attributeFilter: ['value']});
}"""


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
    page.get_by_label("Choose a file to upload").set_input_files(
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
    page.evaluate(WATCH_PROGRESS_KEPT)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_function(
        "() => JSON.parse(sessionStorage.getItem('progressSeen') || '[]')"
        ".some(v => v > 0 && v < 100)"
    )
    assert page.get_by_role("button", name="Upload", exact=True).is_disabled()
    page.get_by_text("Uploaded trajectories.dat.").wait_for()
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
             "downloadThroughput": -1, "uploadThroughput": -1})  # fmt: skip
    assert page.url == f"{site.url}/files/"
    seen = json.loads(page.evaluate("sessionStorage.getItem('progressSeen')"))
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
    page.get_by_label("Choose a file to upload").set_input_files(
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
