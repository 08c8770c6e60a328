"""`manage.py reconcile` on a fresh install: no files/ folder yet, so nothing to check.

A cron job set up on day one must not report a failure every night until the first upload.
"""

from tests.test_reconcile import run


def test_reconcile_before_the_first_upload_exits_zero_and_says_there_is_nothing_to_check(
    db, files_dir
):
    files_dir.rmdir()  # nothing was ever stored: Django makes the folder on the first write

    status, out = run()

    assert status == 0, out
    assert "Nothing to check" in out
    assert not files_dir.exists()  # a check, not a write


def test_reconcile_fix_and_json_on_a_fresh_install_change_nothing(db, files_dir):
    files_dir.rmdir()

    status, out = run("--fix", "--json")

    assert status == 0, out
    assert '"clean": true' in out
    assert not files_dir.exists()
