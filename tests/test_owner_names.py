"""Owners are named by their full name, or their username when they have none."""

import pytest
from django.urls import reverse

from locker.models import DeletionAlert, StoredFile
from tests.conftest import make_user, upload_file


def test_all_files_names_an_owner_without_a_full_name_by_username(client, admin):
    nameless = make_user("kb", first="", last="")
    StoredFile.create_from_upload(nameless, upload_file("k.txt", b"k\n"))
    client.force_login(admin)
    page = client.get(reverse("all-files")).content.decode()
    assert '<td data-label="Owner">kb</td>' in page


def test_my_files_has_no_owner_column(alice_client, alice_file):
    page = alice_client.get(reverse("files")).content.decode()
    assert 'data-label="Owner"' not in page
    assert "sort=owner" not in page


def test_the_delete_page_names_an_owner_without_a_full_name_by_username(client, db):
    nameless = make_user("kb", first="", last="")
    stored = StoredFile.create_from_upload(nameless, upload_file("k.txt", b"k\n"))
    client.force_login(nameless)
    page = client.get(reverse("delete", args=[stored.pk])).content.decode()
    assert "owned by kb." in page


# The worker claims deliveries in its own transaction, which a test transaction would not
# survive on PostgreSQL and MariaDB: this test commits for real (as tests/test_alerts.py does).
@pytest.mark.django_db(transaction=True)
def test_the_deletion_email_names_people_without_a_full_name_by_username(smtp, settings):
    from tests.test_alerts import run_worker_once

    settings.ADMIN_EMAILS = ["alerts@example.com"]
    nameless = make_user("kb", first="", last="")
    StoredFile.create_from_upload(nameless, upload_file("k.txt", b"k\n")).delete_by(nameless)
    run_worker_once()
    ((_, message),) = smtp.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "Owner:       kb\r\n" in text
    assert "Deleted by:  kb\r\n" in text
    assert "(no name)" not in text + message.get_body(("html",)).get_content()
    assert DeletionAlert.objects.get().owner_username == "kb"
