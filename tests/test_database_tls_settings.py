"""SKYLOCKER_DB_CA_FILE: the database connection uses TLS and checks the server's certificate
and host name against that CA bundle (each case is a fresh interpreter)."""

import json
import os
import subprocess
import sys

PRINT_OPTIONS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
)


def start(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skylocker.settings",
        "SKYLOCKER_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", PRINT_OPTIONS],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def bundle(tmp_path):
    path = tmp_path / "rds-ca-bundle.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    return str(path)


def test_mysql_verifies_the_server_certificate_and_host_against_the_bundle(tmp_path):
    ca = bundle(tmp_path)

    result = start(
        tmp_path, DATABASE_URL="mysql://u:p@db.internal:3306/sky", SKYLOCKER_DB_CA_FILE=ca
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ssl"] == {"ca": ca, "check_hostname": True}


def test_postgresql_uses_verify_full_with_the_bundle(tmp_path):
    ca = bundle(tmp_path)

    result = start(
        tmp_path, DATABASE_URL="postgres://u:p@db.internal:5432/sky", SKYLOCKER_DB_CA_FILE=ca
    )

    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    assert (options["sslmode"], options["sslrootcert"]) == ("verify-full", ca)


def test_a_missing_bundle_refuses_to_start(tmp_path):
    result = start(
        tmp_path,
        DATABASE_URL="mysql://u:p@db.internal:3306/sky",
        SKYLOCKER_DB_CA_FILE=str(tmp_path / "nowhere.pem"),
    )

    assert result.returncode != 0
    assert "SKYLOCKER_DB_CA_FILE=" in result.stderr and "is not a file" in result.stderr
    assert result.stdout == ""


def test_without_the_variable_nothing_changes(tmp_path):
    result = start(tmp_path, DATABASE_URL="mysql://u:p@db.internal:3306/sky")

    assert result.returncode == 0, result.stderr
    assert "ssl" not in json.loads(result.stdout)


CONNECT = (
    "import django; django.setup(); from django.db import connection; "
    "connection.ensure_connection(); print('connected')"
)


def connect(tmp_path, url: str, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skylocker.settings",
        "SKYLOCKER_DATA_DIR": str(tmp_path),
        "DATABASE_URL": url,
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", CONNECT], env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_server_without_tls_is_refused_rather_than_spoken_to_in_plaintext(tmp_path):
    # The machine's own MariaDB and PostgreSQL (see CONTRIBUTING) offer no TLS: with the CA
    # bundle set, the app must refuse them, while the same URL without it connects.
    key, ca = tmp_path / "ca.key", str(tmp_path / "ca.pem")
    subprocess.run(  # a CA of our own, valid but unknown to both servers
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=Skylocker test CA", "-keyout", str(key), "-out", ca],
        check=True, capture_output=True,
    )  # fmt: skip
    for url, refusal in (
        ("mysql://root@127.0.0.1:3306/mysql", "SSL is required but the server doesn't support it"),
        ("postgres://postgres@127.0.0.1:5432/postgres", "server does not support SSL"),
    ):
        plain = connect(tmp_path, url)
        assert plain.stdout.strip() == "connected", plain.stderr

        verified = connect(tmp_path, url, SKYLOCKER_DB_CA_FILE=ca)

        assert verified.returncode != 0
        assert refusal in verified.stderr, verified.stderr[-2000:]
