"""`make run` creates the first admin from DJANGO_SUPERUSER_* (manage.py ensure_superuser)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.conftest import PASSWORD

User = get_user_model()


@pytest.fixture
def admin_env(monkeypatch):
    def set_env(username="ada", password=PASSWORD, email="ada@example.com"):
        monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", username)
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", email)

    return set_env


def ensure_superuser() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ensure_superuser", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_first_admin_is_created_once(db, admin_env):
    admin_env()

    assert "Created superuser ada" in ensure_superuser()[0]
    ada = User.objects.get(username="ada")
    assert ada.is_superuser and ada.is_staff and ada.check_password(PASSWORD)
    admin_env(username="bert")
    assert ensure_superuser() == ("", "")  # an admin exists: nothing more
    assert list(User.objects.values_list("username", flat=True)) == ["ada"]


def test_nothing_happens_without_the_variables(db, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    assert ensure_superuser() == ("", "")
    assert not User.objects.exists()


def test_a_weak_admin_password_is_refused_with_the_reason(db, admin_env):
    admin_env(password="12345678")

    with pytest.raises(CommandError, match="This password is too short") as refused:
        ensure_superuser()

    assert "entirely numeric" in str(refused.value)
    assert not User.objects.exists()


def test_an_ordinary_user_of_that_name_is_left_alone_and_start_up_goes_on(alice, admin_env):
    admin_env(username="alice")

    out, err = ensure_superuser()

    assert "A user named alice exists and is not an administrator" in err
    alice.refresh_from_db()
    assert not alice.is_superuser and not alice.is_staff
