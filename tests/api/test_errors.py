"""Errors Django raises before the API's views run, and unexpected ones, still answer JSON."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from locker.models import StoredFile


def test_form_fields_too_large_to_read_answer_json(alice_api, settings, stored_objects):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = alice_api.post(
        "/api/v1/files",
        {"file": SimpleUploadedFile("a.txt", b"words"), "description": "d" * 5000},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The form fields other than the file are too large."}
    assert not StoredFile.objects.exists()
    assert stored_objects() == []


def test_too_many_fields_answer_json(alice_api, settings, stored_objects):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"field{n}": "x" for n in range(20)}
    response = alice_api.post(
        "/api/v1/files", {"file": SimpleUploadedFile("a.txt", b"words"), **fields}
    )
    assert response.status_code == 400
    assert "too many fields" in response.json()["detail"]
    assert not StoredFile.objects.exists()
    assert stored_objects() == []


def test_an_unexpected_error_answers_json_and_is_logged(alice, monkeypatch, caplog):
    """A bug is injected in-process: no real part can be made to fail this way on purpose."""
    from api import auth_views

    def broken(user):
        raise RuntimeError("a bug")

    monkeypatch.setattr(auth_views, "MeSerializer", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(alice)
    response = client.get("/api/v1/me")
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Something went wrong on the server.")
    assert "a bug" in caplog.text


def test_the_pages_keep_html_for_the_same_errors(alice_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = alice_client.post(
        reverse("upload"), {"file": SimpleUploadedFile("a.txt", b"w"), "description": "d" * 5000}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
