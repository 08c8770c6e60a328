"""Share links and file requests through the API: the contract's fields and status codes, and
404 for whatever is someone else's (a forged file id included)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from sharing.models import FileRequest, ShareLink


@pytest.fixture(autouse=True)
def no_spent_rates(fresh_throttle):
    """Every test starts with no failures counted against any address."""


@pytest.mark.django_db
def test_creating_a_link_answers_201_with_the_contracts_fields_and_a_working_url(
    alice_api, alice_file
):
    response = alice_api.post(
        f"/api/v1/files/{alice_file.pk}/links",
        {"password": "open sesame", "max_downloads": 2, "note": "hi"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {"id", "url", "expires_at", "downloads", "max_downloads", "has_password"} <= set(body)
    assert (body["downloads"], body["max_downloads"], body["has_password"]) == (0, 2, True)
    assert body["url"].startswith("http://testserver/s/")
    link = ShareLink.objects.get(pk=body["id"])
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    assert Client().get(body["url"].removeprefix("http://testserver")).status_code == 200
    assert AuditEvent.objects.filter(action="link.created", door="api").count() == 1


@pytest.mark.django_db
def test_the_url_is_given_once_and_links_are_listed_read_and_revoked(alice_api, alice_file):
    made = alice_api.post(f"/api/v1/files/{alice_file.pk}/links", {}, format="json").json()

    listed = alice_api.get(f"/api/v1/files/{alice_file.pk}/links").json()
    everything = alice_api.get("/api/v1/links").json()
    one = alice_api.get(f"/api/v1/links/{made['id']}")
    revoked = alice_api.delete(f"/api/v1/links/{made['id']}")

    assert [item["id"] for item in listed] == [made["id"]] == [item["id"] for item in everything]
    assert listed[0]["url"] is None and one.json()["url"] is None
    assert one.status_code == 200 and one.json()["state"] == "active"
    assert revoked.status_code == 204
    assert ShareLink.objects.get(pk=made["id"]).revoked_at is not None
    assert Client().get(made["url"].removeprefix("http://testserver")).status_code == 404


@pytest.mark.django_db
def test_more_days_than_allowed_is_400_and_makes_no_link(settings, alice_api, alice_file):
    settings.SHARE_MAX_DAYS = 10

    response = alice_api.post(
        f"/api/v1/files/{alice_file.pk}/links", {"days": 11}, format="json"
    )

    assert response.status_code == 400 and "days" in response.json()
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_a_share_link_to_a_file_another_user_owns_forged_into_the_api_is_404(
    alice_api, bob_file
):
    made = alice_api.post(f"/api/v1/files/{bob_file.pk}/links", {}, format="json")
    listed = alice_api.get(f"/api/v1/files/{bob_file.pk}/links")

    assert (made.status_code, listed.status_code) == (404, 404)
    assert not ShareLink.objects.exists()
    assert not AuditEvent.objects.filter(action="link.created").exists()


@pytest.mark.django_db
def test_another_users_link_and_request_are_404_and_stay_as_they_are(
    alice, alice_api, bob_api, alice_file
):
    link = alice_api.post(f"/api/v1/files/{alice_file.pk}/links", {}, format="json").json()
    asked = alice_api.post("/api/v1/requests", {}, format="json").json()

    answers = [
        bob_api.get(f"/api/v1/links/{link['id']}").status_code,
        bob_api.delete(f"/api/v1/links/{link['id']}").status_code,
        bob_api.get(f"/api/v1/requests/{asked['id']}").status_code,
        bob_api.delete(f"/api/v1/requests/{asked['id']}").status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert bob_api.get("/api/v1/links").json() == []
    assert bob_api.get("/api/v1/requests").json() == []
    assert ShareLink.objects.get().revoked_at is None
    assert FileRequest.objects.get().revoked_at is None


@pytest.mark.django_db
def test_staff_who_manage_all_files_see_and_revoke_every_link(alice_api, admin_api, alice_file):
    link = alice_api.post(f"/api/v1/files/{alice_file.pk}/links", {}, format="json").json()

    listed = admin_api.get("/api/v1/links").json()
    revoked = admin_api.delete(f"/api/v1/links/{link['id']}")

    assert [item["id"] for item in listed] == [link["id"]]
    assert revoked.status_code == 204
    assert ShareLink.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_creating_a_file_request_answers_201_and_it_is_read_and_revoked(alice_api, settings):
    response = alice_api.post(
        "/api/v1/requests",
        {"days": 3, "password": "", "max_files": 4, "max_bytes": 1000, "message": "Photos"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {"id", "url", "expires_at", "files_received"} <= set(body)
    assert (body["files_received"], body["max_files"], body["max_bytes"]) == (0, 4, 1000)
    assert body["url"].startswith("http://testserver/r/")
    assert alice_api.get(f"/api/v1/requests/{body['id']}").json()["url"] is None
    assert alice_api.delete(f"/api/v1/requests/{body['id']}").status_code == 204
    assert FileRequest.objects.get().revoked_at is not None
    assert Client().get(body["url"].removeprefix("http://testserver")).status_code == 404


@pytest.mark.django_db
def test_a_request_may_not_take_files_over_the_upload_limit(settings, alice_api):
    settings.MAX_UPLOAD_BYTES = 1000

    response = alice_api.post("/api/v1/requests", {"max_bytes": 1001}, format="json")

    assert response.status_code == 400 and "max_bytes" in response.json()
    assert not FileRequest.objects.exists()


@pytest.mark.django_db
def test_the_sharing_paths_are_in_the_openapi_document(alice_api):
    paths = alice_api.get("/api/v1/schema").json()["paths"]

    assert {"post", "get"} <= set(paths["/api/v1/files/{id}/links"])
    assert {"get", "delete"} <= set(paths["/api/v1/links/{id}"])
    assert {"post", "get"} <= set(paths["/api/v1/requests"])
    assert {"get", "delete"} <= set(paths["/api/v1/requests/{id}"])
    created = paths["/api/v1/files/{id}/links"]["post"]["responses"]
    assert "201" in created and "404" in created
