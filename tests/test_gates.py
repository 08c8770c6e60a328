"""Security gate: production settings never accept any Host header (`*` in ALLOWED_HOSTS).

The settings module is executed afresh for each environment, as a server start would.
"""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "skylocker" / "settings.py"


def production_settings(monkeypatch, tmp_path, **env) -> dict:
    for name in ("DATABASE_URL", "SKYLOCKER_S3_BUCKET", "EMAIL_URL", "ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SKYLOCKER_HTTPS", "1")
    monkeypatch.setenv("SECRET_KEY", "gate-" + "s" * 50)
    monkeypatch.setenv("SKYLOCKER_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.mark.parametrize(
    "hosts", ["*", " * ", "skylocker.example.com,*", "*,skylocker.example.com", "a.example, *"]
)
def test_production_settings_refuse_a_wildcard_anywhere_in_allowed_hosts(
    monkeypatch, tmp_path, hosts
):
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS must name the site's hosts"):
        production_settings(monkeypatch, tmp_path, ALLOWED_HOSTS=hosts)


@pytest.mark.parametrize("hosts", [None, "skylocker.example.com", "a.example,b.example"])
def test_production_settings_name_hosts_and_never_a_wildcard(monkeypatch, tmp_path, hosts):
    env = {"ALLOWED_HOSTS": hosts} if hosts else {}

    settings = production_settings(monkeypatch, tmp_path, **env)

    assert settings["ALLOWED_HOSTS"]
    assert "*" not in settings["ALLOWED_HOSTS"]
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["CSRF_TRUSTED_ORIGINS"] == [f"https://{h}" for h in settings["ALLOWED_HOSTS"]]
