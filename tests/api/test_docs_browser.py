"""The API docs page in Debian's Chromium: Swagger UI renders under Skylocker's CSP."""

import pytest

from tests.conftest import CHROMIUM

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]


@pytest.mark.e2e
def test_swagger_ui_renders_every_operation_with_no_csp_violation(live_server, db):
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.goto(f"{live_server.url}/api/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        operations = page.locator(".opblock-summary-path").all_inner_texts()
        title = page.locator(".info .title").inner_text()
        browser.close()
    assert "Skylocker API" in title
    assert {"/api/v1/files", "/api/v1/files/{id}/content", "/api/v1/auth/token"} <= {
        text.strip() for text in operations
    }
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert problems == []
