import pytest
from django.db import transaction

from audit.log import Door, record
from audit.models import AuditEvent
from locker.models import StoredFile


def a_file(owner, name):
    return StoredFile.objects.create(
        owner=owner, file=f"u/{owner.pk}/{name}", name=name, size=3, sha256="0" * 64,
        content_type="text/plain",
    )


@pytest.mark.django_db
def test_a_record_copies_the_target_and_its_owner(alice, admin):
    stored = a_file(alice, "report.pdf")
    event = record("file.deleted", actor=admin, door=Door.WEB, address="203.0.113.9",
                   target=stored, reason="cleanup")
    event.refresh_from_db()
    assert (event.actor, event.owner, event.object_type, event.object_id, event.object_name) == (
        admin, alice, "file", str(stored.pk), "report.pdf")
    assert event.actor_username == admin.username
    assert event.detail == {"reason": "cleanup", "staff": True}
    assert list(AuditEvent.objects.visible_to(alice)) == [event]


@pytest.mark.django_db
def test_an_unknown_action_is_refused_and_nothing_is_written(alice):
    with pytest.raises(ValueError):
        record("file.teleported", actor=alice, door=Door.API)
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_an_action_fails_with_its_record(alice):
    stored = a_file(alice, "a.txt")
    pk = stored.pk
    with pytest.raises(TypeError), transaction.atomic():
        stored.delete()
        # A record that cannot be written (its detail is no JSON) takes the delete down with it.
        record("file.deleted", actor=alice, door=Door.WEB, target=stored, what=object())
    assert StoredFile.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_an_unknown_door_is_refused(alice):
    with pytest.raises(ValueError):
        record("account.login", actor=alice, door="")
    assert AuditEvent.objects.count() == 0
