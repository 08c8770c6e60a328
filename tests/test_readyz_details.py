"""/readyz names a failing check's exception only to staff and to this machine."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def broken_storage(data_dir, settings):
    blocked = data_dir / "blocked"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocked, "base_url": None},
        },
    }


def test_readyz_hides_the_exception_name_from_another_address(client, db, broken_storage):
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "storage": "error"}


def test_readyz_names_the_exception_to_this_machine(client, db, broken_storage):
    response = client.get("/readyz", REMOTE_ADDR="127.0.0.1")
    assert response.json()["storage"] == "error: FileExistsError"


def test_readyz_names_the_exception_to_signed_in_staff_elsewhere(client, admin, broken_storage):
    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.json()["storage"] == "error: FileExistsError"


def test_readyz_hides_the_exception_name_from_signed_in_non_staff(
    client, alice, broken_storage
):
    client.force_login(alice)
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.json()["storage"] == "error"
