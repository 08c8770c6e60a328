"""`skylocker mkdir`, `mv`, `put … /folder/` and paths in `ls`, against a live Skylocker."""

from locker.models import Folder, StoredFile
from tests import test_cli
from tests.test_cli_put_many import jobs

sky, logged_in = test_cli.sky, test_cli.logged_in  # the CLI tests' fixtures


def test_mkdir_makes_a_folder_and_with_p_the_ones_above(logged_in, alice):
    refused = logged_in("mkdir", "/reports/2026")
    assert refused.returncode == 4 and "use -p" in refused.stderr
    assert not Folder.objects.exists()
    made = logged_in("mkdir", "-p", "/reports/2026")
    assert made.returncode == 0, made.stderr
    assert made.stdout.endswith("  /reports/2026/\n")
    assert sorted(f.path for f in Folder.objects.all()) == ["/reports", "/reports/2026"]
    again = logged_in("mkdir", "/REPORTS")
    assert again.returncode == 1 and "already taken" in again.stderr
    assert Folder.objects.count() == 2


def test_put_into_a_folder_and_ls_shows_paths(logged_in, alice):
    Folder.create(alice, "reports")
    (logged_in.work / "a.pdf").write_bytes(b"%PDF-1.4 a\n")
    (logged_in.work / "b.txt").write_bytes(b"b\n")
    put = logged_in("put", "a.pdf", "b.txt", "/Reports/", "-j", jobs())  # see jobs()
    assert put.returncode == 0, put.stderr
    assert sorted(f.path for f in StoredFile.objects.all()) == ["/reports/a.pdf", "/reports/b.txt"]
    listed = logged_in("ls")
    assert "/reports/a.pdf" in listed.stdout and "/reports/b.txt" in listed.stdout
    inside = logged_in("ls", "/reports")
    assert inside.returncode == 0 and "/reports/a.pdf" in inside.stdout
    missing = logged_in("put", "a.pdf", "/nowhere/")
    assert missing.returncode == 4 and StoredFile.objects.count() == 2


def test_mv_moves_and_renames_files_and_folders_by_path_or_id(logged_in, alice, alice_file):
    logged_in("mkdir", "-p", "/archive/old")
    into = logged_in("mv", "/alice.txt", "/archive/")
    assert into.returncode == 0, into.stderr
    assert StoredFile.objects.get().path == "/archive/alice.txt"
    renamed = logged_in("mv", str(alice_file.pk), "/archive/old/plans.txt")
    assert renamed.returncode == 0, renamed.stderr
    assert StoredFile.objects.get().path == "/archive/old/plans.txt"
    folder = logged_in("mv", "/archive/old", "/")
    assert folder.returncode == 0, folder.stderr
    assert StoredFile.objects.get().path == "/old/plans.txt"
    cycle = logged_in("mv", "/archive", "/archive/")
    assert cycle.returncode == 1 and "into itself" in cycle.stderr
    assert Folder.objects.get(name="archive").parent is None
