import hashlib

import pytest

from api.errors import NOT_FOUND
from locker.models import (
    AlertDelivery,
    DeletionAlert,
    FileVersion,
    ObjectRemoval,
    StoredFile,
    TrashedFile,
)
from tests.conftest import temp_files, upload_file

FILES = "/api/v1/files"


def url(stored) -> str:
    return f"{FILES}/{stored.pk}"


# Listing


def test_a_user_lists_only_their_own_files(alice_api, alice_file, bob_file):
    response = alice_api.get(FILES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [f["id"] for f in body["results"]] == [str(alice_file.pk)]


def test_a_file_is_described_in_full(alice_api, alice_file):
    item = alice_api.get(FILES).json()["results"][0]
    assert item == {
        "id": str(alice_file.pk),
        "name": "alice.txt",
        "size": 15,
        "content_type": "text/plain",
        "sha256": hashlib.sha256(b"alice's secret\n").hexdigest(),
        "description": "mine",
        "owner": {"username": "alice", "first_name": "Alice", "last_name": "Liddell"},
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "download_url": f"http://testserver/api/v1/files/{alice_file.pk}/content",
        "folder": None,
        "path": "/alice.txt",
    }


def test_staff_list_everyones_files_and_can_filter_by_owner(admin_api, alice_file, bob_file):
    assert admin_api.get(FILES).json()["count"] == 2
    only_bob = admin_api.get(FILES, {"owner": "bob"}).json()
    assert [f["id"] for f in only_bob["results"]] == [str(bob_file.pk)]


def test_the_owner_filter_never_widens_what_a_user_sees(alice_api, alice_file, bob_file):
    assert alice_api.get(FILES, {"owner": "bob"}).json()["count"] == 0


def test_search_matches_name_and_description(alice_api, alice):
    StoredFile.create_from_upload(alice, upload_file("holiday.jpg", b"\xff\xd8\xff"), "beach")
    StoredFile.create_from_upload(alice, upload_file("taxes.txt", b"numbers"), "2025 return")
    assert [f["name"] for f in alice_api.get(FILES, {"search": "beach"}).json()["results"]] == [
        "holiday.jpg"
    ]
    assert [f["name"] for f in alice_api.get(FILES, {"search": "TAX"}).json()["results"]] == [
        "taxes.txt"
    ]


def test_ordering_by_name_and_size_both_ways(alice_api, alice):
    for name, content in [("b.txt", b"12"), ("a.txt", b"123"), ("c.txt", b"1")]:
        StoredFile.create_from_upload(alice, upload_file(name, content))

    def names(ordering):
        return [f["name"] for f in alice_api.get(FILES, {"ordering": ordering}).json()["results"]]

    assert names("name") == ["a.txt", "b.txt", "c.txt"]
    assert names("-name") == ["c.txt", "b.txt", "a.txt"]
    assert names("size") == ["c.txt", "b.txt", "a.txt"]


@pytest.mark.parametrize("column", ["name", "size", "created_at", "updated_at"])
def test_every_ordering_of_the_contract_sorts_both_ways(alice_api, alice, column):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    # Each column puts the three files in a different order.
    for name, content, created, updated in [
        ("b.txt", b"1", 2, 1), ("a.txt", b"123", 1, 3), ("c.txt", b"12", 3, 2)
    ]:
        stored = StoredFile.create_from_upload(alice, upload_file(name, content))
        StoredFile.objects.filter(pk=stored.pk).update(
            created_at=now - timedelta(days=10 - created),
            updated_at=now - timedelta(days=10 - updated),
        )
    expected = {
        "name": ["a.txt", "b.txt", "c.txt"],
        "size": ["b.txt", "c.txt", "a.txt"],
        "created_at": ["a.txt", "b.txt", "c.txt"],
        "updated_at": ["b.txt", "c.txt", "a.txt"],
    }[column]

    def names(ordering):
        return [f["name"] for f in alice_api.get(FILES, {"ordering": ordering}).json()["results"]]

    assert names(column) == expected
    assert names(f"-{column}") == expected[::-1]


def test_an_unknown_ordering_is_a_400_naming_the_parameter(alice_api, alice_file):
    response = alice_api.get(FILES, {"ordering": "owner__password"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_pages_hold_page_size_files_and_never_more_than_500(alice_api, alice):
    for i in range(3):
        StoredFile.create_from_upload(alice, upload_file(f"{i}.txt", b"x"))
    first = alice_api.get(FILES, {"page_size": 2}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    second = alice_api.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["previous"]
    assert alice_api.get(FILES, {"page": 9}).status_code == 404


def test_a_page_holds_50_files_unless_asked_otherwise(alice_api, alice):
    StoredFile.objects.bulk_create(  # rows only: listing never opens the stored objects
        StoredFile(
            owner=alice, file=f"u/x/{i}", name=f"{i}.txt", size=1, sha256="0", content_type="x"
        )
        for i in range(51)
    )
    first = alice_api.get(FILES).json()
    assert (first["count"], len(first["results"])) == (51, 50)
    assert len(alice_api.get(first["next"]).json()["results"]) == 1


def test_a_browser_asking_for_html_still_gets_json(anon, alice_api, alice_file):
    html = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
    refused = anon.get(FILES, **html)
    listed = alice_api.get(FILES, **html)
    missing = alice_api.get(f"{FILES}/00000000-0000-0000-0000-000000000000", **html)

    assert (refused.status_code, listed.status_code, missing.status_code) == (401, 200, 404)
    for response in (refused, listed, missing):
        assert response["Content-Type"] == "application/json"
    assert listed.json()["count"] == 1


def test_a_page_never_holds_more_than_500_files(alice_api, alice):
    # Rows only: listing never opens the stored objects.
    StoredFile.objects.bulk_create(
        StoredFile(
            owner=alice, file=f"u/x/{i}", name=f"{i}.txt", size=1, sha256="0", content_type="x"
        )
        for i in range(501)
    )
    body = alice_api.get(FILES, {"page_size": 100000}).json()
    assert (body["count"], len(body["results"])) == (501, 500)
    assert body["next"]


def test_anonymous_callers_cannot_list(anon, alice_file):
    response = anon.get(FILES)
    assert response.status_code == 401
    assert response.json()["detail"]


# Uploading


def test_an_upload_stores_one_row_and_one_object(alice_api, alice, stored_objects):
    response = alice_api.post(
        FILES, {"file": upload_file("report.pdf", b"%PDF-1.4 hello"), "description": "Q3"}
    )
    assert response.status_code == 201
    stored = StoredFile.objects.get()
    assert response.json()["id"] == str(stored.pk)
    assert (stored.owner, stored.name, stored.description, stored.size) == (
        alice,
        "report.pdf",
        "Q3",
        14,
    )
    assert stored.content_type == "application/pdf"
    assert stored_objects() == [stored.file.name]


def test_an_upload_over_the_limit_is_413_and_leaves_nothing(
    alice_api, settings, stored_objects, data_dir
):
    settings.MAX_UPLOAD_BYTES = 1000
    response = alice_api.post(FILES, {"file": upload_file("big.bin", b"x" * 1001)})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert not StoredFile.objects.exists()
    assert stored_objects() == []
    assert temp_files(data_dir) == []


def test_the_limit_counts_the_files_bytes_not_the_request_size(alice_api, settings):
    # The body (a long description and multipart framing) is far over the limit, the file is not:
    # a Content-Length check would refuse it; the streaming count accepts it.
    settings.MAX_UPLOAD_BYTES = 1000
    response = alice_api.post(
        FILES, {"file": upload_file("ok.bin", b"x" * 1000), "description": "d" * 255}
    )
    assert response.status_code == 201
    assert StoredFile.objects.get().size == 1000


def test_an_upload_without_a_file_is_400(alice_api, stored_objects):
    response = alice_api.post(FILES, {"description": "nothing"})
    assert response.status_code == 400
    assert response.json()["file"] == ["Choose a file to upload."]
    assert not StoredFile.objects.exists()


def test_an_empty_file_is_refused(alice_api, stored_objects):
    response = alice_api.post(FILES, {"file": upload_file("empty.txt", b"")})
    assert response.status_code == 400
    assert "empty" in response.json()["file"][0]
    assert stored_objects() == []


def test_a_too_long_description_is_refused_and_nothing_is_stored(alice_api, stored_objects):
    response = alice_api.post(FILES, {"file": upload_file(), "description": "d" * 256})
    assert response.status_code == 400
    assert "description" in response.json()
    assert stored_objects() == []
    assert not StoredFile.objects.exists()


@pytest.mark.parametrize("body_format", ["json", None])
def test_a_body_without_a_file_part_is_400_for_the_file(alice_api, stored_objects, body_format):
    """JSON, or a form sent urlencoded, cannot carry a file: 400 naming the file, nothing kept."""
    if body_format:
        response = alice_api.post(FILES, {"file": "not a file"}, format=body_format)
    else:
        response = alice_api.generic(
            "POST", FILES, "file=notes.txt&description=d", "application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
    assert "file" in response.json()
    assert not StoredFile.objects.exists()
    assert stored_objects() == []


def test_anonymous_uploads_are_refused(anon, db, stored_objects):
    assert anon.post(FILES, {"file": upload_file()}).status_code == 401
    assert stored_objects() == []


# One file


def test_owner_and_staff_see_a_file_and_others_get_404(
    alice_api, bob_api, admin_api, anon, alice_file
):
    assert alice_api.get(url(alice_file)).json()["name"] == "alice.txt"
    assert admin_api.get(url(alice_file)).status_code == 200
    assert bob_api.get(url(alice_file)).status_code == 404
    assert bob_api.get(url(alice_file)).json() == {"detail": NOT_FOUND}
    assert anon.get(url(alice_file)).status_code == 401


def test_content_is_the_files_bytes_as_an_attachment(alice_api, alice_file):
    response = alice_api.get(f"{url(alice_file)}/content", HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"alice's secret\n"
    assert response["Content-Disposition"].startswith('attachment; filename="alice.txt"')


def test_content_of_someone_elses_file_is_404(bob_api, alice_file):
    response = bob_api.get(f"{url(alice_file)}/content")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_staff_may_download_anyones_file(admin_api, bob_file):
    response = admin_api.get(f"{url(bob_file)}/content")
    assert b"".join(response.streaming_content) == b"bob's plans\n"


# Replacing


def test_patch_with_a_file_replaces_the_content_keeps_the_name_and_the_old_as_a_version(
    alice_api, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    old_object = alice_file.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.patch(
            url(alice_file), {"file": upload_file("v2.txt", b"second version")}, format="multipart"
        )
    assert response.status_code == 200
    alice_file.refresh_from_db()
    assert (alice_file.name, alice_file.size, alice_file.description) == ("alice.txt", 14, "mine")
    assert response.json()["sha256"] == hashlib.sha256(b"second version").hexdigest()
    assert alice_file.file.name != old_object
    assert sorted(stored_objects()) == sorted([alice_file.file.name, old_object])
    assert FileVersion.objects.get().file.name == old_object


def test_patch_with_json_changes_only_the_description(alice_api, alice_file, stored_objects):
    before = stored_objects()
    response = alice_api.patch(url(alice_file), {"description": "renamed"}, format="json")
    assert response.status_code == 200
    alice_file.refresh_from_db()
    assert (alice_file.description, alice_file.name) == ("renamed", "alice.txt")
    assert stored_objects() == before


def test_an_empty_patch_changes_nothing(alice_api, alice_file):
    before = alice_file.updated_at
    response = alice_api.patch(url(alice_file), {}, format="json")
    assert response.status_code == 200
    alice_file.refresh_from_db()
    assert (alice_file.description, alice_file.updated_at) == ("mine", before)


def test_a_description_must_be_text(alice_api, alice_file):
    response = alice_api.patch(url(alice_file), {"description": 0}, format="json")
    assert response.status_code == 400
    assert response.json()["description"] == ["Not a valid string."]
    alice_file.refresh_from_db()
    assert alice_file.description == "mine"


def test_a_page_size_that_is_not_a_positive_number_is_400(alice_api, alice_file):
    for bad in ("0", "-1", "null", "²"):
        response = alice_api.get(FILES, {"page_size": bad})
        assert response.status_code == 400
        assert "page_size" in response.json()


def test_patch_over_the_limit_is_413_and_keeps_the_old_content(
    alice_api, alice_file, settings, stored_objects
):
    settings.MAX_UPLOAD_BYTES = 100
    response = alice_api.patch(
        url(alice_file), {"file": upload_file("big", b"x" * 101)}, format="multipart"
    )
    assert response.status_code == 413
    alice_file.refresh_from_db()
    assert alice_file.size == 15
    assert stored_objects() == [alice_file.file.name]


def test_another_user_cannot_patch_and_nothing_changes(bob_api, alice_file, stored_objects):
    before = stored_objects()
    response = bob_api.patch(
        url(alice_file), {"file": upload_file("x", b"evil")}, format="multipart"
    )
    assert response.status_code == 404
    alice_file.refresh_from_db()
    assert alice_file.size == 15
    assert stored_objects() == before


def test_staff_may_change_a_description(admin_api, bob_file):
    assert (
        admin_api.patch(url(bob_file), {"description": "checked"}, format="json").status_code == 200
    )
    bob_file.refresh_from_db()
    assert bob_file.description == "checked"


# Deleting


def test_delete_moves_the_file_to_the_trash_and_queues_the_admin_alert(
    alice_api, alice_file, stored_objects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete(url(alice_file))
    assert response.status_code == 204
    assert not StoredFile.objects.exists()
    assert TrashedFile.objects.get().pk == alice_file.pk
    assert stored_objects() == [alice_file.file.name]  # kept until purged
    alert = DeletionAlert.objects.get()
    assert (alert.file_id, alert.actor_username, alert.owner_username) == (
        alice_file.pk,
        "alice",
        "alice",
    )
    assert AlertDelivery.objects.filter(alert=alert, channel="email").exists()
    assert not ObjectRemoval.objects.exists()


def test_another_user_cannot_delete_and_no_alert_is_sent(bob_api, alice_file, stored_objects):
    response = bob_api.delete(url(alice_file))
    assert response.status_code == 404
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()
    assert stored_objects() == [alice_file.file.name]
    assert not DeletionAlert.objects.exists()


def test_staff_deleting_someones_file_is_recorded_as_staff(admin_api, bob_file):
    assert admin_api.delete(url(bob_file)).status_code == 204
    alert = DeletionAlert.objects.get()
    assert (alert.actor_username, alert.owner_username, alert.actor_is_staff) == (
        "admin",
        "bob",
        True,
    )


def test_deleting_twice_is_404_the_second_time(alice_api, alice_file):
    assert alice_api.delete(url(alice_file)).status_code == 204
    assert alice_api.delete(url(alice_file)).status_code == 404
    assert DeletionAlert.objects.count() == 1


# Errors


def test_unknown_methods_are_405_with_a_message(alice_api, alice_file):
    response = alice_api.put(url(alice_file), {"description": "x"}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_unknown_api_paths_and_malformed_ids_are_json_404(alice_api, db):
    for path in ("/api/v1/nothing-here", f"{FILES}/12345", f"{FILES}/not-a-uuid/content"):
        response = alice_api.get(path)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_anonymous_callers_get_401_everywhere_and_change_nothing(anon, alice_file, stored_objects):
    before = stored_objects()
    calls = [
        anon.get(url(alice_file)),
        anon.get(f"{url(alice_file)}/content"),
        anon.patch(url(alice_file), {"description": "x"}, format="json"),
        anon.delete(url(alice_file)),
    ]
    assert [c.status_code for c in calls] == [401] * 4
    assert all(c.json()["detail"] for c in calls)
    alice_file.refresh_from_db()
    assert alice_file.description == "mine"
    assert stored_objects() == before
    assert not DeletionAlert.objects.exists()


def test_another_users_bearer_token_cannot_download(bob_api, alice_file):
    response = bob_api.get(f"{url(alice_file)}/content")
    assert response.status_code == 404
    assert not hasattr(response, "streaming_content")
