"""Every action on a file is in the audit log: who, whose file, through which door, from where."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from locker import maintenance
from locker.models import FileVersion, StoredFile, TrashedFile
from tests.audit_rows import ADDRESS, CLI, events, one
from tests.conftest import client_for, downloaded, upload_file


def test_an_upload_on_the_page_is_recorded_as_the_owners_through_the_page(alice_client):
    alice_client.post(
        reverse("upload"), {"file": upload_file("plan.txt", b"plan\n")}, REMOTE_ADDR=ADDRESS
    )
    stored = StoredFile.objects.get()
    assert events("file.uploaded") == [("alice", "alice", "web", ADDRESS, "ok")]
    event = one("file.uploaded")
    assert (event.object_type, event.object_id, event.object_name) == (
        "file", str(stored.pk), "plan.txt"
    )
    assert event.detail == {"size": 5}


def test_an_upload_through_the_api_is_recorded_at_the_api_door(alice_api):
    response = alice_api.post(
        "/api/v1/files", {"file": upload_file()}, format="multipart", REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 201
    assert events("file.uploaded") == [("alice", "alice", "api", ADDRESS, "ok")]
    assert one("file.uploaded").object_id == response.json()["id"]


def test_the_command_lines_user_agent_marks_the_cli_door(alice_api, alice_file):
    response = alice_api.delete(
        f"/api/v1/files/{alice_file.pk}", HTTP_USER_AGENT=CLI, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 204
    assert events("file.deleted") == [("alice", "alice", "cli", ADDRESS, "ok")]


def test_folder_actions_from_the_command_line_are_recorded_at_the_cli_door(alice_api):
    made = alice_api.post(
        "/api/v1/folders", {"name": "Reports"}, format="json",
        HTTP_USER_AGENT=CLI, REMOTE_ADDR=ADDRESS,
    )
    assert made.status_code == 201
    gone = alice_api.delete(
        f"/api/v1/folders/{made.json()['id']}", HTTP_USER_AGENT=CLI, REMOTE_ADDR=ADDRESS
    )
    assert gone.status_code == 204
    assert events("folder.created") == [("alice", "alice", "cli", ADDRESS, "ok")]
    assert events("folder.deleted") == [("alice", "alice", "cli", ADDRESS, "ok")]


def test_links_requests_and_app_passwords_from_the_command_line_are_at_the_cli_door(
    alice_api, alice_file, fresh_throttle
):
    cli = {"HTTP_USER_AGENT": CLI, "REMOTE_ADDR": ADDRESS}
    link = alice_api.post(f"/api/v1/files/{alice_file.pk}/links", {}, format="json", **cli)
    asked = alice_api.post("/api/v1/requests", {}, format="json", **cli)
    made = alice_api.post("/api/v1/app-passwords", {"name": "nas"}, format="json", **cli)
    assert (link.status_code, asked.status_code, made.status_code) == (201, 201, 201)
    alice_api.delete(f"/api/v1/links/{link.json()['id']}", **cli)
    alice_api.delete(f"/api/v1/requests/{asked.json()['id']}", **cli)
    alice_api.delete(f"/api/v1/app-passwords/{made.json()['id']}", **cli)
    for action in ("link.created", "link.revoked", "request.created", "request.revoked",
                   "app_password.created", "app_password.revoked"):  # fmt: skip
        assert events(action) == [("alice", "alice", "cli", ADDRESS, "ok")], action


def test_the_pages_own_javascript_on_the_api_counts_as_the_page(alice_client, alice_file):
    """upload.js calls the API with the session cookie: that is the page, not an API client."""
    response = alice_client.get(f"/api/v1/files/{alice_file.pk}/content")
    assert downloaded(response) == b"alice's secret\n"
    assert events("file.downloaded") == [("alice", "alice", "web", "127.0.0.1", "ok")]


def test_downloads_by_the_owner_and_by_staff_are_recorded_and_staff_are_marked(
    alice_client, alice_file, admin_api
):
    assert downloaded(
        alice_client.get(reverse("download", args=[alice_file.pk]), REMOTE_ADDR=ADDRESS)
    ) == b"alice's secret\n"
    assert downloaded(admin_api.get(f"/api/v1/files/{alice_file.pk}/content")) == (
        b"alice's secret\n"
    )
    assert events("file.downloaded") == [
        ("alice", "alice", "web", ADDRESS, "ok"),
        ("admin", "alice", "api", "127.0.0.1", "ok"),
    ]
    own, staff = AuditEvent.objects.filter(action="file.downloaded").order_by("id")
    assert (own.detail, staff.detail) == ({}, {"staff": True})


def test_a_download_that_cannot_be_served_is_not_recorded_as_one(alice_client, alice_file):
    StoredFile.objects.filter(pk=alice_file.pk).update(object_missing_at=timezone.now())
    response = alice_client.get(reverse("download", args=[alice_file.pk]))
    assert response.status_code == 503
    assert events("file.downloaded") == []


def test_a_replace_and_a_rename_are_recorded_with_what_changed(alice_client, alice_file):
    alice_client.post(
        reverse("replace", args=[alice_file.pk]),
        {"file": upload_file("new.txt", b"new\n"), "description": "mine"},
        REMOTE_ADDR=ADDRESS,
    )
    alice_client.post(reverse("rename", args=[alice_file.pk]), {"name": "final.txt"})
    assert events("file.replaced") == [("alice", "alice", "web", ADDRESS, "ok")]
    assert one("file.replaced").detail == {"changed": ["content"], "old_name": "alice.txt"}
    assert events("file.renamed") == [("alice", "alice", "web", "127.0.0.1", "ok")]
    renamed = one("file.renamed")
    assert (renamed.object_name, renamed.detail) == (
        "final.txt", {"changed": ["name"], "old_name": "alice.txt"}
    )


def test_staff_renaming_and_replacing_through_the_api_is_marked_on_the_owners_file(
    admin_api, alice_file
):
    admin_api.patch(
        f"/api/v1/files/{alice_file.pk}", {"name": "renamed.txt"}, format="json",
        REMOTE_ADDR=ADDRESS,
    )
    admin_api.patch(
        f"/api/v1/files/{alice_file.pk}", {"file": upload_file("x.txt", b"x")},
        format="multipart",
    )
    assert events("file.renamed") == [("admin", "alice", "api", ADDRESS, "ok")]
    assert events("file.replaced") == [("admin", "alice", "api", "127.0.0.1", "ok")]
    changes = AuditEvent.objects.filter(action__in=["file.renamed", "file.replaced"])
    assert [e.detail["staff"] for e in changes] == [True, True]


def test_a_delete_a_restore_and_a_purge_on_the_pages_are_recorded_in_order(
    alice_client, alice_file
):
    pk = alice_file.pk
    alice_client.post(reverse("delete", args=[pk]), REMOTE_ADDR=ADDRESS)
    alice_client.post(reverse("trash-restore", args=[pk]), REMOTE_ADDR=ADDRESS)
    alice_client.post(reverse("delete", args=[pk]), REMOTE_ADDR=ADDRESS)
    alice_client.post(reverse("trash-delete", args=[pk]), REMOTE_ADDR=ADDRESS)
    assert not TrashedFile.objects.exists() and not StoredFile.objects.exists()
    actions = list(AuditEvent.objects.filter(object_id=str(pk)).values_list("action", flat=True))
    assert actions[::-1] == [
        "file.uploaded", "file.deleted", "file.restored", "file.deleted", "file.purged"
    ]
    for action in ("file.restored", "file.purged"):
        assert events(action) == [("alice", "alice", "web", ADDRESS, "ok")]


def test_the_trash_through_the_api_records_restore_and_purge_at_the_api_door(
    alice_api, alice_file, bob_file, admin_api
):
    alice_file.delete_by(alice_file.owner, door="api")
    bob_file.delete_by(bob_file.owner, door="api")
    assert alice_api.post(f"/api/v1/trash/{alice_file.pk}/restore").status_code == 200
    assert admin_api.delete(f"/api/v1/trash/{bob_file.pk}", REMOTE_ADDR=ADDRESS).status_code == 204
    assert events("file.restored") == [("alice", "alice", "api", "127.0.0.1", "ok")]
    assert events("file.purged") == [("admin", "bob", "api", ADDRESS, "ok")]
    assert one("file.purged").detail == {"staff": True}


def test_with_no_trash_a_delete_is_recorded_as_deleted_and_purged(
    alice_client, alice_file, settings
):
    settings.TRASH_DAYS = 0
    alice_client.post(reverse("delete", args=[alice_file.pk]))
    of_the_file = AuditEvent.objects.filter(object_id=str(alice_file.pk)).order_by("id")
    assert [a for (a,) in of_the_file.values_list("action")] == [
        "file.uploaded", "file.deleted", "file.purged"
    ]


def test_the_workers_purge_and_version_expiry_are_recorded_at_the_worker_door(
    alice, alice_file, settings
):
    alice_file.replace(upload_file("v2.txt", b"v2"), actor=alice)
    alice_file.delete_by(alice)
    TrashedFile.objects.update(purge_at=timezone.now() - timedelta(seconds=1))
    maintenance.sweep()
    assert events("file.purged") == [(None, "alice", "worker", None, "ok")]

    other = StoredFile.create_from_upload(alice, upload_file("b.txt", b"b1"))
    other.replace(upload_file("b.txt", b"b2"), actor=alice)
    long_ago = timezone.now() - timedelta(days=settings.VERSION_DAYS + 1)
    FileVersion.objects.update(replaced_at=long_ago)
    maintenance.sweep()
    assert events("version.expired") == [(None, "alice", "worker", None, "ok")]
    assert one("version.expired").detail == {"file_id": str(other.pk)}


def test_restoring_and_downloading_a_version_are_recorded_on_the_file(
    alice_client, alice, alice_file
):
    alice_file.replace(upload_file("v2.txt", b"v2"), actor=alice)
    version = FileVersion.objects.get()
    page = alice_client.get(
        reverse("version-download", args=[alice_file.pk, version.pk]), REMOTE_ADDR=ADDRESS
    )
    assert downloaded(page) == b"alice's secret\n"
    alice_client.post(reverse("version-restore", args=[alice_file.pk, version.pk]))
    download = one("file.downloaded")
    assert (download.object_type, download.object_id, download.detail) == (
        "version", str(version.pk), {"file_id": str(alice_file.pk)}
    )
    assert events("version.restored") == [("alice", "alice", "web", "127.0.0.1", "ok")]
    restored = one("version.restored")
    assert (restored.object_id, restored.detail["version"]) == (str(alice_file.pk), str(version.pk))


def test_a_zip_of_selected_files_records_a_download_of_each(alice_client, alice):
    files = [StoredFile.create_from_upload(alice, upload_file(f"{n}.txt", b"n")) for n in "ab"]
    response = alice_client.post(
        reverse("bulk"), {"ids": [f.pk for f in files], "action": "zip"}, REMOTE_ADDR=ADDRESS
    )
    b"".join(response.streaming_content)
    assert events("file.downloaded") == [("alice", "alice", "web", ADDRESS, "ok")] * 2
    assert {e.detail["zip"] for e in AuditEvent.objects.filter(action="file.downloaded")} == {True}


def test_staff_deleting_and_editing_in_the_admin_is_recorded_at_the_admin_door(
    client, admin, alice_file
):
    staff = client_for(client, admin)
    change = reverse("admin:locker_storedfile_change", args=[alice_file.pk])
    staff.post(change, {"description": "checked"}, REMOTE_ADDR=ADDRESS)
    delete = reverse("admin:locker_storedfile_delete", args=[alice_file.pk])
    staff.post(delete, {"post": "yes"}, REMOTE_ADDR=ADDRESS)
    assert not StoredFile.objects.exists()
    assert events("file.replaced") == [("admin", "alice", "admin", ADDRESS, "ok")]
    assert events("file.deleted") == [("admin", "alice", "admin", ADDRESS, "ok")]


def test_restoring_a_mass_deletion_records_each_restore_by_the_staff_member(
    client, admin, alice, settings
):
    settings.MASS_DELETE_COUNT = 1
    files = [StoredFile.create_from_upload(alice, upload_file(f"{n}.txt", b"n")) for n in "abc"]
    for stored in files:
        stored.delete_by(alice)
    from locker.models import DeletionAlert

    alarm = DeletionAlert.objects.get(kind=DeletionAlert.MASS)
    client_for(client, admin).post(reverse("trash-burst", args=[alarm.pk]), REMOTE_ADDR=ADDRESS)
    assert StoredFile.objects.count() == 3
    assert events("file.restored") == [("admin", "alice", "web", ADDRESS, "ok")] * 3

