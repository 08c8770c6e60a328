"""The folder pages: a folder view with breadcrumbs, make/rename/move/delete, moving a file,
deleted folders in the trash; staff's All files stays flat and shows paths."""

from django.urls import reverse

from locker.models import Folder, StoredFile, TrashedFile
from tests.conftest import upload_file


def test_my_files_opens_at_the_top_and_a_folder_shows_its_files(alice_client, alice, alice_file):
    reports = Folder.create(alice, "Reports")
    inner = StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    top = alice_client.get(reverse("files")).content.decode()
    assert "alice.txt" in top and "q1.txt" not in top
    assert f'?folder={reports.pk}">📁 Reports' in top
    opened = alice_client.get(reverse("files"), {"folder": reports.pk}).content.decode()
    assert inner.name in opened and "alice.txt" not in opened
    assert '<span aria-current="page">Reports</span>' in opened  # the breadcrumb


def test_a_search_covers_every_folder_and_shows_paths(alice_client, alice):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    found = alice_client.get(reverse("files"), {"q": "q1"}).content.decode()
    assert '<small class="path">/Reports/q1.txt</small>' in found


def test_a_folder_is_made_renamed_moved_and_deleted_through_the_pages(alice_client, alice):
    response = alice_client.post(reverse("folder-create"), {"name": "Reports"})
    reports = Folder.objects.get()
    assert response.status_code == 302
    alice_client.post(reverse("folder-create"), {"name": "Archive"})
    archive = Folder.objects.get(name="Archive")
    clash = alice_client.post(reverse("folder-rename", args=[reports.pk]), {"name": "archive"})
    assert clash.status_code == 400 and "already taken" in clash.content.decode()
    alice_client.post(reverse("folder-rename", args=[reports.pk]), {"name": "Old reports"})
    alice_client.post(reverse("folder-move", args=[reports.pk]), {"destination": archive.pk})
    assert Folder.objects.get(pk=reports.pk).path == "/Archive/Old reports"
    page = alice_client.get(reverse("folder-move", args=[archive.pk])).content.decode()
    assert "/Archive/Old reports" not in page  # no move into itself is offered
    alice_client.post(reverse("folder-delete", args=[archive.pk]))
    assert list(Folder.objects.in_trash()) == [Folder.objects.get(pk=archive.pk)]


def test_a_file_is_moved_with_the_move_form(alice_client, alice, alice_file):
    reports = Folder.create(alice, "Reports")
    form = alice_client.get(reverse("file-move", args=[alice_file.pk])).content.decode()
    assert '<select name="destination"' in form and "/Reports" in form
    response = alice_client.post(
        reverse("file-move", args=[alice_file.pk]), {"destination": reports.pk}
    )
    assert response.status_code == 302
    assert StoredFile.objects.get().path == "/Reports/alice.txt"


def test_others_folders_are_404_on_the_pages(client, alice, bob, admin, bob_file):
    theirs = Folder.create(bob, "Theirs")
    for who in (alice, admin):
        client.force_login(who)
        assert client.get(reverse("files"), {"folder": theirs.pk}).status_code == 404
        assert client.get(reverse("folder-rename", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("folder-delete", args=[theirs.pk])).status_code == 404
        moved = client.post(reverse("file-move", args=[bob_file.pk]), {"destination": "root"})
        assert moved.status_code == 404
    assert Folder.objects.get(pk=theirs.pk).in_trash is False


def test_staffs_all_files_is_flat_with_paths(client, admin, alice):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    client.force_login(admin)
    page = client.get(reverse("all-files")).content.decode()
    assert '<small class="path">/Reports/q1.txt</small>' in page
    assert "New folder" not in page


def test_a_deleted_folder_is_restored_from_the_trash_page(alice_client, alice):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    reports.delete_by(alice)
    trash = alice_client.get(reverse("trash")).content.decode()
    assert "📁 Reports" in trash and "q1.txt" not in trash
    alice_client.post(reverse("trash-folder-restore", args=[reports.pk]))
    assert StoredFile.objects.get().path == "/Reports/q1.txt"
    assert not TrashedFile.objects.exists()


def test_emptying_the_trash_purges_deleted_folders(alice_client, alice):
    reports = Folder.create(alice, "Reports")
    StoredFile.create_from_upload(alice, upload_file("q1.txt"), folder=reports)
    reports.delete_by(alice)
    alice_client.post(reverse("trash-empty"))
    assert not Folder.objects.exists() and not TrashedFile.objects.exists()


def test_a_file_at_the_top_shows_no_path_beside_its_name(client, admin, alice_file):
    client.force_login(admin)
    page = client.get(reverse("all-files")).content.decode()
    assert "alice.txt" in page and 'class="path"' not in page
