"""The log-in page warns before the lockout and, once locked, says how many minutes are left."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.test_login import log_in


def test_the_first_two_failures_say_nothing_of_tries(client, alice):
    for _ in range(2):
        page = log_in(client, "alice", "wrong-guess").content.decode()
        assert "left before log-in is locked" not in page


def test_the_third_and_fourth_failures_say_how_many_tries_are_left(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(2):
        log_in(client, "alice", "wrong-guess")
    third = log_in(client, "alice", "wrong-guess")
    assert third.status_code == 200
    assert "2 tries left before log-in is locked for a while." in third.content.decode()
    fourth = log_in(client, "alice", "wrong-guess").content.decode()
    assert "1 try left before log-in is locked for a while." in fourth
    assert "_auth_user_id" not in client.session


def test_a_locked_log_in_says_how_many_minutes_are_left(client, alice, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    # By default each try while locked starts the cool-off again (and the page says 15 again);
    # here it does not, to see the minutes run down.
    settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
    for _ in range(5):
        log_in(client, "alice", "wrong-guess")
    locked = log_in(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert "Try again in 15 minutes." in locked.content.decode()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14, seconds=30))
    later = log_in(client, "alice", PASSWORD)
    assert later.status_code == 429
    assert "Try again in 1 minute." in later.content.decode()
    assert "_auth_user_id" not in client.session
