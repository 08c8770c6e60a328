"""The database fails after the object was written: the object goes, nothing is half-done."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection

from locker.models import ObjectRemoval, StoredFile
from tests.conftest import upload_file


class FailOn:
    """Fails the first SQL statement that starts with `prefix`, as a database would.

    An in-process hook (Django's execute_wrapper), because no real database can be told to
    fail exactly one statement portably; the storage and the database stay real.
    """

    def __init__(self, prefix: str):
        self.prefix = prefix.upper()

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(self.prefix) and "LOCKER_STOREDFILE" in sql.upper():
            raise DatabaseError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_an_upload_for_an_account_deleted_meanwhile_leaves_no_object(stored_objects):
    """A real constraint violation: the owner's row went away while the bytes were written."""
    carol = get_user_model().objects.create_user("carol", password="x")
    get_user_model().objects.filter(pk=carol.pk).delete()

    with pytest.raises(IntegrityError):
        StoredFile.create_from_upload(carol, upload_file("late.txt", b"too late"))

    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_an_insert_that_fails_removes_the_written_object(alice, stored_objects):
    with connection.execute_wrapper(FailOn("INSERT")), pytest.raises(DatabaseError):
        StoredFile.create_from_upload(alice, upload_file("a.txt", b"never recorded"))

    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_a_replace_whose_update_fails_removes_the_new_object_and_keeps_the_old(
    alice_file, stored_objects
):
    before = StoredFile.objects.values().get(pk=alice_file.pk)
    old_objects = stored_objects()

    with connection.execute_wrapper(FailOn("UPDATE")), pytest.raises(DatabaseError):
        alice_file.replace(upload_file("v2.txt", b"second version"), "v2")

    assert StoredFile.objects.values().get(pk=alice_file.pk) == before
    assert stored_objects() == old_objects
    assert ObjectRemoval.objects.count() == 0  # the old object is not scheduled for removal
    assert alice_file.file.open("rb").read() == b"alice's secret\n"
