"""A second user's browser sees nothing of the first user's files, not even by their addresses."""

import uuid

import pytest

from tests.e2e.conftest import sign_up, upload

pytestmark = pytest.mark.e2e


def test_a_second_user_sees_none_of_the_first_users_files_and_their_urls_answer_404(pages, site):
    first = pages.new()
    sign_up(first, "katherine", "Katherine", "Johnson")
    upload(first, "orbits.csv", b"t,x,y\n0,1,2\n", "Friendship 7 trajectory")
    (kept,) = site.files_of("katherine")
    file_id = uuid.UUID(kept["id"])

    second = pages.new()
    sign_up(second, "dorothy", "Dorothy", "Vaughan")
    assert second.get_by_text("You have no files yet.").is_visible()
    assert second.get_by_text("orbits.csv").count() == 0
    second.get_by_label("Search by name or description").fill("orbits")
    second.get_by_role("button", name="Search").click()
    assert second.get_by_text("No files match “orbits”.").is_visible()
    pages.check(second, "files-no-match")

    for action in ("download", "replace", "delete"):
        response = second.goto(f"/files/{file_id}/{action}/")
        assert response.status == 404, action
        assert second.get_by_role("heading", name="Not found").is_visible()
    pages.check(second, "not-found")
    assert second.goto("/files/all/").status == 404
    # Posting the delete form by hand (with a valid CSRF token) is refused too.
    status = second.evaluate(
        """async (url) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const body = new URLSearchParams({csrfmiddlewaretoken: token});
            return (await fetch(url, {method: 'POST', body})).status;
        }""",
        f"/files/{file_id}/delete/",
    )
    assert status == 404
    assert [row["id"] for row in site.files_of("katherine")] == [kept["id"]]
    assert site.objects_of("katherine") == {kept["file"]: b"t,x,y\n0,1,2\n"}
    assert site.rows("SELECT id FROM locker_deletionalert WHERE file_id = ?", kept["id"]) == []
