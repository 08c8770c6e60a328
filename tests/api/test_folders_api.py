"""Folders through the API: /api/v1/folders, `folder` on files, `?folder=` on the list."""

from audit.models import AuditEvent
from locker.models import Folder, StoredFile, TrashedFile
from tests.conftest import upload_file

FOLDERS = "/api/v1/folders"
FILES = "/api/v1/files"


def test_a_folder_is_made_listed_and_read(alice_api, alice):
    made = alice_api.post(FOLDERS, {"name": "Reports"}, format="json")
    assert made.status_code == 201
    reports = Folder.objects.get(owner=alice)
    assert made.json()["id"] == str(reports.pk)
    inner = alice_api.post(FOLDERS, {"name": "2026", "parent": str(reports.pk)}, format="json")
    assert inner.status_code == 201
    assert inner.json()["path"] == "/Reports/2026"
    assert inner.json()["parent"] == str(reports.pk)
    listed = alice_api.get(FOLDERS).json()["results"]
    assert [(f["name"], f["path"]) for f in listed] == [
        ("2026", "/Reports/2026"), ("Reports", "/Reports")
    ]
    roots = alice_api.get(FOLDERS, {"parent": "root"}).json()["results"]
    assert [f["name"] for f in roots] == ["Reports"]
    assert alice_api.get(f"{FOLDERS}/{reports.pk}").json()["name"] == "Reports"
    assert AuditEvent.objects.filter(action="folder.created", door="api").count() == 2


def test_a_name_taken_in_the_folder_is_409(alice_api, alice):
    alice_api.post(FOLDERS, {"name": "Reports"}, format="json")
    again = alice_api.post(FOLDERS, {"name": "reports"}, format="json")
    assert again.status_code == 409
    assert "already taken" in again.json()["detail"]
    assert Folder.objects.count() == 1


def test_others_folders_are_404_for_users_and_staff(alice_api, bob_api, admin_api, alice):
    reports = Folder.create(alice, "Reports")
    for client in (bob_api, admin_api):
        assert client.get(f"{FOLDERS}/{reports.pk}").status_code == 404
        assert client.patch(
            f"{FOLDERS}/{reports.pk}", {"name": "x"}, format="json"
        ).status_code == 404
        assert client.delete(f"{FOLDERS}/{reports.pk}").status_code == 404
        inside = client.post(FOLDERS, {"name": "in", "parent": str(reports.pk)}, format="json")
        assert inside.status_code == 404
        assert client.get(FILES, {"folder": str(reports.pk)}).status_code == 404
        assert client.get(FOLDERS).json()["results"] == []
    assert Folder.objects.get().name == "Reports" and not Folder.objects.filter(name="in")


def test_a_folder_is_renamed_and_moved_with_patch(alice_api, alice):
    reports = Folder.create(alice, "Reports")
    archive = Folder.create(alice, "Archive")
    renamed = alice_api.patch(f"{FOLDERS}/{reports.pk}", {"name": "Old"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["path"] == "/Old"
    moved = alice_api.patch(
        f"{FOLDERS}/{reports.pk}", {"parent": str(archive.pk)}, format="json"
    )
    assert moved.json()["path"] == "/Archive/Old"
    assert Folder.objects.get(pk=reports.pk).parent == archive
    back = alice_api.patch(f"{FOLDERS}/{reports.pk}", {"parent": None}, format="json")
    assert back.json()["parent"] is None


def test_a_move_into_its_own_folder_is_409(alice_api, alice):
    top = Folder.create(alice, "top")
    inner = Folder.create(alice, "inner", top)
    response = alice_api.patch(f"{FOLDERS}/{top.pk}", {"parent": str(inner.pk)}, format="json")
    assert response.status_code == 409
    assert Folder.objects.get(pk=top.pk).parent is None


def test_files_carry_their_folder_and_move_with_patch(alice_api, alice, alice_file):
    reports = Folder.create(alice, "Reports")
    assert alice_api.get(f"{FILES}/{alice_file.pk}").json()["folder"] is None
    response = alice_api.patch(
        f"{FILES}/{alice_file.pk}", {"folder": str(reports.pk), "name": "a.txt"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["folder"], response.json()["path"]) == (
        str(reports.pk), "/Reports/a.txt"
    )
    stored = StoredFile.objects.get()
    assert (stored.folder, stored.name) == (reports, "a.txt")
    assert AuditEvent.objects.filter(action="file.moved", door="api").count() == 1
    root = alice_api.patch(f"{FILES}/{alice_file.pk}", {"folder": None}, format="json")
    assert root.json()["path"] == "/a.txt"


def test_a_file_cannot_move_into_someone_elses_folder(alice_api, bob, alice_file):
    theirs = Folder.create(bob, "Theirs")
    response = alice_api.patch(
        f"{FILES}/{alice_file.pk}", {"folder": str(theirs.pk)}, format="json"
    )
    assert response.status_code == 404
    assert StoredFile.objects.get().folder is None


def test_an_upload_goes_into_the_folder_asked(alice_api, alice):
    reports = Folder.create(alice, "Reports")
    response = alice_api.post(
        FILES, {"file": upload_file("q1.txt"), "folder": str(reports.pk)}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["path"] == "/Reports/q1.txt"
    assert StoredFile.objects.get().folder == reports


def test_the_list_filters_by_folder_and_shows_paths(alice_api, alice, alice_file):
    reports = Folder.create(alice, "Reports")
    inside = StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    everything = alice_api.get(FILES).json()["results"]
    assert sorted(f["path"] for f in everything) == ["/Reports/q1.txt", "/alice.txt"]
    assert [f["id"] for f in alice_api.get(FILES, {"folder": str(reports.pk)}).json()["results"]
            ] == [str(inside.pk)]
    assert [f["id"] for f in alice_api.get(FILES, {"folder": "root"}).json()["results"]] == [
        str(alice_file.pk)
    ]
    bad = alice_api.get(FILES, {"folder": "reports"})
    assert bad.status_code == 400 and "folder" in bad.json()


def test_staffs_root_filter_lists_only_their_own_root(admin_api, admin, alice_file):
    mine = StoredFile.create_from_upload(admin, upload_file("admin.txt"))
    listed = admin_api.get(FILES, {"folder": "root"}).json()["results"]
    assert [f["id"] for f in listed] == [str(mine.pk)]
    assert len(admin_api.get(FILES).json()["results"]) == 2


def test_a_deleted_folder_is_listed_in_the_trash_and_restored(alice_api, alice):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    assert alice_api.delete(f"{FOLDERS}/{reports.pk}").status_code == 204
    assert not StoredFile.objects.exists() and TrashedFile.objects.count() == 1
    assert alice_api.get("/api/v1/trash").json()["results"] == []  # inside the folder's item
    trashed = alice_api.get("/api/v1/trash/folders").json()["results"]
    assert [(t["name"], t["files"]) for t in trashed] == [("Reports", 1)]
    restored = alice_api.post(f"/api/v1/trash/folders/{reports.pk}/restore")
    assert restored.status_code == 200 and restored.json()["path"] == "/Reports"
    assert StoredFile.objects.get().path == "/Reports/q1.txt"
    again = alice_api.post(f"/api/v1/trash/folders/{reports.pk}/restore")
    assert again.status_code == 404


def test_a_deleted_folder_is_purged_through_the_api(alice_api, bob_api, alice):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    reports.delete_by(alice)
    assert bob_api.delete(f"/api/v1/trash/folders/{reports.pk}").status_code == 404
    assert bob_api.post(f"/api/v1/trash/folders/{reports.pk}/restore").status_code == 404
    assert alice_api.delete(f"/api/v1/trash/folders/{reports.pk}").status_code == 204
    assert not Folder.objects.exists() and not TrashedFile.objects.exists()
