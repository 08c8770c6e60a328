"""GET /api/v1/audit: one's own events; staff everyone's, filtered by user, action and dates;
paginated like the other lists; in the OpenAPI document."""

from datetime import timedelta

from django.utils import timezone
from openapi_spec_validator import validate

from audit.log import Door, record
from audit.models import AuditEvent


def test_a_user_gets_their_own_events_and_what_was_done_to_their_data(
    alice_api, alice_file, bob_file, admin
):
    alice_file.delete_by(admin, door=Door.WEB, address="192.0.2.4")
    response = alice_api.get("/api/v1/audit")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(e["action"], e["actor"], e["owner"]) for e in results] == [
        ("file.deleted", "admin", "alice"), ("file.uploaded", "alice", "alice")
    ]
    deleted = results[0]
    assert (deleted["door"], deleted["address"], deleted["outcome"], deleted["detail"]) == (
        "web", "192.0.2.4", "ok", {"staff": True}
    )
    assert (deleted["object_type"], deleted["object_id"], deleted["object_name"]) == (
        "file", str(alice_file.pk), "alice.txt"
    )


def test_a_user_cannot_see_others_events_even_naming_them(alice_api, bob_file):
    response = alice_api.get("/api/v1/audit", {"user": "bob"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_staff_get_everyones_events_filtered_by_user_action_and_dates(
    admin_api, alice, alice_file, bob_file
):
    old = record("account.login", actor=alice, door=Door.API, target=alice)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=3))
    everyone = admin_api.get("/api/v1/audit").json()
    assert {"alice", "bob"} <= {e["actor"] for e in everyone["results"]}

    bob = admin_api.get("/api/v1/audit", {"user": "bob"}).json()["results"]
    assert [(e["action"], e["owner"]) for e in bob] == [("file.uploaded", "bob")]
    logins = admin_api.get("/api/v1/audit", {"user": "alice", "action": "account.login"})
    assert [e["id"] for e in logins.json()["results"]] == [old.pk]
    today = timezone.localdate()
    until = admin_api.get("/api/v1/audit", {"until": (today - timedelta(days=2)).isoformat()})
    assert [e["id"] for e in until.json()["results"]] == [old.pk]
    since = admin_api.get("/api/v1/audit", {"since": today.isoformat(), "user": "alice"})
    assert old.pk not in [e["id"] for e in since.json()["results"]]


def test_bad_filters_are_a_400_naming_them(admin_api):
    response = admin_api.get("/api/v1/audit", {"action": "file.teleported", "since": "soon"})
    assert response.status_code == 400
    assert set(response.json()) >= {"action", "since"}
    empty = admin_api.get("/api/v1/audit", {"until": ""})
    assert (empty.status_code, "until" in empty.json()) == (400, True)


def test_empty_user_and_action_filters_mean_anyone_and_any_action(admin_api, alice_file):
    response = admin_api.get("/api/v1/audit", {"user": "", "action": ""})
    assert response.status_code == 200
    assert "file.uploaded" in [e["action"] for e in response.json()["results"]]


def test_events_are_paginated_like_the_other_lists(alice_api, alice):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=alice, actor_username="alice", door="api", action="file.downloaded",
                   owner=alice)
        for _ in range(7)
    )
    first = alice_api.get("/api/v1/audit", {"page_size": 5}).json()
    assert (first["count"], len(first["results"])) == (7, 5)
    second = alice_api.get(first["next"]).json()
    assert len(second["results"]) == 2
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)


def test_the_audit_list_needs_a_sign_in(anon, db):
    assert anon.get("/api/v1/audit").status_code == 401


def test_the_audit_list_is_in_the_openapi_document(anon, db):
    schema = anon.get("/api/v1/schema").json()
    validate(schema)
    operation = schema["paths"]["/api/v1/audit"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "user", "action", "since", "until", "page", "page_size"
    }
