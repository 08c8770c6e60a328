"""App passwords: made on the Account page and through the API, shown once, kept as a digest,
listed without secrets, revoked one by one; others' answer 404; every change audited."""

import hashlib
import json

from django.urls import reverse

from audit.models import AuditEvent
from dav.models import AppPassword


def test_the_api_creates_an_app_password_and_shows_it_once(alice_api, alice):
    response = alice_api.post("/api/v1/app-passwords", {"name": "laptop rclone"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "password", "created_at", "created_from"}
    assert body["name"] == "laptop rclone"
    assert response["Cache-Control"] == "no-store"
    row = AppPassword.objects.get(pk=body["id"])
    assert (row.user, row.name) == (alice, "laptop rclone")
    # Only the SHA-256 is kept: the password itself is nowhere in the row.
    assert row.digest == hashlib.sha256(body["password"].encode()).hexdigest()
    assert body["password"] not in json.dumps(list(AppPassword.objects.values()), default=str)
    listed = alice_api.get("/api/v1/app-passwords").json()
    assert [item["name"] for item in listed] == ["laptop rclone"]
    assert "password" not in listed[0] and "digest" not in listed[0]


def test_an_app_password_needs_a_name(alice_api):
    response = alice_api.post("/api/v1/app-passwords", {}, format="json")
    assert response.status_code == 400
    assert AppPassword.objects.count() == 0


def test_each_user_lists_only_their_own(alice_api, bob_api, bob):
    AppPassword.issue(bob, "bob's phone", door="api")
    assert alice_api.get("/api/v1/app-passwords").json() == []
    assert [p["name"] for p in bob_api.get("/api/v1/app-passwords").json()] == ["bob's phone"]


def test_revoking_removes_it_and_anothers_answers_404(alice_api, bob, alice):
    mine, _raw = AppPassword.issue(alice, "old laptop", door="web")
    theirs, _raw = AppPassword.issue(bob, "bob's phone", door="web")
    assert alice_api.delete(f"/api/v1/app-passwords/{theirs.pk}").status_code == 404
    assert AppPassword.objects.filter(pk=theirs.pk).exists()
    assert alice_api.delete(f"/api/v1/app-passwords/{mine.pk}").status_code == 204
    assert not AppPassword.objects.filter(pk=mine.pk).exists()
    assert alice_api.delete(f"/api/v1/app-passwords/{mine.pk}").status_code == 404


def test_creating_and_revoking_are_in_the_audit_log(alice_api, alice):
    created = alice_api.post("/api/v1/app-passwords", {"name": "nas"}, format="json").json()
    alice_api.delete(f"/api/v1/app-passwords/{created['id']}")
    events = AuditEvent.objects.filter(object_id=str(created["id"])).order_by("at", "id")
    assert [(e.action, e.door, e.actor, e.object_name) for e in events] == [
        ("app_password.created", "api", alice, "nas"),
        ("app_password.revoked", "api", alice, "nas"),
    ]


def test_the_api_needs_a_signed_in_user(anon):
    assert anon.get("/api/v1/app-passwords").status_code == 401
    assert anon.post("/api/v1/app-passwords", {"name": "x"}, format="json").status_code == 401


def test_the_openapi_document_describes_the_three_operations(anon):
    paths = anon.get("/api/v1/schema").json()["paths"]
    assert set(paths["/api/v1/app-passwords"]) == {"get", "post"}
    assert "201" in paths["/api/v1/app-passwords"]["post"]["responses"]
    assert set(paths["/api/v1/app-passwords/{id}"]) == {"delete"}


def test_the_account_page_lists_them_with_the_dav_url_and_an_rclone_snippet(alice_client, alice):
    AppPassword.issue(alice, "desktop", door="web")
    page = alice_client.get(reverse("account")).content.decode()
    assert "desktop" in page
    assert "http://testserver/dav/" in page
    assert "rclone config create skylocker webdav" in page
    assert "vendor=other" in page and "user=alice" in page


def test_the_account_page_creates_one_and_shows_it_only_on_that_answer(alice_client, alice):
    response = alice_client.post(reverse("app-password-create"), {"name": "phone"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    row = AppPassword.objects.get(user=alice)
    shown = response.context["password"]
    assert row.digest == hashlib.sha256(shown.encode()).hexdigest()
    assert shown in response.content.decode()
    assert shown not in alice_client.get(reverse("account")).content.decode()
    event = AuditEvent.objects.get(action="app_password.created")
    assert (event.door, event.actor) == ("web", alice)


def test_the_account_page_revokes_only_ones_own(alice_client, alice, bob):
    mine, _ = AppPassword.issue(alice, "phone", door="web")
    theirs, _ = AppPassword.issue(bob, "tablet", door="web")
    assert alice_client.post(reverse("app-password-revoke", args=[theirs.pk])).status_code == 404
    response = alice_client.post(reverse("app-password-revoke", args=[mine.pk]))
    assert response.status_code == 302
    assert list(AppPassword.objects.values_list("name", flat=True)) == ["tablet"]


def test_a_name_that_is_not_text_is_refused(alice_api):
    response = alice_api.post("/api/v1/app-passwords", {"name": 0}, format="json")
    assert response.status_code == 400
    assert AppPassword.objects.count() == 0
