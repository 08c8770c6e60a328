"""Every order the list contract offers is read from an index, for staff (everyone's files) and
for one owner's files: the database never sorts the whole table to show one page. Checked in
SQLite's query plan for the very query the lists run."""

import pytest
from django.db import connection

from locker import listing

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="reads SQLite's query plan: make test and .ci/run run this on SQLite",
)
SORTS = listing.ORDERINGS  # sorting by owner reads the copy of the owners' names


def plan(queryset) -> str:
    sql, params = queryset[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " / ".join(row[-1] for row in cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.parametrize("sort", SORTS)
def test_staff_lists_in_every_order_read_an_index_and_sort_nothing(admin_user, sort):
    found = plan(listing.files(admin_user, listing.ListQuery(sort=sort)))
    assert "USING INDEX locker_file_" in found
    assert "TEMP B-TREE" not in found


@pytest.mark.django_db
@pytest.mark.parametrize("sort", SORTS)
def test_one_owners_files_in_every_order_read_an_index_and_sort_nothing(admin_user, sort):
    query = listing.ListQuery(sort=sort, owner="someone")
    found = plan(listing.files(admin_user, query))
    assert "USING INDEX locker_owner_" in found
    assert "TEMP B-TREE" not in found
