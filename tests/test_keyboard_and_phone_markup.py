"""Keyboard and phone helpers in the pages: a skip link, a "Sort by" menu, focus on the action."""

from django.test import Client
from django.urls import reverse


def test_every_page_starts_with_a_skip_link_to_the_content(db, alice_client):
    for page in (Client().get(reverse("login")), alice_client.get(reverse("files"))):
        html = page.content.decode()
        body = html.split("<body>", 1)[1].lstrip()
        assert body.startswith('<a class="skip-link" href="#main">Skip to the content</a>')
        assert '<main id="main" tabindex="-1">' in html


def test_the_sort_by_menu_offers_every_order_and_keeps_the_search(alice_client, alice_file):
    html = alice_client.get(reverse("files"), {"q": "alice", "sort": "-size"}).content.decode()
    assert '<label for="sort-by">Sort by</label>' in html
    assert '<input type="hidden" name="q" value="alice">' in html
    assert '<option value="-size" selected>Size, largest first</option>' in html
    assert 'value="owner"' not in html.split('id="sort-by"')[1].split("</select>")[0]


def test_staff_can_sort_all_files_by_owner_from_the_menu(client, admin, alice_file):
    client.force_login(admin)
    html = client.get(reverse("all-files")).content.decode()
    menu = html.split('id="sort-by"')[1].split("</select>")[0]
    assert '<option value="owner">Owner, A to Z</option>' in menu


def test_the_delete_page_puts_the_focus_on_its_delete_button(alice_client, alice_file):
    html = alice_client.get(reverse("delete", args=[alice_file.pk])).content.decode()
    assert '<button type="submit" class="danger" autofocus>' in html


def test_the_rename_page_puts_the_focus_on_the_name(alice_client, alice_file):
    html = alice_client.get(reverse("rename", args=[alice_file.pk])).content.decode()
    (field,) = [tag for tag in html.split("<input")[1:] if 'name="name"' in tag.split(">")[0]]
    assert "autofocus" in field.split(">")[0]
    assert 'value="alice.txt"' in field.split(">")[0]
