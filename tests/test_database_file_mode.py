"""The SQLite database is readable by Skylocker's account only (0600): when the data folder
already exists, and after `restore`. Real `manage.py` processes, whatever DATABASE_URL says."""

import stat

from tests.live import manage
from tests.test_backup import env_for


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_is_created_0600_in_a_data_folder_that_already_exists(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)

    manage(env_for(data), "migrate", "--verbosity", "0")

    assert mode(data / "skylocker.sqlite3") == 0o600


def test_a_database_left_readable_by_an_older_release_is_made_0600(tmp_path):
    data = tmp_path / "data"
    manage(env_for(data), "migrate", "--verbosity", "0")
    (data / "skylocker.sqlite3").chmod(0o644)

    manage(env_for(data), "migrate", "--verbosity", "0")  # a later start

    assert mode(data / "skylocker.sqlite3") == 0o600


def test_a_restored_database_is_0600(tmp_path):
    live, fresh, archive = tmp_path / "live", tmp_path / "fresh", tmp_path / "locker.tar.gz"
    manage(env_for(live), "migrate", "--verbosity", "0")
    manage(env_for(live), "backup", str(archive))
    fresh.mkdir(mode=0o755)

    manage(env_for(fresh), "restore", str(archive))

    assert mode(fresh / "skylocker.sqlite3") == 0o600
    assert not (fresh / "skylocker.sqlite3.restoring").exists()
