"""Settings from the environment: safe defaults, production checks, EMAIL_URL, the secret key."""

import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from skylocker.settings import _email_settings
from tests.live import manage

PRINT = (
    "from django.conf import settings as s; "
    "print(s.MAX_UPLOAD_BYTES, s.ALLOWED_HOSTS, s.DEBUG, s.DEFAULT_FROM_EMAIL, "
    "s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND, s.SESSION_COOKIE_SECURE)"
)


def clean_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SKYLOCKER_", "DJANGO_", "EMAIL_", "SECRET_KEY"))
        and key not in {"DATABASE_URL", "ALLOWED_HOSTS", "DEBUG", "DEFAULT_FROM_EMAIL"}
    }
    return {**env, "SKYLOCKER_DATA_DIR": str(tmp_path / "data"), **extra}


def test_with_no_configuration_the_defaults_are_safe_and_local(tmp_path):
    result = manage(clean_env(tmp_path), "shell", "-v", "0", "-c", PRINT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "10485760 ['localhost', '127.0.0.1'] False skylocker@localhost "
        "django.db.backends.sqlite3 locker.mail.EmlFileBackend False"
    )


def test_the_generated_secret_key_is_private_and_kept(tmp_path):
    env = clean_env(tmp_path)
    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage(env, "shell", "-v", "0", "-c", show, check=False)
    second = manage(env, "shell", "-v", "0", "-c", show, check=False)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(key_file.read_text().strip()) >= 50


def test_a_new_data_folder_is_closed_to_other_accounts(tmp_path):
    env = clean_env(tmp_path)
    assert manage(env, "migrate", "-v", "0", check=False).returncode == 0
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert (data / "skylocker.sqlite3").exists()


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "mounted-secret"
    secret.write_text("from-a-secret-store-" + "s" * 40 + "\n")
    env = clean_env(tmp_path, SECRET_KEY_FILE=str(secret))
    result = manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        check=False,
    )
    assert result.stdout.strip() == "from-a-secret-store-" + "s" * 40
    assert not (tmp_path / "data" / "secret_key").exists()


def test_https_mode_passes_the_deploy_check(tmp_path):
    env = clean_env(
        tmp_path,
        SKYLOCKER_HTTPS="1",
        SECRET_KEY="kq8Vx2-production-grade-" + "Zr7pL0mN3wQ9tY5uE1iO4aS6dF8gH2jK",
        ALLOWED_HOSTS="files.skylocker.example",
    )
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_an_api_token_lifetime_under_a_day_is_refused_at_start(tmp_path):
    result = manage(clean_env(tmp_path, SKYLOCKER_API_TOKEN_DAYS="0"), "check", check=False)
    assert result.returncode != 0
    assert "SKYLOCKER_API_TOKEN_DAYS must be 1 or more" in result.stderr


def test_without_https_the_deploy_check_warns(tmp_path):
    result = manage(
        clean_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING", check=False
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


def test_a_wildcard_allowed_host_is_refused_in_production(tmp_path):
    env = clean_env(tmp_path, SKYLOCKER_HTTPS="1", SECRET_KEY="k" * 50, ALLOWED_HOSTS="*")
    result = manage(env, "check", check=False)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the site's hosts" in result.stderr


def test_unset_email_url_writes_mail_to_the_data_folder():
    config = _email_settings("")
    assert config["EMAIL_BACKEND"] == "locker.mail.EmlFileBackend"
    assert config["EMAIL_FILE_PATH"].endswith("mail")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example:2525",
            {"EMAIL_HOST": "mail.example", "EMAIL_PORT": 2525, "EMAIL_USE_TLS": False},
        ),
        (
            "smtp+tls://ops%40example.com:p%3Ass%2Fw@smtp.example",
            {
                "EMAIL_HOST": "smtp.example",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "ops@example.com",
                "EMAIL_HOST_PASSWORD": "p:ss/w",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtp+ssl://smtp.example", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("smtp://localhost", {"EMAIL_PORT": 25, "EMAIL_HOST_USER": ""}),
    ],
)
def test_email_url_is_parsed_into_smtp_settings(url, expected):
    config = _email_settings(url)
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert {key: config[key] for key in expected} == expected


def test_an_unknown_email_url_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="smtp, smtp\\+tls or smtp\\+ssl"):
        _email_settings("http://mail.example")


def test_the_upload_limit_comes_from_the_environment(tmp_path):
    env = clean_env(tmp_path, SKYLOCKER_MAX_UPLOAD_BYTES="2048")
    result = manage(env, "shell", "-v", "0", "-c", PRINT, check=False)
    assert result.stdout.startswith("2048 ")
