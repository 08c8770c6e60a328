"""On PostgreSQL the list's search reads the trigram indexes of the name and the description
(locker migration 0004) rather than every row: checked in the plan of the very query the lists
run, with sequential and ordered index scans priced out: on an empty test table the planner
would otherwise walk the sort order's index, as it rightly does when most rows match."""

import pytest
from django.db import connection, transaction

from locker import listing

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_trgm is PostgreSQL's: .ci/run runs this on PostgreSQL",
)


@pytest.mark.django_db
def test_a_search_reads_the_trigram_indexes_of_name_and_description(admin_user):
    files = listing.files(admin_user, listing.ListQuery(search="invoice"))
    sql, params = files[:50].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "locker_file_name_trgm" in plan
    assert "locker_file_description_trgm" in plan
