"""Every view × every role: anonymous, the owner, another user, staff."""

import pytest
from django.test import Client
from django.urls import reverse

from locker.models import AlertDelivery, DeletionAlert, StoredFile
from tests.conftest import upload_file

FILE_VIEWS = ["download", "replace", "delete"]


def snapshot(stored_objects):
    rows = sorted(StoredFile.objects.values_list("pk", "file", "description", "sha256"))
    return rows, stored_objects(), DeletionAlert.objects.count()


@pytest.mark.parametrize("view", ["files", "all-files", "upload"])
def test_anonymous_visitors_are_sent_to_login_from_every_page(client, view, alice_file):
    response = client.get(reverse(view))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("view", FILE_VIEWS)
def test_anonymous_visitors_are_sent_to_login_from_file_pages(client, view, alice_file):
    response = client.get(reverse(view, args=[alice_file.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("view", ["upload", "replace", "delete"])
def test_anonymous_posts_change_nothing(client, view, alice_file, stored_objects):
    before = snapshot(stored_objects)
    args = [] if view == "upload" else [alice_file.pk]
    response = client.post(reverse(view, args=args), {"file": upload_file(), "description": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert snapshot(stored_objects) == before


@pytest.mark.parametrize("view", FILE_VIEWS)
def test_another_user_gets_404_for_every_file_page(client, bob, view, alice_file, stored_objects):
    client.force_login(bob)
    before = snapshot(stored_objects)
    assert client.get(reverse(view, args=[alice_file.pk])).status_code == 404
    assert snapshot(stored_objects) == before


@pytest.mark.parametrize("view", ["replace", "delete"])
def test_another_users_posts_answer_404_and_change_nothing(
    client, bob, view, alice_file, stored_objects
):
    client.force_login(bob)
    before = snapshot(stored_objects)
    response = client.post(
        reverse(view, args=[alice_file.pk]),
        {"file": upload_file("evil.txt", b"bob was here"), "description": "x"},
    )
    assert response.status_code == 404
    assert snapshot(stored_objects) == before
    assert AlertDelivery.objects.count() == 0


def test_a_file_that_does_not_exist_answers_404_like_someone_elses(alice_client):
    import uuid

    assert alice_client.get(reverse("download", args=[uuid.uuid4()])).status_code == 404


def test_another_users_files_do_not_appear_in_my_list(client, bob, alice_file, bob_file):
    client.force_login(bob)
    response = client.get(reverse("files"))
    assert response.status_code == 200
    assert [f.pk for f in response.context["files"]] == [bob_file.pk]
    assert b"alice.txt" not in response.content


def test_non_staff_users_get_404_from_all_files(alice_client, bob_file):
    response = alice_client.get(reverse("all-files"))
    assert response.status_code == 404
    assert b"bob.txt" not in response.content


def test_the_owner_can_open_the_download_and_delete_pages(alice_client, alice_file):
    assert alice_client.get(reverse("download", args=[alice_file.pk])).status_code == 200
    assert alice_client.get(reverse("delete", args=[alice_file.pk])).status_code == 200
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()


def test_the_owner_can_open_the_replace_page(alice_client, alice_file):
    response = alice_client.get(reverse("replace", args=[alice_file.pk]))
    assert response.status_code == 200
    assert response.context["file"] == alice_file


def test_staff_see_every_users_files_in_all_files(client, admin, alice_file, bob_file):
    client.force_login(admin)
    response = client.get(reverse("all-files"))
    assert response.status_code == 200
    assert {f.pk for f in response.context["files"]} == {alice_file.pk, bob_file.pk}


def test_staff_filter_all_files_by_owner(client, admin, alice, alice_file, bob_file):
    client.force_login(admin)
    response = client.get(reverse("all-files"), {"owner": "alice"})
    assert [f.pk for f in response.context["files"]] == [alice_file.pk]


def test_staff_my_files_shows_only_their_own(client, admin, alice_file):
    client.force_login(admin)
    response = client.get(reverse("files"))
    assert response.status_code == 200
    assert list(response.context["files"]) == []


def test_staff_can_download_and_replace_another_users_file(
    client, admin, alice, alice_file, stored_objects
):
    client.force_login(admin)
    response = client.get(reverse("download", args=[alice_file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"alice's secret\n"
    response = client.post(
        reverse("replace", args=[alice_file.pk]), {"description": "checked by staff"}
    )
    assert response.status_code == 302
    alice_file.refresh_from_db()
    assert alice_file.description == "checked by staff"
    assert alice_file.owner == alice


def test_an_inactive_user_sees_nothing(db, alice, alice_file):
    client = Client()
    client.force_login(alice)
    alice.is_active = False
    alice.save()
    response = client.get(reverse("download", args=[alice_file.pk]))
    assert response.status_code in (302, 404)
    assert StoredFile.objects.visible_to(alice).count() == 0
