"""The pages people see when something is wrong: a sign-up with mistakes, and a file whose
stored content has gone missing. They explain, keep what was typed, and pass axe."""

from uuid import UUID

import pytest

from tests.e2e.conftest import PASSWORD, sign_up, upload

pytestmark = pytest.mark.e2e


def test_a_sign_up_with_mistakes_says_what_to_fix_and_keeps_what_was_typed(pages, site):
    page = pages.new()
    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Frances")
    page.get_by_label("Last name").fill("Allen")
    page.get_by_label("Email").fill("frances@skylocker.test")
    page.get_by_label("Username").fill("frances")
    page.get_by_label("Password", exact=True).fill("12345678901")
    page.get_by_label("Password confirmation").fill("something else entirely")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("alert").first.wait_for()
    errors = " ".join(page.get_by_role("alert").all_inner_texts())
    assert "entirely numeric" in errors or "didn’t match" in errors or "didn't match" in errors
    assert page.get_by_label("Username").input_value() == "frances"
    assert site.rows("SELECT id FROM auth_user WHERE username = 'frances'") == []
    pages.check(page, "signup-errors")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/files/")
    assert len(site.rows("SELECT id FROM auth_user WHERE username = 'frances'")) == 1


def test_a_file_whose_content_is_missing_explains_instead_of_failing(pages, site):
    page = pages.new()
    sign_up(page, "edsger", "Edsger", "Dijkstra")
    upload(page, "ewd-1036.txt", b"On the cruelty of really teaching computing science\n")
    (stored,) = site.files_of("edsger")
    (site.data / "files" / stored["file"]).unlink()  # lost behind Skylocker's back

    url = f"/files/{UUID(stored['id'])}/download/"  # SQLite keeps the id as bare hex
    answer = page.goto(url)
    assert answer.status == 503
    page.get_by_role("heading", name="Cannot download “ewd-1036.txt”").wait_for()
    assert page.get_by_role("alert").inner_text().strip() != ""
    assert pages.server_errors == [f"503 {site.url}{url}"]  # expected here: nothing else
    pages.server_errors.clear()
    pages.check(page, "download-unavailable")
    assert [dict(row) for row in site.files_of("edsger")] == [dict(stored)]  # row untouched
