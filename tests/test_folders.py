"""Folders: names unique in a folder (casefolded, NFC), moves that refuse cycles, paths."""

import unicodedata

import pytest

from audit.models import AuditEvent
from locker.errors import FolderInTrash, MoveCycle, NameTaken
from locker.models import Folder, PathNotFound, StoredFile, list_children, resolve_path
from tests.conftest import upload_file


def make(owner, path):
    """Folders along "/a/b", made as needed."""
    parent = None
    for name in path.strip("/").split("/"):
        found = Folder.objects.live().filter(owner=owner, parent=parent, name=name).first()
        parent = found or Folder.create(owner, name, parent)
    return parent


def test_a_new_folder_sits_in_its_parent_with_a_cleaned_name(alice):
    reports = Folder.create(alice, "Reports")
    q1 = Folder.create(alice, "  2026\u202e Q1 \n", reports)
    assert (q1.parent, q1.name, q1.owner) == (reports, "2026 Q1", alice)
    assert q1.path == "/Reports/2026 Q1"
    assert Folder.objects.filter(owner=alice).count() == 2


def test_names_are_unique_in_a_folder_ignoring_case(alice):
    Folder.create(alice, "Reports")
    with pytest.raises(NameTaken):
        Folder.create(alice, "REPORTS")
    with pytest.raises(NameTaken):
        Folder.create(alice, "reports")
    assert list(Folder.objects.values_list("name", flat=True)) == ["Reports"]


def test_names_are_compared_nfc_normalised(alice):
    Folder.create(alice, unicodedata.normalize("NFD", "Résumés"))
    with pytest.raises(NameTaken):
        Folder.create(alice, unicodedata.normalize("NFC", "RÉSUMÉS"))
    assert Folder.objects.get().name == unicodedata.normalize("NFC", "Résumés")


def test_accented_and_plain_names_are_different_names(alice):
    Folder.create(alice, "resume")
    Folder.create(alice, "résumé")  # a case- and accent-blind collation would refuse this
    assert Folder.objects.count() == 2


def test_the_same_name_may_be_used_in_another_folder_or_by_another_user(alice, bob):
    Folder.create(alice, "Reports")
    Folder.create(alice, "Reports", Folder.create(alice, "Old"))
    Folder.create(bob, "Reports")
    assert Folder.objects.filter(name="Reports").count() == 3


def test_a_folder_cannot_take_a_files_name_nor_a_file_a_folders(alice, alice_file):
    with pytest.raises(NameTaken):
        Folder.create(alice, "ALICE.txt")
    Folder.create(alice, "notes")
    draft = StoredFile.create_from_upload(alice, upload_file("draft"))
    with pytest.raises(NameTaken):
        draft.move_to(None, name="Notes")
    assert StoredFile.objects.get(pk=draft.pk).name == "draft"
    assert Folder.objects.count() == 1


def test_moving_a_folder_into_itself_or_below_is_refused(alice):
    a = make(alice, "/a/b/c")
    top = Folder.objects.get(name="a")
    with pytest.raises(MoveCycle):
        top.move_to(top)
    with pytest.raises(MoveCycle):
        top.move_to(a)
    assert Folder.objects.get(name="a").parent is None
    assert a.path == "/a/b/c"


def test_a_folder_moves_with_everything_in_it(alice, alice_file):
    c = make(alice, "/a/b/c")
    alice_file.move_to(c)
    b = Folder.objects.get(name="b")
    b.move_to(None)
    assert StoredFile.objects.get(pk=alice_file.pk).path == "/b/c/alice.txt"
    assert Folder.objects.get(name="b").parent is None
    assert resolve_path(alice, "/b/c/alice.txt") == alice_file


def test_a_move_into_a_folder_holding_the_name_is_refused(alice):
    make(alice, "/a/x")
    x2 = make(alice, "/b/X")
    with pytest.raises(NameTaken):
        x2.move_to(Folder.objects.get(name="a"))
    assert Folder.objects.get(pk=x2.pk).path == "/b/X"


def test_a_rename_may_change_only_the_case(alice):
    folder = Folder.create(alice, "reports")
    folder.rename("Reports")
    assert Folder.objects.get().name == "Reports"


def test_paths_resolve_to_folders_and_files_ignoring_case(alice, bob, alice_file):
    c = make(alice, "/Reports/2026")
    alice_file.move_to(c)
    assert resolve_path(alice, "/") is None
    assert resolve_path(alice, "/reports") == Folder.objects.get(name="Reports")
    assert resolve_path(alice, "/REPORTS/2026/") == c
    assert resolve_path(alice, "/Reports/2026/Alice.TXT") == alice_file
    for missing in ["/nope", "/Reports/2026/alice.txt/more", "/Reports/../Reports", "/alice.txt"]:
        with pytest.raises(PathNotFound):
            resolve_path(alice, missing)
    with pytest.raises(PathNotFound):
        resolve_path(bob, "/Reports")


def test_a_folder_lists_its_folders_and_files(alice, alice_file):
    reports = make(alice, "/Reports")
    make(alice, "/Reports/B")
    make(alice, "/Reports/a")
    alice_file.move_to(reports)
    folders, files = list_children(alice, reports)
    assert sorted(f.name for f in folders) == ["B", "a"]
    assert list(files) == [alice_file]
    root_folders, root_files = list_children(alice, None)
    assert list(root_folders) == [reports] and list(root_files) == []


def test_nothing_can_be_put_into_a_deleted_folder(alice, alice_file):
    reports = make(alice, "/Reports")
    reports.delete_by(alice)
    with pytest.raises(FolderInTrash):
        Folder.create(alice, "new", reports)
    with pytest.raises(FolderInTrash):
        alice_file.move_to(reports)
    assert StoredFile.objects.get().folder is None


def test_others_folders_are_not_found(alice, bob):
    reports = make(alice, "/Reports")
    with pytest.raises(Folder.DoesNotExist):
        Folder.objects.get_for(bob, reports.pk)
    with pytest.raises(Folder.DoesNotExist):
        Folder.create(bob, "mine", reports)
    assert not Folder.objects.filter(owner=bob).exists()


def test_folder_changes_are_audited(alice, alice_file):
    reports = Folder.create(alice, "Reports")
    reports.rename("Accounts")
    archive = Folder.create(alice, "Archive")
    reports.move_to(archive)
    alice_file.move_to(reports)
    reports.delete_by(alice)
    # The file's own upload and its deletion with the folder are recorded too (file.*).
    folders = AuditEvent.objects.exclude(action__in=["file.uploaded", "file.deleted"])
    actions = list(folders.order_by("pk").values_list("action", "object_name"))
    assert actions == [
        ("folder.created", "Reports"),
        ("folder.renamed", "Accounts"),
        ("folder.created", "Archive"),
        ("folder.moved", "Accounts"),
        ("file.moved", "alice.txt"),
        ("folder.deleted", "Accounts"),
    ]
    moved = AuditEvent.objects.get(action="file.moved")
    assert moved.detail == {"old_path": "/alice.txt", "path": "/Archive/Accounts/alice.txt"}
