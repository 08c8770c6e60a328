"""The database drops the server's connection between two requests: the next one reconnects.

A real live server (its own thread and connection, kept between requests as CONN_MAX_AGE
says) and the database server itself ending that connection.
"""

import httpx
import pytest
from django.db import connection

from api.models import ApiToken

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has no server to drop a connection; .ci/run runs this on PostgreSQL and MariaDB",
)


def drop_other_connections() -> int:
    """Ends every other session on the test database, from the database server's side."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]
        cursor.execute(
            "SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
            "AND id <> CONNECTION_ID()"
        )
        ids = [row[0] for row in cursor.fetchall()]
        for session in ids:
            cursor.execute(f"KILL {int(session)}")
        return len(ids)


def test_the_next_request_after_a_dropped_connection_is_answered(live_server, alice, alice_file):
    _, raw = ApiToken.issue(alice)
    api = httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {raw}"})

    assert api.get("/api/v1/files").status_code == 200
    assert drop_other_connections() >= 1  # the live server's kept connection was there

    response = api.get("/api/v1/files")

    assert response.status_code == 200
    assert [f["id"] for f in response.json()["results"]] == [str(alice_file.pk)]
    assert api.get(f"/api/v1/files/{alice_file.pk}/content").content == b"alice's secret\n"
