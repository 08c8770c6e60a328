"""Folders in a real browser: make them, move files with the keyboard alone, delete a folder
and bring it back whole from the trash."""

import pytest

from tests.e2e.conftest import sign_up, upload

pytestmark = pytest.mark.e2e

PATHS = """
WITH RECURSIVE up(file_id, folder_id, path) AS (
  SELECT f.id, f.folder_id, '/' || f.name FROM locker_storedfile f
  JOIN auth_user u ON u.id = f.owner_id WHERE u.username = ?
  UNION ALL
  SELECT up.file_id, d.parent_id, '/' || d.name || up.path
  FROM up JOIN locker_folder d ON d.id = up.folder_id
)
SELECT path FROM up WHERE folder_id IS NULL ORDER BY path
"""


def paths_of(site, username: str) -> list[str]:
    return [row["path"] for row in site.rows(PATHS, username)]


def make_folder(page, name: str) -> None:
    field = page.get_by_label("New folder")
    field.focus()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.get_by_text(f"Made the folder {name}.").wait_for()


def test_folders_are_made_files_moved_by_keyboard_and_a_deleted_folder_restored(pages, site):
    page = pages.new()
    sign_up(page, "folders-grace", "Grace", "Hopper")
    upload(page, "report.txt", b"the quarterly report\n")
    upload(page, "notes.txt", b"notes\n")
    page.goto("/files/")
    make_folder(page, "Projects")
    page.get_by_role("link", name="📁 Projects").click()
    page.wait_for_url("**folder=**")
    make_folder(page, "2026")
    assert page.locator(".breadcrumbs li").all_inner_texts() == ["My files", "Projects"]
    pages.check(page, "folder-view")

    # Move report.txt into /Projects/2026 with the keyboard alone.
    page.goto("/files/")
    page.get_by_role("link", name="Move report.txt").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/move/")
    pages.check(page, "file-move")
    page.get_by_label("Move to").focus()
    page.keyboard.press("ArrowDown")  # from "/ (the top)" to /Projects, then /Projects/2026
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Move to").evaluate("s => s.selectedOptions[0].text") == (
        "/Projects/2026"
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Moved report.txt to /Projects/2026.").wait_for()
    assert paths_of(site, "folders-grace") == ["/Projects/2026/report.txt", "/notes.txt"]
    assert "report.txt" in page.locator("td.name").all_inner_texts()  # now in the folder view
    assert page.locator(".breadcrumbs li").all_inner_texts() == ["My files", "Projects", "2026"]

    # Delete /Projects: it and everything in it go to the trash as one item.
    page.goto("/files/")
    page.get_by_role("link", name="Delete folder Projects").click()
    pages.check(page, "folder-delete")
    page.get_by_role("button", name="Delete “Projects”").click()
    page.get_by_text("Moved the folder Projects and everything in it to the trash.").wait_for()
    assert paths_of(site, "folders-grace") == ["/notes.txt"]
    assert site.rows(
        "SELECT name FROM locker_folder WHERE trashed_in_id = id AND name = 'Projects'"
    )

    page.goto("/files/trash/")
    assert "report.txt" not in page.locator("main").inner_text()  # it is inside the folder
    pages.check(page, "trash-with-folder")
    page.get_by_role("button", name="Restore folder Projects").click()
    page.get_by_text("Restored the folder /Projects.").wait_for()
    assert paths_of(site, "folders-grace") == ["/Projects/2026/report.txt", "/notes.txt"]
    assert not site.rows(
        "SELECT t.id FROM locker_trashedfile t JOIN auth_user u ON u.id = t.owner_id "
        "WHERE u.username = 'folders-grace'"
    )
