"""A replace and a delete of the same file at the same moment, from two real connections.

Row locks (SELECT … FOR UPDATE) decide who goes first; whatever the order, the loser gets a
clean 404, no row points at a missing object and no object is left without a row (a deleted
file waits in the trash with its versions).
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from locker import maintenance
from locker.models import DeletionAlert, FileVersion, ObjectRemoval, StoredFile, TrashedFile
from tests.conftest import upload_file

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks between connections: .ci/run runs this on PostgreSQL",
)

ROUNDS = 8


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_thread(barrier, results, key, call):
    def run():
        try:
            barrier.wait()
            results[key] = call().status_code
        finally:
            connection.close()  # each thread had its own connection

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_a_replace_racing_a_delete_ends_with_one_winner_and_nothing_dangling(
    alice, stored_objects
):
    replacer, deleter = logged_in(alice), logged_in(alice)
    seen = []
    for round_ in range(ROUNDS):
        stored = StoredFile.create_from_upload(alice, upload_file(f"r{round_}.txt", b"first"))
        barrier, results = threading.Barrier(2), {}
        threads = [
            in_thread(barrier, results, "replace", lambda pk=stored.pk: replacer.post(
                reverse("replace", args=[pk]),
                {"file": upload_file("v2.txt", b"second version"), "description": "v2"},
            )),
            in_thread(barrier, results, "delete", lambda pk=stored.pk: deleter.post(
                reverse("delete", args=[pk])
            )),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert results["delete"] == 302  # a delete waits for the replace's lock, then wins
        assert results["replace"] in {302, 404}
        seen.append(results["replace"])
        assert not StoredFile.objects.filter(pk=stored.pk).exists()
        assert DeletionAlert.objects.filter(file_id=stored.pk).count() == 1

    maintenance.finish_object_removals()  # anything whose after-commit removal was cut short
    assert ObjectRemoval.objects.count() == 0
    assert TrashedFile.objects.count() == ROUNDS
    # Every object left belongs to a trashed file or one of its versions, and each of those
    # rows has its object: neither content of any file outlived its row, none went missing.
    rows = [*TrashedFile.objects.all(), *FileVersion.objects.all()]
    assert sorted(stored_objects()) == sorted(row.file.name for row in rows)
    assert all(version.file_id in {t.pk for t in TrashedFile.objects.all()}
               for version in FileVersion.objects.all())  # fmt: skip
    assert set(seen) <= {302, 404}
