"""Many files at once: each has its own row and bar, one refusal stops no other, a summary ends it.

The files are dropped on the upload area as a person would drop them from a file manager (a
DataTransfer built in the page); the upload is slowed down with DevTools' network throttling so
the bars have something to show.
"""

import hashlib

import pytest

from tests.e2e.conftest import MAX_UPLOAD_BYTES, sign_up
from tests.e2e.test_input_methods import PHONE, page_width

pytestmark = pytest.mark.e2e

KB = 1024
FIVE = [
    ("logbook-1.txt", 120 * KB),
    ("logbook-2.txt", 90 * KB),
    ("star-chart.bin", MAX_UPLOAD_BYTES + 1),
    ("logbook-3.txt", 150 * KB),
    ("logbook-4.txt", 60 * KB),
]

# Drops files whose bytes are the file's name repeated, so each one's content is known here.
DROP_FILES = """([zone, files]) => {
  const transfer = new DataTransfer();
  for (const [name, size] of files) {
    const bytes = new Uint8Array(size);
    const pattern = new TextEncoder().encode(name);
    for (let i = 0; i < size; i++) bytes[i] = pattern[i % pattern.length];
    transfer.items.add(new File([bytes], name, {type: 'application/octet-stream'}));
  }
  for (const type of ['dragenter', 'dragover', 'drop']) {
    const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
    zone.dispatchEvent(new DragEvent(type, init));
  }
}"""

# Every value each row's bar shows, by file name (kept in sessionStorage, as the page may move).
WATCH_ROWS = """() => {
  for (const bar of document.querySelectorAll('.queue progress')) {
    const name = bar.getAttribute('aria-label').replace('Upload of ', '');
    new MutationObserver(() => {
      const seen = JSON.parse(sessionStorage.getItem('rowsSeen') || '{}');
      (seen[name] = seen[name] || []).push(Number(bar.value));
      sessionStorage.setItem('rowsSeen', JSON.stringify(seen));
    }).observe(bar, {attributes: true, attributeFilter: ['value']});
  }
}"""


def content_of(name: str, size: int) -> bytes:
    pattern = name.encode()
    return (pattern * (size // len(pattern) + 1))[:size]


def throttle(page, bytes_per_second: int) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1,
         "uploadThroughput": bytes_per_second},
    )  # fmt: skip


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_five_files_dropped_at_once_arrive_with_their_own_progress_and_one_is_refused(
    pages, site, screen
):
    desktop = {"viewport": {"width": 1280, "height": 800}}
    page = pages.new(**(PHONE if screen == "phone" else desktop))
    username = f"grace-{screen}"
    sign_up(page, username, "Grace", "Hopper")
    page.goto("/files/upload/")
    page.evaluate(DROP_FILES, [page.locator(".dropzone").element_handle(), FIVE])
    assert page.locator(".chosen").inner_text() == "5 files (1.4\u00a0MB)"
    rows = page.locator(".queue li")
    assert rows.count() == 5
    refused = rows.filter(has_text="star-chart.bin")
    assert "Not uploaded: “star-chart.bin” is 1.0\u00a0MB (1,048,577 bytes), larger than" in (
        refused.inner_text()
    )
    page.get_by_label("Description").fill("Harvard Mark I")
    page.evaluate(WATCH_ROWS)
    throttle(page, 200 * KB)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_function(
        "() => Object.values(JSON.parse(sessionStorage.getItem('rowsSeen') || '{}'))"
        ".filter(seen => seen.some(v => v > 0 && v < 100)).length >= 2"
    )
    assert page.get_by_role("button", name="Upload", exact=True).is_disabled()
    pages.check(page, f"upload-queue-{screen}")

    # Leaving while files travel asks first; staying keeps them going.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    for _ in range(50):
        if asked:
            break
        page.wait_for_timeout(100)  # lets Playwright deliver the dialog event
    assert asked == ["beforeunload"]

    summary = page.locator(".queue-summary")
    summary.wait_for()
    assert summary.inner_text() == "4 uploaded, 1 refused: too large."
    assert page.url == f"{site.url}/files/upload/"
    assert page.get_by_role("button", name="Upload", exact=True).is_enabled()
    if screen == "phone":
        assert page_width(page) <= 390
    pages.check(page, f"upload-queue-summary-{screen}")

    seen = page.evaluate("JSON.parse(sessionStorage.getItem('rowsSeen') || '{}')")
    for name, _size in FIVE:
        if name == "star-chart.bin":
            assert name not in seen  # never sent, so its bar never moved
            continue
        assert seen[name][-1] == 100, (name, seen[name])
        assert seen[name] == sorted(seen[name]), (name, seen[name])
    assert sum(any(0 < v < 100 for v in values) for values in seen.values()) >= 2, seen

    stored = {row["name"]: row for row in site.files_of(username)}
    assert sorted(stored) == ["logbook-1.txt", "logbook-2.txt", "logbook-3.txt", "logbook-4.txt"]
    objects = site.objects_of(username)
    for name, size in FIVE:
        if name in stored:
            expected = content_of(name, size)
            row = stored[name]
            assert (row["size"], row["description"]) == (size, "Harvard Mark I")
            assert row["sha256"] == hashlib.sha256(expected).hexdigest()
            assert objects[row["file"]] == expected
    assert len(objects) == 4


def test_a_cancelled_file_is_not_kept_and_a_failed_one_arrives_on_retry(pages, site):
    page = pages.new()
    sign_up(page, "lovelace", "Ada", "Lovelace")
    page.goto("/files/upload/")
    # The first POST carrying flaky.txt is cut off, as a dropped connection would cut it.
    cut = []

    def cut_once(route):
        if b'filename="flaky.txt"' in (route.request.post_data_buffer or b"") and not cut:
            cut.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/files", cut_once)
    files = [("flaky.txt", 20 * KB), ("slow.bin", 600 * KB), ("fine.txt", 10 * KB)]
    page.evaluate(DROP_FILES, [page.locator(".dropzone").element_handle(), files])
    throttle(page, 100 * KB)
    page.get_by_role("button", name="Upload", exact=True).click()
    slow = page.locator(".queue li", has_text="slow.bin")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.queue li')].some(li => "
        "li.textContent.includes('slow.bin') && li.querySelector('progress').value > 0)"
    )
    page.get_by_role("button", name="Cancel slow.bin").click()
    assert slow.locator(".queue-state").inner_text() == "Cancelled"

    summary = page.locator(".queue-summary")
    summary.wait_for()
    assert summary.inner_text() == "1 uploaded, 1 cancelled, 1 refused: network."
    flaky = page.locator(".queue li", has_text="flaky.txt")
    assert "The upload was interrupted. Check your connection and try again." in (
        flaky.inner_text()
    )
    pages.check(page, "upload-queue-retry")
    assert [row["name"] for row in site.files_of("lovelace")] == ["fine.txt"]

    page.get_by_role("button", name="Retry flaky.txt").click()
    page.get_by_text("2 uploaded, 1 cancelled.").wait_for()
    assert flaky.locator(".queue-state").inner_text() == "Uploaded"
    assert cut == [f"{site.url}/api/v1/files"]
    stored = sorted(row["name"] for row in site.files_of("lovelace"))
    assert stored == ["fine.txt", "flaky.txt"]
    objects = site.objects_of("lovelace")
    assert sorted(objects.values()) == sorted(
        [content_of("fine.txt", 10 * KB), content_of("flaky.txt", 20 * KB)]
    )
    assert site.temp_files() == []
