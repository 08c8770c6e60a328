"""A backup never writes through a `.partial` it did not create: a planted file or symlink
under that name is refused and left as it was. Real `manage.py` processes on real SQLite."""

import os
import stat

import pytest

from tests.live import manage
from tests.test_backup import env_for


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    data = tmp_path_factory.mktemp("partial") / "live"
    manage(env_for(data), "migrate", "--verbosity", "0")
    return data


def test_a_planted_partial_file_is_refused_and_left_unread_and_unchanged(live, tmp_path):
    archive = tmp_path / "locker.tar.gz"
    planted = tmp_path / "locker.tar.gz.partial"
    planted.write_text("someone else's file")
    planted.chmod(0o644)

    result = manage(env_for(live), "backup", str(archive), check=False)

    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert planted.read_text() == "someone else's file"
    assert stat.S_IMODE(planted.stat().st_mode) == 0o644
    assert not archive.exists()


def test_a_planted_partial_symlink_is_refused_and_never_followed(live, tmp_path):
    archive = tmp_path / "locker.tar.gz"
    elsewhere = tmp_path / "readable-by-all" / "stolen.tar.gz"
    elsewhere.parent.mkdir()
    (tmp_path / "locker.tar.gz.partial").symlink_to(elsewhere)

    result = manage(env_for(live), "backup", str(archive), check=False)

    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert not elsewhere.exists()
    assert os.readlink(tmp_path / "locker.tar.gz.partial") == str(elsewhere)
    assert not archive.exists()


def test_a_backup_makes_its_partial_itself_and_leaves_only_the_archive(live, tmp_path):
    archive = tmp_path / "locker.tar.gz"

    manage(env_for(live), "backup", str(archive))

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not (tmp_path / "locker.tar.gz.partial").exists()
