"""`skylocker trash`, `restore`, `rm --permanent`, `versions` and `get --version`, end to end."""

from locker.models import DeletionAlert, StoredFile
from locker.trash import TrashedFile
from locker.versions import FileVersion
from tests.conftest import upload_file
from tests.test_cli import logged_in, no_traceback, sky  # noqa: F401 - fixtures


def test_rm_trashes_trash_lists_and_restore_gives_the_file_back(logged_in, alice, alice_file):
    assert logged_in("rm", alice_file.pk).stdout.strip() == f"Moved {alice_file.pk} to the trash."
    listing = logged_in("trash")
    assert listing.returncode == 0, listing.stderr
    assert str(alice_file.pk) in listing.stdout and "by alice" in listing.stdout
    restored = logged_in("restore", alice_file.pk)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip() == f"Restored alice.txt ({alice_file.size} bytes)."
    assert StoredFile.objects.get().pk == alice_file.pk and not TrashedFile.objects.exists()
    assert logged_in("trash").stderr.strip() == "The trash is empty."


def test_restoring_twice_is_exit_4(logged_in, alice, alice_file):
    alice_file.delete_by(alice)
    assert logged_in("restore", alice_file.pk).returncode == 0
    again = logged_in("restore", alice_file.pk)
    assert again.returncode == 4 and no_traceback(again)
    assert "no file with this id in the trash" in again.stderr
    assert StoredFile.objects.count() == 1


def test_rm_permanent_deletes_a_current_file_for_good(logged_in, alice_file, stored_objects):
    result = logged_in("rm", "--permanent", alice_file.pk)
    assert result.returncode == 0, result.stderr
    assert not StoredFile.objects.exists() and not TrashedFile.objects.exists()
    assert stored_objects() == []
    assert sorted(DeletionAlert.objects.values_list("kind", flat=True)) == ["removed", "trashed"]


def test_rm_permanent_of_someone_elses_file_is_exit_4_and_keeps_it(logged_in, bob_file, stored_objects):
    result = logged_in("rm", "--permanent", bob_file.pk)
    assert result.returncode == 4 and no_traceback(result)
    assert StoredFile.objects.get().pk == bob_file.pk
    assert stored_objects() == [bob_file.file.name]


def test_versions_lists_and_get_version_downloads_the_old_bytes(logged_in, alice, alice_file):
    alice_file.replace(upload_file("v2.txt", b"second\n"), by=alice)
    version = FileVersion.objects.get()
    listing = logged_in("versions", alice_file.pk)
    assert listing.returncode == 0, listing.stderr
    assert str(version.pk) in listing.stdout and "alice.txt" in listing.stdout
    got = logged_in("get", alice_file.pk, "--version", version.pk, "-o", "old.txt")
    assert got.returncode == 0, got.stderr
    assert (logged_in.work / "old.txt").read_bytes() == b"alice's secret\n"
    missing = logged_in("get", alice_file.pk, "--version", alice_file.pk)
    assert missing.returncode == 4 and "has no version" in missing.stderr
