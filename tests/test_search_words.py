"""Search finds files with every word, in the name or the description, in any order; the page
and the API agree (locker/listing.py)."""

from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import bearer_client, upload_file


def test_every_word_must_match_in_any_order_in_name_or_description(client, alice):
    def stored(name, description=""):
        return StoredFile.create_from_upload(alice, upload_file(name, b"x"), description)

    matches = {
        stored("Invoice 2024-03.pdf"),
        stored("2024 taxes invoice.xlsx"),
        stored("invoice.pdf", "paid in March 2024"),
    }
    stored("Invoice 2023.pdf")
    stored("2024 report.pdf")
    stored("receipt.pdf", "invoice")
    expected = sorted(str(f.pk) for f in matches)

    client.force_login(alice)
    page = client.get(reverse("files"), {"q": "  2024   INVOICE "})
    api = bearer_client(alice).get("/api/v1/files", {"search": "invoice 2024"})
    assert sorted(str(f.pk) for f in page.context["files"]) == expected
    assert sorted(f["id"] for f in api.json()["results"]) == expected
    assert api.json()["count"] == 3
    assert "3 files match “2024   INVOICE”" in page.content.decode()


def test_a_repeated_word_is_one_condition(alice):
    StoredFile.create_from_upload(alice, upload_file("notes notes.txt", b"x"))
    found = StoredFile.objects.search("notes NOTES notes")
    assert [f.name for f in found] == ["notes notes.txt"]
    assert str(found.query).lower().count("like") == 2  # name or description, once
