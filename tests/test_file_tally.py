"""Each owner's tally of files, kept by the database's triggers (locker migration 0009), and
the lists that read it instead of counting: everyone's files and one owner's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from locker import listing
from locker.models import FileTally, StoredFile, TrashedFile
from tests.conftest import upload_file
from tests.test_list import rows


def tallies() -> dict[int, int]:
    return dict(FileTally.objects.values_list("owner_id", "files"))


def counted() -> dict[int, int]:
    return {
        owner: StoredFile.objects.filter(owner_id=owner).count()
        for owner in StoredFile.objects.values_list("owner_id", flat=True).distinct()
    }


def counts_read(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_the_tally_follows_uploads_bulk_inserts_trash_restore_and_plain_sql(alice, bob):
    upload = StoredFile.create_from_upload(alice, upload_file("a.txt"), "")
    rows(alice, 5)
    rows(bob, 3)
    assert tallies() == {alice.pk: 6, bob.pk: 3}
    upload.delete_by(alice)  # to the trash: out of the list
    assert tallies() == {alice.pk: 5, bob.pk: 3}
    TrashedFile.objects.get(pk=upload.pk).restore(alice)
    assert tallies() == {alice.pk: 6, bob.pk: 3}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM locker_storedfile WHERE owner_id = %s", [bob.pk])
    StoredFile.objects.filter(owner=alice, name="file-000.txt").delete()
    assert tallies() == {alice.pk: counted()[alice.pk], bob.pk: 0}


def test_a_file_given_to_another_owner_moves_its_tally(alice, bob):
    rows(alice, 2)
    StoredFile.objects.filter(name="file-000.txt").update(owner=bob)
    assert tallies() == {alice.pk: 1, bob.pk: 1}


def test_a_user_whose_files_are_gone_can_be_deleted_with_their_tally(alice, bob):
    rows(bob, 2)
    StoredFile.objects.filter(owner=bob).delete()
    bob.delete()
    assert tallies() == {}


@pytest.mark.parametrize(
    "query",
    [listing.ListQuery(), listing.ListQuery(owner="alice"), listing.ListQuery(sort="name")],
    ids=["everyone", "owner filter", "sorted"],
)
def test_everyones_files_and_one_owners_are_not_counted_but_tallied(admin, alice, bob, query):
    rows(alice, 7)
    rows(bob, 4)
    found = listing.files(admin, query)
    with CaptureQueriesContext(connection) as read:
        total = listing.Pages(found, 5).count
    assert total == found.count() == (7 if query.owner else 11)
    assert counts_read(read.captured_queries) == []


def test_ones_own_list_is_tallied_and_others_files_never_are_in_it(alice, bob):
    rows(alice, 3)
    rows(bob, 9)
    mine = listing.files(alice, listing.ListQuery())
    with CaptureQueriesContext(connection) as read:
        assert listing.Pages(mine, 5).count == 3
    assert counts_read(read.captured_queries) == []
    theirs = listing.files(alice, listing.ListQuery(owner="bob"))
    assert listing.Pages(theirs, 5).count == 0  # two different owners: counted, and none


def test_a_search_or_a_folder_is_counted_as_before(admin, alice):
    rows(alice, 6)
    rows(alice, 2, name="other.txt")
    found = listing.files(admin, listing.ListQuery(search="file"))
    assert listing.tallied_count(found) is None
    with CaptureQueriesContext(connection) as read:
        assert listing.Pages(found, 5).count == 6
    assert counts_read(read.captured_queries)
    assert listing.tallied_count(listing.files(alice, listing.ListQuery(folder="root"))) is None


def test_the_migration_fills_the_tallies_from_the_files_already_there(alice, bob, transactional_db):
    rows(alice, 4)
    rows(bob, 2)
    executor = MigrationExecutor(connection)
    executor.migrate([("locker", "0008_owner_sort")])
    with connection.cursor() as cursor:  # without the triggers, rows come and go uncounted
        cursor.execute("DELETE FROM locker_storedfile WHERE owner_id = %s", [bob.pk])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert tallies() == {alice.pk: 4}
    rows(bob, 1)
    assert tallies() == {alice.pk: 4, bob.pk: 1}
