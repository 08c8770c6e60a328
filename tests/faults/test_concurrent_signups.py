"""Sign-ups with the same username or email at the same moment, from real connections.

auth.User's email has no unique index: only the sign-up lock keeps a second account with the
same email out. Each loser gets the form's error, never a 500.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import SignupLock

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="needs concurrent writers: SQLite takes one at a time; .ci/run runs this on "
    "PostgreSQL and MariaDB",
)

PASSWORD = "violet-harbour-lantern-7"
SIGNUPS = 6


def sign_up(barrier, results, index, username, email):
    def run():
        try:
            barrier.wait()
            response = Client().post(reverse("signup"), {
                "first_name": "Twin", "last_name": str(index), "email": email,
                "username": username, "password1": PASSWORD, "password2": PASSWORD,
            })
            results[index] = (response.status_code, response.content)
        finally:
            connection.close()  # each thread had its own connection

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same", ["email", "username"])
def test_simultaneous_sign_ups_make_one_account_and_tell_the_others_why(same, fresh_throttle):
    # fresh_throttle: these sign-ups all come from one address, and the per-address sign-up
    # rate counts in the database cache, which a transactional test's flush leaves alone.
    SignupLock.objects.get_or_create(pk=1)  # as migrate left it (an earlier test flushed it)
    barrier, results = threading.Barrier(SIGNUPS), {}
    threads = [
        sign_up(
            barrier, results, i,
            username="twin" if same == "username" else f"twin{i}",
            email="twin@example.com" if same == "email" else f"twin{i}@example.com",
        )
        for i in range(SIGNUPS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results.values())
    assert statuses == [302] + [400] * (SIGNUPS - 1)
    message = {"email": b"An account with this email already exists.",
               "username": b"A user with that username already exists."}[same]
    assert all(message in body for status, body in results.values() if status == 400)
    assert get_user_model().objects.count() == 1
