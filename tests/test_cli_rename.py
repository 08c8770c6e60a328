"""`skylocker rename`: a new name through PATCH /api/v1/files/{id}; content and id stay."""

from locker.models import StoredFile
from tests import test_cli

sky, logged_in = test_cli.sky, test_cli.logged_in  # the CLI tests' fixtures


def test_rename_gives_a_file_a_new_name_and_keeps_its_content(logged_in, alice_file):
    result = logged_in("rename", alice_file.pk, "plans/2027.txt")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Renamed to 2027.txt.\n"  # cleaned as an upload's name is
    stored = StoredFile.objects.get()
    assert (stored.pk, stored.name, stored.sha256) == (alice_file.pk, "2027.txt", alice_file.sha256)
