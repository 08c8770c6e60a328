"""Simultaneous uploads by one account cannot overshoot its quota together, from real connections.

Each upload is checked under a row lock on its owner, so the last byte is counted once.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from locker.models import Quota, StoredFile, used_by
from tests.conftest import upload_file

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="needs concurrent writers: SQLite takes one at a time; .ci/run runs this on "
    "PostgreSQL and MariaDB",
)

UPLOADS = 6
SIZE = 1000


def upload(barrier, results, index, user):
    def run():
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            response = client.post(
                reverse("upload"), {"file": upload_file(f"f{index}.bin", bytes([index]) * SIZE)}
            )
            results[index] = response.status_code
        finally:
            connection.close()  # each thread had its own connection

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_uploads_stop_at_the_quota(alice, stored_objects):
    Quota.objects.create(user=alice, quota_bytes=3 * SIZE + SIZE // 2)
    barrier, results = threading.Barrier(UPLOADS), {}
    threads = [upload(barrier, results, i, alice) for i in range(UPLOADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results.values()) == [302] * 3 + [413] * (UPLOADS - 3)
    assert StoredFile.objects.count() == 3
    assert used_by(alice) == 3 * SIZE
    assert sorted(stored_objects()) == sorted(StoredFile.objects.values_list("file", flat=True))
