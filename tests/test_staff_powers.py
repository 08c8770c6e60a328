"""Seeing and managing others' files takes the locker.manage_all_files permission, not merely
being staff; when someone holding it replaces or deletes another user's file, that is recorded
and the owner is told by email (through the alert outbox, to a real SMTP server)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiToken
from locker.models import AlertDelivery, DeletionAlert, StoredFile
from tests.conftest import make_user, upload_file

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits, as in production


@pytest.fixture
def clerk(db):
    """Staff (may log in to the admin) with no permission at all."""
    user = make_user("clerk", first="Carl", last="Clerk")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def manager(db):
    """Staff, not a superuser, granted locker.manage_all_files."""
    user = make_user("manager", first="Mona", last="Manager")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="manage_all_files"))
    return user


def bearer(client, user):
    _, raw = ApiToken.issue(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_staff_without_the_permission_see_only_their_own_files(client, clerk, alice_file):
    client.force_login(clerk)
    assert client.get(reverse("download", args=[alice_file.pk])).status_code == 404
    assert client.get(reverse("all-files")).status_code == 404
    assert b"All files" not in client.get(reverse("files")).content
    assert client.post(reverse("delete", args=[alice_file.pk])).status_code == 404
    assert client.get(f"/admin/locker/storedfile/{alice_file.pk}/change/").status_code in {
        302,
        403,
        404,
    }
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()


def test_staff_without_the_permission_get_404_from_the_api(client, clerk, alice_file):
    api = bearer(client, clerk)
    assert api.get(f"/api/v1/files/{alice_file.pk}").status_code == 404
    assert api.get("/api/v1/files?owner=alice").json()["results"] == []
    assert api.delete(f"/api/v1/files/{alice_file.pk}").status_code == 404
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()


def test_the_permission_opens_everyones_files(client, manager, alice_file):
    client.force_login(manager)
    assert client.get(reverse("download", args=[alice_file.pk])).status_code == 200
    page = client.get(reverse("all-files"))
    assert page.status_code == 200 and b"alice.txt" in page.content


def test_superusers_hold_the_permission(admin):
    assert admin.has_perm("locker.manage_all_files")


def test_a_replacement_by_someone_else_is_recorded_and_the_owner_is_emailed(
    client, manager, alice, alice_file, smtp
):
    client.force_login(manager)
    response = client.post(
        reverse("replace", args=[alice_file.pk]),
        {"file": upload_file("alice.txt", b"overwritten"), "description": "changed"},
    )
    assert response.status_code == 302

    alert = DeletionAlert.objects.get()
    assert (alert.action, alert.file_id, alert.actor_username) == (
        "replaced",
        alice_file.pk,
        "manager",
    )
    assert list(AlertDelivery.objects.values_list("channel", flat=True)) == ["owner"]
    call_command("run_worker", "--once")
    ((recipients, message),) = smtp.wait_for(1)
    assert recipients == ["alice@example.com"]
    assert message["Subject"] == "[Skylocker] Your file alice.txt was replaced by manager"
    assert "Mona Manager (manager)" in message.get_body(("plain",)).get_content()
    assert AlertDelivery.objects.get().delivered_at is not None


def test_a_deletion_by_someone_else_tells_the_owner_as_well_as_the_admins(
    client, manager, admin, alice, alice_file, smtp, settings
):
    settings.ADMIN_EMAILS = []
    bearer(client, manager).delete(f"/api/v1/files/{alice_file.pk}")

    assert not StoredFile.objects.exists()
    assert sorted(AlertDelivery.objects.values_list("channel", flat=True)) == ["email", "owner"]
    call_command("run_worker", "--once")
    received = {tuple(to): message["Subject"] for to, message in smtp.wait_for(2)}
    assert received == {
        ("admin@example.com",): "[Skylocker] alice.txt was moved to the trash by manager",
        ("alice@example.com",): "[Skylocker] Your file alice.txt was deleted by manager",
    }


def test_owners_changing_their_own_files_are_not_told_about_themselves(client, alice, alice_file):
    client.force_login(alice)
    client.post(reverse("replace", args=[alice_file.pk]), {"description": "still mine"})
    assert not DeletionAlert.objects.exists()
    client.post(reverse("delete", args=[alice_file.pk]))
    assert list(AlertDelivery.objects.values_list("channel", flat=True)) == ["email"]
