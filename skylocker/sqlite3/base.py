"""Django's SQLite backend, making the database file 0600 before SQLite creates it.

SQLite creates the file with the process's umask (often 0644: readable by every account on the
machine), and the file holds sessions and password hashes. SQLite gives its -wal and -shm files
the database file's mode, so they follow.
"""

import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        private_file(conn_params["database"])
        return super().get_new_connection(conn_params)


def private_file(name: str | Path) -> None:
    path = Path(name)
    if str(name).startswith(("file:", ":memory:")) or not path.parent.is_dir():
        return  # in memory, or a missing folder that the connection itself reports
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # made by an older Skylocker, which left it readable to all
