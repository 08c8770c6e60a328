"""The API docs page in Chromium: Swagger UI renders every operation under Skylocker's CSP, and
axe finds nothing serious on it."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_docs_render_every_operation_with_no_error_and_pass_axe(pages):
    page = pages.new()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto("/api/docs")
    page.wait_for_selector(".opblock")
    operations = {text.strip() for text in page.locator(".opblock-summary-path").all_inner_texts()}
    assert "Skylocker API" in page.locator(".info .title").inner_text()
    assert {"/api/v1/files", "/api/v1/files/{id}/content", "/api/v1/auth/token"} <= operations
    assert problems == []
    pages.check(page, "api-docs")
