"""The list's pages: numbers, first and last, the search kept; a count and a way to clear it."""

import re

from django.urls import reverse

from tests.test_list import rows


def links(page_html: str) -> list[str]:
    nav = re.search(r'<nav class="pages".*?</nav>', page_html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", nav)]


def test_paging_shows_page_numbers_first_and_last(alice_client, alice):
    rows(alice, 50 * 19 + 1)  # twenty pages
    page = alice_client.get(reverse("files"), {"page": 5, "sort": "name"}).content.decode()
    assert links(page) == ["First", "Previous"] + [f"Page {n}" for n in (1, 2, 3, 4, 5, 6, 7)] + [
        "Page 19",
        "Page 20",
        "Next",
        "Last",
    ]
    assert 'aria-current="page" href="?q=&amp;sort=name&amp;owner=&amp;page=5"' in page
    assert 'href="?q=&amp;sort=name&amp;owner=&amp;page=20">Last</a>' in page
    assert '<span aria-hidden="true">…</span>' in page  # pages 8 to 18 are elided


def test_page_links_keep_the_search_and_the_sort(alice_client, alice):
    rows(alice, 60, description="quarterly report")
    page = alice_client.get(reverse("files"), {"q": "report", "sort": "-size"}).content.decode()
    assert 'href="?q=report&amp;sort=-size&amp;owner=&amp;page=2" rel="next">Next</a>' in page
    assert "60 files match “report”" in page


def test_the_count_shows_without_a_search_and_a_clear_link_only_with_one(alice_client, alice):
    rows(alice, 3)
    plain = alice_client.get(reverse("files")).content.decode()
    assert '<p class="count">3 files · 2.9\xa0KB of 1.0\xa0GB</p>' in plain  # the default quota
    assert ">Clear<" not in plain
    searched = alice_client.get(reverse("files"), {"q": "file-001", "sort": "name"})
    html = searched.content.decode()
    assert "1 file matches “file-001”" in html
    assert '<a class="button secondary" href="?sort=name">Clear' in html


def test_my_files_says_how_many_files_and_how_much_storage_they_use(alice_client, alice, bob):
    rows(alice, 3)  # sizes 1000, 1001, 1002
    rows(bob, 2)
    html = alice_client.get(reverse("files")).content.decode()
    assert '<p class="count">3 files · 2.9\xa0KB of 1.0\xa0GB</p>' in html  # the default quota
