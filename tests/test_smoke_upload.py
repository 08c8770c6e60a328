from django.urls import reverse

from locker.models import StoredFile
from tests.conftest import upload_file


def test_an_upload_stores_one_object_and_one_row(alice_client, alice, stored_objects):
    response = alice_client.post(
        reverse("upload"), {"file": upload_file("report.pdf", b"%PDF-1.4 hello"), "description": "Q3"}
    )
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.owner == alice
    assert stored.name == "report.pdf"
    assert stored.size == 14
    assert stored.content_type == "application/pdf"
    assert stored_objects() == [stored.file.name]
