"""/healthz and /readyz, whatever the Host header; /readyz fails with the database or storage."""

import os

import httpx
import pytest

from tests.live import serving


def test_healthz_answers_200_whatever_the_host_header(client):
    response = client.get("/healthz", HTTP_HOST="10.0.12.34")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_other_pages_still_refuse_a_foreign_host_header(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_readyz_answers_200_when_database_and_storage_answer(client, db, stored_objects):
    response = client.get("/readyz", HTTP_HOST="10.0.12.34")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert stored_objects() == []


def test_readyz_answers_503_when_the_storage_folder_is_a_file(client, db, data_dir, settings):
    blocked = data_dir / "blocked"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocked, "base_url": None},
        },
    }
    response = client.get("/readyz", HTTP_HOST="10.0.12.34")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["storage"].startswith("error:")
    assert blocked.read_text() == "a file where the storage folder should be"


def test_readyz_creates_a_missing_storage_folder_on_a_fresh_machine(client, db, data_dir, settings):
    fresh = data_dir / "fresh" / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": fresh, "base_url": None},
        },
    }
    assert client.get("/readyz").status_code == 200
    assert fresh.is_dir()


def get(url, host):
    response = httpx.get(url, headers={"Host": host}, timeout=5)
    return response.status_code, response.content


@pytest.mark.parametrize("database", ["broken", "working"])
def test_readyz_over_http_follows_the_real_database(tmp_path, database):
    """A real server whose database cannot be opened (its folder does not exist) is not ready."""
    data = tmp_path / "data"
    env = {**os.environ, "SKYLOCKER_DATA_DIR": str(data), "SECRET_KEY": "h" * 50}
    if database == "broken":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3"
    else:
        env.pop("DATABASE_URL", None)
    with serving(env) as url:
        status, _ = get(f"{url}/healthz", "10.0.0.7")
        assert status == 200
        status, body = get(f"{url}/readyz", "10.0.0.7")
    if database == "broken":
        assert status == 503
        assert b'"database": "error: OperationalError"' in body
    else:
        assert status == 200
        assert b'"storage": "ok"' in body
