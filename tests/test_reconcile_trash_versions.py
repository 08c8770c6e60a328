"""reconcile knows the trash and versions: their objects are kept on purpose, not orphans."""

import os
import time

from locker.models import StoredFile
from tests.conftest import upload_file
from tests.test_reconcile import run


def test_objects_of_trashed_files_and_versions_are_not_orphans_even_with_fix(
    alice, bob, alice_file, bob_file, files_dir, stored_objects
):
    alice_file.replace(upload_file("v2.txt", b"two\n"), actor=alice)
    alice_file.replace(upload_file("v3.txt", b"three\n"), actor=alice)
    bob_file.delete_by(bob)
    before = stored_objects()
    assert len(before) == 4
    past = time.time() - 7200  # older than the grace: they would count as orphans
    for name in before:
        os.utime(files_dir / name, (past, past))

    status, out = run("--fix")

    assert status == 0, out
    assert "Consistent." in out
    assert stored_objects() == before
    assert StoredFile.objects.count() == 1
