"""Audit events older than SKYLOCKER_AUDIT_DAYS are pruned by the worker, in batches."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from audit.retention import prune
from locker import maintenance


def events_aged(days: float, count: int, alice) -> None:
    at = timezone.now() - timedelta(days=days)
    AuditEvent.objects.bulk_create(
        AuditEvent(at=at, actor=alice, actor_username="alice", door="web", action="file.downloaded",
                   owner=alice)
        for _ in range(count)
    )


@pytest.mark.django_db
def test_the_workers_sweep_prunes_events_older_than_the_retention_and_keeps_the_rest(
    alice, settings
):
    settings.AUDIT_DAYS = 30
    events_aged(31, 3, alice)
    events_aged(29, 2, alice)
    maintenance.sweep()  # what run_worker does every SWEEP_EVERY
    assert AuditEvent.objects.count() == 2
    assert not AuditEvent.objects.filter(at__lt=timezone.now() - timedelta(days=30)).exists()


@pytest.mark.django_db
def test_the_default_retention_is_a_year(alice, settings):
    assert settings.AUDIT_DAYS == 365
    events_aged(366, 1, alice)
    events_aged(364, 1, alice)
    prune()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_pruning_goes_in_batches_and_a_later_sweep_takes_the_rest(alice, settings):
    settings.AUDIT_DAYS = 1
    events_aged(2, 35, alice)
    assert prune(batch=10, max_batches=2) == 20
    assert AuditEvent.objects.count() == 15
    assert prune(batch=10, max_batches=2) == 15
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_retention_of_zero_keeps_every_event(alice, settings):
    settings.AUDIT_DAYS = 0
    events_aged(5000, 2, alice)
    assert prune() == 0
    assert AuditEvent.objects.count() == 2
