"""Security headers on every response: CSP, frame denial, referrer policy, nosniff."""

import pytest
from django.urls import reverse


def assert_hardened(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_public_pages_carry_the_security_headers(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_hardened(response)
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp


def test_signed_in_pages_and_errors_carry_the_security_headers(alice_client, alice_file):
    assert_hardened(alice_client.get(reverse("files")))
    assert_hardened(alice_client.get(reverse("upload")))
    assert_hardened(alice_client.get("/files/00000000-0000-0000-0000-000000000000/download/"))


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_probes_carry_the_security_headers_though_they_answer_first(client, db, url):
    response = client.get(url, HTTP_HOST="10.0.0.12")
    assert response.status_code == 200
    assert_hardened(response)
    assert response["Cache-Control"] == "no-store"


def test_a_request_for_an_unknown_host_is_refused_with_the_security_headers(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_hardened(response)


def test_static_files_carry_the_security_headers(client, db):
    response = client.get("/static/locker/skylocker.css")
    assert response.status_code == 200
    assert_hardened(response)


def test_downloads_are_sandboxed(alice_client, alice_file):
    response = alice_client.get(reverse("download", args=[alice_file.pk]))
    assert_hardened(response)
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_the_session_cookie_is_http_only_and_same_site(client, alice):
    from tests.conftest import PASSWORD

    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
