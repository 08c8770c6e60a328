"""My files / All files: search, sort by every column, 50 a page, constant queries, escaping."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from locker.listing import UNKNOWN_SORT
from locker.models import StoredFile


def rows(owner, count, **overrides):
    """Rows only: the list pages never open the stored objects."""
    now = timezone.now()
    return StoredFile.objects.bulk_create(
        StoredFile(
            owner=owner,
            file=f"u/{owner.pk}/{i:032x}",
            name=overrides.get("name", f"file-{i:03}.txt"),
            description=overrides.get("description", f"description {i:03}"),
            size=1000 + i,
            sha256="0" * 64,
            content_type="text/plain",
            created_at=now - timedelta(minutes=i),
            updated_at=now - timedelta(minutes=count - i),
        )
        for i in range(count)
    )


def names(response):
    return [f.name for f in response.context["files"]]


def test_the_list_shows_every_column_with_the_owners_full_name(alice_client, alice_file):
    response = alice_client.get(reverse("files"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ["alice.txt", "mine", "15 bytes", "Alice Liddell"]:
        assert text in page
    assert reverse("download", args=[alice_file.pk]) in page
    assert reverse("replace", args=[alice_file.pk]) in page
    assert reverse("delete", args=[alice_file.pk]) in page


def test_search_finds_by_name_or_description_case_insensitively(alice_client, alice):
    from locker.models import StoredFile as Model
    from tests.conftest import upload_file

    Model.create_from_upload(alice, upload_file("Budget.xlsx", b"1"), "money")
    Model.create_from_upload(alice, upload_file("holiday.jpg", b"2"), "Beach BUDGET trip")
    Model.create_from_upload(alice, upload_file("notes.txt", b"3"), "other")
    response = alice_client.get(reverse("files"), {"q": "budget"})
    assert sorted(names(response)) == ["Budget.xlsx", "holiday.jpg"]
    assert list(alice_client.get(reverse("files"), {"q": "no-such"}).context["files"]) == []


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("name", lambda f: f.name),
        ("description", lambda f: f.description),
        ("size", lambda f: f.size),
        ("created_at", lambda f: f.created_at),
        ("updated_at", lambda f: f.updated_at),
    ],
)
def test_the_list_sorts_by_every_column_both_ways(alice_client, alice, sort, key):
    rows(alice, 7)
    expected = sorted(StoredFile.objects.all(), key=key)
    up = alice_client.get(reverse("files"), {"sort": sort})
    down = alice_client.get(reverse("files"), {"sort": f"-{sort}"})
    assert [f.pk for f in up.context["files"]] == [f.pk for f in expected]
    assert [f.pk for f in down.context["files"]] == [f.pk for f in reversed(expected)]
    assert up.context["sort"] == sort


def test_staff_sort_all_files_by_owner(client, admin, alice, bob):
    rows(alice, 2)
    rows(bob, 2)
    client.force_login(admin)
    response = client.get(reverse("all-files"), {"sort": "owner"})
    # Builder before Liddell.
    assert [f.owner.username for f in response.context["files"]] == ["bob", "bob", "alice", "alice"]
    response = client.get(reverse("all-files"), {"sort": "-owner"})
    assert [f.owner.username for f in response.context["files"]][0] == "alice"


def test_an_unknown_sort_is_named_and_the_list_falls_back_to_most_recently_updated(
    alice_client, alice
):
    rows(alice, 3)
    response = alice_client.get(reverse("files"), {"sort": "sha256; drop table"})
    assert response.status_code == 400
    assert UNKNOWN_SORT in [str(m) for m in response.context["messages"]]
    expected = list(StoredFile.objects.order_by("-updated_at").values_list("pk", flat=True))
    assert [f.pk for f in response.context["files"]] == expected


def test_the_list_shows_50_rows_a_page(alice_client, alice):
    rows(alice, 60)
    first = alice_client.get(reverse("files"), {"sort": "name"})
    second = alice_client.get(reverse("files"), {"sort": "name", "page": 2})
    assert len(first.context["files"]) == 50
    assert len(second.context["files"]) == 10
    assert set(names(first)).isdisjoint(names(second))
    assert first.context["page"].paginator.num_pages == 2
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("view", ["files", "all-files"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(
    client, admin, alice, bob, view, django_assert_num_queries
):
    client.force_login(admin)
    for owner in (admin, alice, bob):
        rows(owner, 1)
    client.get(reverse(view))  # warm up session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(view))
    for owner in (admin, alice, bob):
        rows(owner, 20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse(view))
    assert len(response.context["files"]) == (21 if view == "files" else 50)


def test_markup_in_names_and_descriptions_is_escaped_in_the_list(alice_client, alice):
    rows(alice, 1, name="<script>alert(1)</script>.txt", description='<img src=x onerror="boom">')
    page = alice_client.get(reverse("files")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;boom&quot;&gt;" in page


def test_markup_is_escaped_on_the_delete_and_replace_pages(alice_client, alice):
    (hostile,) = rows(alice, 1, name="<b>bold</b>.txt")
    page = alice_client.get(reverse("delete", args=[hostile.pk])).content.decode()
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;.txt" in page
