"""One list contract for both doors (locker/listing.py): the page and the API sort by the same
keys, filter the owner by username, and refuse a search over 200 characters alike."""

import pytest
from django.urls import reverse

from locker.listing import ORDERINGS, SEARCH_TOO_LONG
from locker.models import StoredFile
from tests.conftest import bearer_client
from tests.test_list import rows


@pytest.fixture
def files(alice, bob):
    return rows(alice, 4) + rows(bob, 3)


@pytest.mark.parametrize("sort", ORDERINGS)
def test_the_page_and_the_api_list_in_the_same_order_for_every_sort_key(
    client, admin, files, sort
):
    client.force_login(admin)
    page = client.get(reverse("all-files"), {"sort": sort})
    api = bearer_client(admin).get("/api/v1/files", {"ordering": sort})

    assert page.status_code == api.status_code == 200
    assert page.context["sort"] == sort
    assert [str(f.pk) for f in page.context["files"]] == [f["id"] for f in api.json()["results"]]
    assert len(page.context["files"]) == len(files)


def test_both_doors_filter_the_owner_by_username(client, admin, alice, bob, files):
    client.force_login(admin)
    page = client.get(reverse("all-files"), {"owner": "bob"})
    api = bearer_client(admin).get("/api/v1/files", {"owner": "bob"})

    bobs = {str(pk) for pk in StoredFile.objects.filter(owner=bob).values_list("pk", flat=True)}
    assert {str(f.pk) for f in page.context["files"]} == bobs
    assert {f["id"] for f in api.json()["results"]} == bobs
    assert 'name="owner" value="bob"' in page.content.decode()


def test_the_page_no_longer_takes_an_owner_id(client, admin, alice, bob, files):
    client.force_login(admin)
    page = client.get(reverse("all-files"), {"owner": str(bob.pk)})
    assert list(page.context["files"]) == []  # no user is called that


def test_a_search_over_200_characters_is_refused_by_both_doors_not_cut(alice_client, alice):
    rows(alice, 2)
    (match,) = rows(alice, 1, name="x" * 200 + ".txt")
    too_long = "x" * 201

    page = alice_client.get(reverse("files"), {"q": too_long})
    api = bearer_client(alice).get("/api/v1/files", {"search": too_long})

    assert page.status_code == api.status_code == 400
    assert SEARCH_TOO_LONG in [str(m) for m in page.context["messages"]]
    assert str(SEARCH_TOO_LONG) in page.content.decode()
    assert api.json()["search"] == [SEARCH_TOO_LONG]
    # Not cut to 200 characters (which would find only the long name): the search is left out.
    assert len(page.context["files"]) == 3
    assert match.pk in {f.pk for f in page.context["files"]}


def test_200_characters_are_still_a_search(alice_client, alice):
    rows(alice, 2)
    (match,) = rows(alice, 1, name="x" * 200 + ".txt")
    page = alice_client.get(reverse("files"), {"q": "x" * 200})
    api = bearer_client(alice).get("/api/v1/files", {"search": "x" * 200})
    assert page.status_code == api.status_code == 200
    assert [f.pk for f in page.context["files"]] == [match.pk]
    assert [f["id"] for f in api.json()["results"]] == [str(match.pk)]
