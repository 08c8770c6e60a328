"""The Activity pages: one's own events; staff with audit.view_all_events everyone's, filtered
by user, action and dates, in keyset pages; and the CSV export, streamed whatever its size."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.export import COLUMNS
from audit.log import Door, record
from audit.models import AuditEvent
from tests.conftest import client_for, make_user


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def names_on(response) -> list[str]:
    return [e.action for e in response.context["page"].events]


@pytest.fixture
def history(alice, bob, alice_file, bob_file, admin):
    """alice and bob upload (fixtures), bob signs in, admin deletes alice's file."""
    record("account.login", actor=bob, door=Door.WEB, target=bob)
    alice_file.delete_by(admin)


def test_everyone_sees_what_they_did_and_what_was_done_to_their_data(client, alice, history):
    page = client_for(client, alice).get(reverse("activity"))
    assert page.status_code == 200
    events = page.context["page"].events
    assert [(e.action, e.actor_username) for e in events if e.action != "account.login"] == [
        ("file.deleted", "admin"), ("file.uploaded", "alice")
    ]
    assert all(e.owner_id == alice.pk or e.actor_id == alice.pk for e in events)
    assert "(staff)" in page.content.decode()


def test_staff_own_activity_is_their_own_and_everyones_is_another_page(client, admin, history):
    staff = client_for(client, admin)
    own = staff.get(reverse("activity"))
    assert {e.actor_username for e in own.context["page"].events} == {"admin"}
    everyone = staff.get(reverse("activity-all"))
    assert {"alice", "bob", "admin"} <= {e.actor_username for e in everyone.context["page"].events}


def test_everyones_activity_is_a_404_without_the_permission(client, bob):
    staff_without = make_user("sam", first="Sam", last="Staff")
    staff_without.is_staff = True
    staff_without.save()
    for user in (bob, staff_without):
        response = client_for(client, user).get(reverse("activity-all"))
        assert response.status_code == 404
        assert client.get(reverse("activity-all-export")).status_code == 404


def test_the_permission_alone_opens_everyones_activity(client, history):
    auditor = make_user("audrey", first="Audrey", last="Auditor")
    auditor.user_permissions.add(Permission.objects.get(codename="view_all_events"))
    page = client_for(client, auditor).get(reverse("activity-all"))
    assert page.status_code == 200
    assert "file.deleted" in names_on(page)


def test_staff_filter_by_user_action_and_dates(client, admin, alice, history):
    old = record("account.login", actor=alice, door=Door.API, target=alice)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    staff = client_for(client, admin)

    by_bob = staff.get(reverse("activity-all"), {"user": "bob"})
    assert sorted(names_on(by_bob)) == ["account.login", "file.uploaded"]
    deletes = staff.get(reverse("activity-all"), {"action": "file.deleted"})
    assert [(e.actor_username, e.owner.username) for e in deletes.context["page"].events] == [
        ("admin", "alice")
    ]
    today = timezone.localdate()
    long_ago = staff.get(
        reverse("activity-all"),
        {"user": "alice", "until": (today - timedelta(days=9)).isoformat()},
    )
    assert [e.pk for e in long_ago.context["page"].events] == [old.pk]
    recent = staff.get(reverse("activity-all"), {"user": "alice", "since": today.isoformat()})
    assert old.pk not in [e.pk for e in recent.context["page"].events]


def test_a_date_that_is_no_date_is_said_and_the_page_still_answers(client, admin):
    response = client_for(client, admin).get(reverse("activity-all"), {"since": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_pages_follow_one_another_by_keyset_without_gaps_or_repeats(client, admin, alice):
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(at=now - timedelta(seconds=i // 3), actor_username="alice", door="web",
                   action="file.downloaded", owner=alice)
        for i in range(120)  # three events a second: ties on `at` across page edges
    )
    staff = client_for(client, admin)
    seen, page = [], staff.get(reverse("activity-all"), {"action": "file.downloaded"})
    while True:
        seen += [e.pk for e in page.context["page"].events]
        older = page.context["page"].older
        if older is None:
            break
        page = staff.get(reverse("activity-all"), {"action": "file.downloaded", "before": older})
    downloads = AuditEvent.objects.filter(action="file.downloaded")
    expected = list(downloads.order_by("-at", "-id").values_list("pk", flat=True))
    assert seen == expected
    assert len(page.context["page"].events) == 20  # 50 + 50 + 20

    back = staff.get(
        reverse("activity-all"),
        {"action": "file.downloaded", "after": page.context["page"].events[0].pk},
    )
    assert [e.pk for e in back.context["page"].events] == expected[50:100]
    assert back.context["page"].newer == expected[50]


def test_the_csv_export_streams_every_row_with_every_column(client, admin, alice):
    now = timezone.now()
    total = 20_000
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(at=now - timedelta(milliseconds=i), actor=alice, actor_username="alice",
                       door="api", address="192.0.2.10", action="file.downloaded", owner=alice,
                       object_type="file", object_id=str(i), object_name=f"file-{i}.txt")
            for i in range(total)
        ),
        batch_size=2000,
    )
    response = client_for(client, admin).get(reverse("activity-all-export"), {"user": "alice"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="skylocker-audit-')
    rows = rows_of(response)
    assert rows[0] == COLUMNS
    assert len(rows) == total + 1
    assert {len(row) for row in rows} == {len(COLUMNS)}
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert (first["actor"], first["door"], first["address"], first["action"], first["owner"],
            first["object_id"], first["object_name"], first["outcome"]) == (
        "alice", "api", "192.0.2.10", "file.downloaded", "alice", "0", "file-0.txt", "ok"
    )
    assert [row[7] for row in rows[1:4]] == ["0", "1", "2"]  # newest first


def test_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe(client, admin, alice):
    for name in ["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "plain.txt"]:
        record("file.uploaded", actor=alice, door=Door.WEB, object_type="file",
               owner=alice, note=name)
        AuditEvent.objects.filter(pk=AuditEvent.objects.latest("id").pk).update(object_name=name)
    rows = rows_of(client_for(client, admin).get(reverse("activity-all-export")))
    uploads = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    names = [row["object_name"] for row in uploads if row["action"] == "file.uploaded"]
    assert names == ["plain.txt", "'@SUM(A1)", "'-2+3", "'+1", "'=HYPERLINK(\"http://evil\")"]


def test_a_users_own_export_holds_only_their_own_events(client, bob, history):
    rows = rows_of(client_for(client, bob).get(reverse("activity-export")))
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert body and all("bob" in (row["actor"], row["owner"]) for row in body)
    assert "file.deleted" not in [row["action"] for row in body]
