"""WebDAV changes go through the models' own methods: folders, uploads into them, a PUT over a
file keeps a version, DELETE goes to the trash with its alert, MOVE and COPY between folders,
names Skylocker would change are refused, and each change is in the audit log as WebDAV's."""

from audit.models import AuditEvent
from locker.models import DeletionAlert, FileVersion, Folder, StoredFile, TrashedFile


def test_mkcol_and_put_make_a_folder_and_a_file_in_it(alice_dav, alice, stored_objects):
    assert alice_dav.request("MKCOL", "/Reports/").status_code == 201
    assert alice_dav.request("PUT", "/Reports/Q1 résumé.txt", b"first quarter\n").status_code == 201
    folder = Folder.objects.get(owner=alice)
    stored = StoredFile.objects.get(owner=alice)
    assert (folder.name, stored.folder, stored.name) == ("Reports", folder, "Q1 résumé.txt")
    assert (stored.size, stored.content_type) == (14, "text/plain")
    assert stored_objects() == [stored.object_name]
    got = alice_dav.request("GET", "/Reports/Q1 résumé.txt")
    assert (got.status_code, got.content) == (200, b"first quarter\n")
    assert got["ETag"] == f'"{stored.sha256}"'
    doors = set(AuditEvent.objects.values_list("action", "door"))
    done = {"folder.created", "file.uploaded", "file.downloaded"}
    assert {(action, "webdav") for action in done} <= doors


def test_a_put_over_a_file_replaces_it_and_keeps_the_old_content_as_a_version(alice_dav, alice):
    alice_dav.request("PUT", "/notes.txt", b"version one\n")
    first = StoredFile.objects.get(owner=alice)
    assert alice_dav.request("PUT", "/notes.txt", b"version two, longer\n").status_code == 204
    current = StoredFile.objects.get(owner=alice)
    assert current.pk == first.pk and current.size == 20
    version = FileVersion.objects.get(file_id=first.pk)
    assert (version.size, version.sha256) == (first.size, first.sha256)
    assert alice_dav.request("GET", "/notes.txt").content == b"version two, longer\n"
    assert AuditEvent.objects.filter(action="file.replaced", door="webdav").count() == 1


def test_names_match_ignoring_case_so_a_put_in_other_case_replaces(alice_dav, alice):
    alice_dav.request("PUT", "/Notes.txt", b"one\n")
    alice_dav.request("PUT", "/NOTES.TXT", b"two\n")
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["Notes.txt"]
    assert FileVersion.objects.count() == 1


def test_delete_moves_a_file_to_the_trash_with_its_alert(alice_dav, alice):
    alice_dav.request("PUT", "/old.txt", b"bye\n")
    stored = StoredFile.objects.get()
    assert alice_dav.request("DELETE", "/old.txt").status_code == 204
    assert not StoredFile.objects.exists()
    item = TrashedFile.objects.get(pk=stored.pk)
    assert item.deleted_by == alice
    alert = DeletionAlert.objects.get(file_id=stored.pk)
    assert (alert.kind, alert.door) == (DeletionAlert.TRASHED, "webdav")
    assert alice_dav.request("GET", "/old.txt").status_code == 404


def test_deleting_a_folder_trashes_it_with_everything_in_it_as_one(alice_dav, alice):
    alice_dav.request("MKCOL", "/Trip/")
    alice_dav.request("MKCOL", "/Trip/Photos/")
    alice_dav.request("PUT", "/Trip/plan.txt", b"plan\n")
    alice_dav.request("PUT", "/Trip/Photos/a.jpg", b"\xff\xd8\xff jpeg-ish")
    assert alice_dav.request("DELETE", "/Trip/").status_code == 204
    top = Folder.objects.get(name="Trip")
    assert top.in_trash
    assert set(TrashedFile.objects.values_list("name", "trashed_with")) == {
        ("plan.txt", top.pk), ("a.jpg", top.pk),
    }
    assert DeletionAlert.objects.filter(kind=DeletionAlert.TRASHED, door="webdav").count() == 2
    assert alice_dav.request("PROPFIND", "/Trip/", HTTP_DEPTH="0").status_code == 404
    top.restore(actor=alice)
    assert alice_dav.request("GET", "/Trip/Photos/a.jpg").status_code == 200


def test_move_takes_a_file_to_another_folder_under_a_new_name(alice_dav, alice):
    alice_dav.request("MKCOL", "/In/")
    alice_dav.request("MKCOL", "/Out/")
    alice_dav.request("PUT", "/In/draft.txt", b"text\n")
    stored = StoredFile.objects.get()
    response = alice_dav.request("MOVE", "/In/draft.txt", HTTP_DESTINATION="/dav/Out/final.txt")
    assert response.status_code == 201
    stored.refresh_from_db()
    assert (stored.folder.name, stored.name) == ("Out", "final.txt")
    assert StoredFile.objects.count() == 1  # the same file, id and content kept
    assert AuditEvent.objects.filter(action="file.moved", door="webdav").exists()


def test_move_of_a_folder_carries_what_it_holds(alice_dav, alice):
    alice_dav.request("MKCOL", "/A/")
    alice_dav.request("MKCOL", "/B/")
    alice_dav.request("PUT", "/A/x.txt", b"x\n")
    assert alice_dav.request("MOVE", "/A/", HTTP_DESTINATION="/dav/B/A2/").status_code == 201
    moved = Folder.objects.get(name="A2")
    assert moved.parent.name == "B"
    assert StoredFile.objects.get().folder == moved
    assert alice_dav.request("GET", "/B/A2/x.txt").content == b"x\n"


def test_a_move_that_only_changes_case_renames_in_place(alice_dav, alice):
    alice_dav.request("PUT", "/readme.txt", b"hi\n")
    moved = alice_dav.request("MOVE", "/readme.txt", HTTP_DESTINATION="/dav/README.txt")
    assert moved.status_code in (201, 204)
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["README.txt"]
    assert not TrashedFile.objects.exists()


def test_copy_makes_a_new_file_with_its_own_object(alice_dav, alice, stored_objects):
    alice_dav.request("MKCOL", "/Src/")
    alice_dav.request("MKCOL", "/Dst/")
    alice_dav.request("PUT", "/Src/data.csv", b"a,b\n1,2\n")
    copied = alice_dav.request("COPY", "/Src/data.csv", HTTP_DESTINATION="/dav/Dst/data.csv")
    assert copied.status_code == 201
    original, copy = StoredFile.objects.order_by("created_at")
    assert (copy.folder.name, copy.name, copy.sha256) == ("Dst", "data.csv", original.sha256)
    assert original.object_name != copy.object_name
    assert len(stored_objects()) == 2


def test_copy_of_a_folder_copies_its_files(alice_dav, alice):
    alice_dav.request("MKCOL", "/Src/")
    alice_dav.request("PUT", "/Src/one.txt", b"1\n")
    alice_dav.request("PUT", "/Src/two.txt", b"2\n")
    assert alice_dav.request("COPY", "/Src/", HTTP_DESTINATION="/dav/Copy/").status_code == 201
    copied = Folder.objects.get(name="Copy")
    assert sorted(StoredFile.objects.filter(folder=copied).values_list("name", flat=True)) == [
        "one.txt", "two.txt",
    ]


def test_names_skylocker_would_change_are_refused_and_nothing_is_stored(alice_dav, alice):
    for name in ("trailing space ", "dot.", "CON.txt", "tab\there"):
        assert alice_dav.request("PUT", f"/{name}", b"x").status_code == 403, name
    assert alice_dav.request("MKCOL", "/folder. /").status_code == 403
    assert not StoredFile.objects.exists() and not Folder.objects.exists()


def test_a_decomposed_name_is_kept_composed_and_found_either_way(alice_dav, alice):
    alice_dav.request("PUT", "/Cafe\u0301.txt", b"nfd\n")
    assert StoredFile.objects.get().name == "Caf\u00e9.txt"
    assert alice_dav.request("GET", "/Caf\u00e9.txt").content == b"nfd\n"


def test_a_propfind_lists_folders_and_files_of_the_folder(alice_dav, alice):
    alice_dav.request("MKCOL", "/Docs/")
    alice_dav.request("PUT", "/Docs/a.txt", b"a\n")
    alice_dav.request("MKCOL", "/Docs/Sub/")
    listing = alice_dav.request("PROPFIND", "/Docs/", HTTP_DEPTH="1").content.decode()
    assert "<ns0:href>/dav/Docs/a.txt</ns0:href>" in listing
    assert "<ns0:href>/dav/Docs/Sub/</ns0:href>" in listing
