"""No record, no action: when the audit log cannot be written, the action fails and nothing
of it is kept.

The log is made to fail for real: a trigger in the database refuses every insert into it
(SQLite, PostgreSQL and MariaDB each in their own dialect). The tests use a transactional
database because MariaDB commits on CREATE TRIGGER.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from audit.models import AuditEvent
from locker.models import DeletionAlert, ObjectRemoval, StoredFile, TrashedFile
from tests.conftest import PASSWORD, upload_file

TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is unavailable'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_down() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'the audit log is unavailable'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION audit_down()",
    ],
    "mysql": [
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit_auditevent FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the audit log is unavailable'",
    ],
}
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_down"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_down ON audit_auditevent",
        "DROP FUNCTION IF EXISTS audit_down()",
    ],
    "mysql": ["DROP TRIGGER IF EXISTS audit_down"],
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def break_audit_log():
    def broken() -> None:
        with connection.cursor() as cursor:
            for statement in TRIGGERS[connection.vendor]:
                cursor.execute(statement)

    yield broken
    with connection.cursor() as cursor:
        for statement in DROP[connection.vendor]:
            cursor.execute(statement)


def browser_of(user) -> Client:
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    return browser


def test_a_delete_whose_record_cannot_be_written_fails_and_the_file_stays(
    alice, alice_file, break_audit_log, stored_objects
):
    browser = browser_of(alice)
    break_audit_log()
    response = browser.post(reverse("delete", args=[alice_file.pk]))
    assert response.status_code == 500
    assert StoredFile.objects.filter(pk=alice_file.pk).exists()
    assert not TrashedFile.objects.exists()
    assert not DeletionAlert.objects.exists()
    assert stored_objects() == [alice_file.file.name]


def test_a_purge_whose_record_cannot_be_written_keeps_the_item_and_its_content(
    alice, alice_file, break_audit_log, stored_objects
):
    alice_file.delete_by(alice)
    browser = browser_of(alice)
    break_audit_log()
    assert browser.post(reverse("trash-delete", args=[alice_file.pk])).status_code == 500
    assert TrashedFile.objects.filter(pk=alice_file.pk).exists()
    assert not ObjectRemoval.objects.exists()
    assert stored_objects() == [alice_file.file.name]


def test_an_upload_whose_record_cannot_be_written_keeps_nothing(
    alice, break_audit_log, stored_objects
):
    _, raw = ApiToken.issue(alice)
    api = APIClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    break_audit_log()
    response = api.post("/api/v1/files", {"file": upload_file()}, format="multipart")
    assert response.status_code == 500
    assert not StoredFile.objects.exists()
    assert stored_objects() == []


def test_a_rename_whose_record_cannot_be_written_keeps_the_old_name(
    alice, alice_file, break_audit_log
):
    browser = browser_of(alice)
    break_audit_log()
    response = browser.post(reverse("rename", args=[alice_file.pk]), {"name": "new.txt"})
    assert response.status_code == 500
    assert StoredFile.objects.get().name == "alice.txt"


def test_a_download_whose_record_cannot_be_written_hands_over_no_bytes(
    alice, alice_file, break_audit_log
):
    browser = browser_of(alice)
    break_audit_log()
    response = browser.get(reverse("download", args=[alice_file.pk]))
    assert response.status_code == 500
    assert b"alice's secret" not in b"".join(getattr(response, "streaming_content", [b""]))


def test_an_api_sign_in_whose_record_cannot_be_written_issues_no_token(alice, break_audit_log):
    break_audit_log()
    anon = APIClient(raise_request_exception=False)
    body = {"username": "alice", "password": PASSWORD}
    assert anon.post("/api/v1/auth/token", body, format="json").status_code == 500
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="token.created").exists()
