"""Deep pages: the same rows as counting from the top, read without stepping over every row
before them (pages in the second half are read backwards from the last; deep ones find their
ids on the sort's index first)."""

import re

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locker import listing
from locker.models import StoredFile
from tests.conftest import bearer_client
from tests.test_list import rows


@pytest.mark.parametrize("sort", ["name", "-size", "-updated_at", "owner", "-owner"])
def test_every_page_holds_the_rows_counting_from_the_top_would_give(admin, alice, bob, sort):
    rows(alice, 23)
    rows(bob, 20, name="same.txt")  # ties go by id
    found = listing.files(admin, listing.ListQuery(sort=sort))
    expected = Paginator(found, 6)
    pages = listing.Pages(found, 6)
    assert pages.num_pages == expected.num_pages == 8
    for number in pages.page_range:
        assert list(pages.page(number)) == list(expected.page(number)), number


def test_a_deep_page_finds_its_ids_first_and_the_same_rows(admin, alice, monkeypatch):
    monkeypatch.setattr(listing, "READ_THROUGH", 4)
    rows(alice, 40)
    found = listing.files(admin, listing.ListQuery(sort="name"))
    with CaptureQueriesContext(connection) as queries:
        page = listing.Pages(found, 5).page(3)  # rows 10 to 15: deeper than 4
    assert [f.name for f in page] == [f"file-{i:03}.txt" for i in range(10, 15)]
    ids_only = queries.captured_queries[-2]["sql"]
    assert re.match(r"SELECT \S*locker_storedfile\S*\.\S*id\S*( AS \S+)? FROM", ids_only), ids_only


def test_the_last_page_is_read_backwards_from_the_end_without_an_offset(client, admin, alice):
    rows(alice, 230)
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("all-files"), {"sort": "name", "page": 5})
    assert [f.name for f in response.context["files"]] == [
        f"file-{i:03}.txt" for i in range(200, 230)
    ]
    listed = [q["sql"] for q in queries.captured_queries if "locker_storedfile" in q["sql"]
              and "ORDER BY" in q["sql"] and "COUNT" not in q["sql"]]  # fmt: skip
    assert len(listed) == 1 and re.search(r"ORDER BY \S+name\S* DESC", listed[0]), listed
    assert "OFFSET" not in listed[0]


def test_the_api_last_page_and_its_links_are_as_before(admin, alice):
    rows(alice, 120)
    api = bearer_client(admin)
    last = api.get("/api/v1/files", {"ordering": "name", "page": 3}).json()
    assert last["count"] == 120
    assert [f["name"] for f in last["results"]] == [f"file-{i:03}.txt" for i in range(100, 120)]
    assert last["next"] is None
    assert last["previous"].endswith("/api/v1/files?ordering=name&page=2")
    also_last = api.get("/api/v1/files", {"ordering": "name", "page": "last"}).json()
    assert also_last["results"] == last["results"]


def test_a_deep_page_costs_as_many_queries_with_many_more_rows(client, admin, alice):
    client.force_login(admin)
    rows(alice, 600)
    client.get(reverse("all-files"), {"page": 3})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("all-files"), {"page": 6})  # 250 rows in: ids first
    rows(alice, 1400)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("all-files"), {"page": 6})
    assert len(response.context["files"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_short_list_is_counted_exactly_every_time_and_a_long_one_once_a_minute(
    admin, alice, monkeypatch
):
    """A search is counted (everyone's files and one owner's are tallied instead)."""
    monkeypatch.setattr(listing, "COUNT_EXACT_UP_TO", 10)
    rows(alice, 8)
    found = listing.files(admin, listing.ListQuery(search="file"))
    assert listing.Pages(found, 5).count == 8
    rows(alice, 4)
    assert listing.Pages(found.all(), 5).count == 12  # over the limit: counted, then kept
    rows(alice, 3)
    assert listing.Pages(found.all(), 5).count == 12  # within COUNT_SECONDS
    searched = listing.files(admin, listing.ListQuery(search="file-001"))
    assert listing.Pages(searched, 5).count == 3  # another list: short, counted exactly
    cache.clear()
    assert listing.Pages(found.all(), 5).count == 15


def test_a_list_known_to_be_long_is_not_counted_again_within_a_minute(
    admin, alice, monkeypatch
):
    monkeypatch.setattr(listing, "COUNT_EXACT_UP_TO", 10)
    rows(alice, 12)
    found = listing.files(admin, listing.ListQuery(search="file"))
    assert listing.Pages(found, 5).count == 12
    with CaptureQueriesContext(connection) as later:
        assert listing.Pages(found.all(), 5).count == 12
    assert not [q for q in later.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_short_search_is_read_by_its_ids_and_paged_in_the_lists_order(
    admin, alice, monkeypatch
):
    """A rare word must not walk the sort's index over the whole table (no search index on
    SQLite or MySQL): its few matches are found first, then only they are sorted."""
    monkeypatch.setattr(listing, "FEW_MATCHES", 10)
    rows(alice, 40)  # file-000 … file-039; "file-01" matches file-010 … file-019
    query = listing.ListQuery(search="file-01", sort="name")
    found = listing.files(admin, query)
    pages = listing.Pages(found, 4, text_search=True)
    with CaptureQueriesContext(connection) as read:
        shown = [[f.name for f in pages.page(n)] for n in (1, 2, 3)]
    assert shown == [
        ["file-010.txt", "file-011.txt", "file-012.txt", "file-013.txt"],
        ["file-014.txt", "file-015.txt", "file-016.txt", "file-017.txt"],
        ["file-018.txt", "file-019.txt"],
    ]
    assert pages.count == 10 and sorted(pages.few_ids) == sorted(
        StoredFile.objects.filter(name__startswith="file-01").values_list("pk", flat=True)
    )
    first = read.captured_queries[1]["sql"]  # after the kept-count lookup: the ids, unsorted
    assert "ORDER BY" not in first.upper() and "COUNT(" not in first.upper()


def test_a_search_with_many_matches_is_paged_as_any_list(admin, alice, monkeypatch):
    monkeypatch.setattr(listing, "FEW_MATCHES", 5)
    rows(alice, 12)
    found = listing.files(admin, listing.ListQuery(search="file-0", sort="name"))
    pages = listing.Pages(found, 5, text_search=True)
    assert [f.name for f in pages.page(3)] == ["file-010.txt", "file-011.txt"]
    assert pages.count == 12 and pages.few_ids is None


@pytest.fixture
def long_lists(monkeypatch):
    """Lists count as long (anchors kept, a search's count kept) from 10 files, and deep from
    4 rows in."""
    monkeypatch.setattr(listing, "COUNT_EXACT_UP_TO", 10)
    monkeypatch.setattr(listing, "READ_THROUGH", 4)


@pytest.mark.parametrize("sort", ["name", "-name", "-size", "updated_at", "owner", "-owner"])
def test_a_deep_page_read_from_its_anchor_holds_the_same_rows(
    admin, alice, bob, long_lists, sort
):
    rows(alice, 30)
    rows(bob, 30, name="Same.txt")  # ties go by id; names differ from alice's in case too
    found = listing.files(admin, listing.ListQuery(sort=sort))
    expected = Paginator(found, 5)
    first = listing.Pages(found, 5)
    assert [f.pk for f in first.page(6)] == [f.pk for f in expected.page(6)]  # keeps anchors
    for number in (5, 6, 7):  # before, at and after the page read: each from its anchor
        again = listing.Pages(found.all(), 5)
        with CaptureQueriesContext(connection) as read:
            got = [f.pk for f in again.page(number)]
        assert got == [f.pk for f in expected.page(number)], number
        assert not [q for q in read.captured_queries if "OFFSET" in q["sql"].upper()], number


def test_an_anchor_is_kept_only_for_long_lists_and_a_short_list_counts_from_the_top(
    admin, alice, monkeypatch
):
    monkeypatch.setattr(listing, "READ_THROUGH", 4)
    rows(alice, 40)  # short: under COUNT_EXACT_UP_TO, counted exactly every time
    found = listing.files(admin, listing.ListQuery(sort="name"))
    listing.Pages(found, 5).page(4)
    rows(alice, 5, name="aaa.txt")  # five new rows sort first: every page moves by one page
    moved = listing.Pages(found.all(), 5).page(4)
    assert [f.name for f in moved] == [f"file-{i:03}.txt" for i in range(10, 15)]


def test_a_gone_anchor_falls_back_to_reading_the_page_by_its_number(
    admin, alice, long_lists
):
    rows(alice, 40)
    found = listing.files(admin, listing.ListQuery(search="file", sort="name"))
    listing.Pages(found, 5).page(4)  # rows 15 to 20 keep their anchors
    StoredFile.objects.filter(name__gte="file-015.txt").delete()  # the anchors' rows and on
    again = listing.Pages(found.all(), 5)
    assert again.count == 40  # the kept count, as the contract says
    assert [f.name for f in again.page(4)] == []  # nothing there any more, and no error


def test_an_order_anchors_cannot_seek_by_is_read_by_page_number(admin, alice, long_lists):
    """Mixed directions (the trash's "-deleted_at, pk") or a related field have no single
    row-value comparison: such lists are read by number, as before."""
    assert listing._order_fields(StoredFile.objects.order_by("-updated_at", "pk")) is None
    assert listing._order_fields(StoredFile.objects.order_by("owner__username", "pk")) is None
    assert [(f.name, d) for f, d in listing._order_fields(
        StoredFile.objects.order_by("-name", "-pk")
    )] == [("name", True), ("id", True)]  # fmt: skip
    rows(alice, 40)
    mixed = StoredFile.objects.order_by("-updated_at", "pk")
    expected = [f.pk for f in Paginator(mixed, 5).page(5)]
    for _ in range(2):
        assert [f.pk for f in listing.Pages(mixed.all(), 5).page(5)] == expected
