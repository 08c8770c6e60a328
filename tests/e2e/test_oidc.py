"""Single sign-on in Chromium: a Skylocker configured with SKYLOCKER_OIDC_* (its own site, as
the shared one has no provider) and a real OpenID Connect provider (oidc-provider-mock) on a
free port. The log-in page's "Sign in with Example ID" goes through the provider's authorize
page and lands in My files, as a new account the first time and the same one after."""

import pytest
from oidc_provider_mock import User, run_server_in_thread

from tests.e2e.conftest import Site, _pages_on, _serve
from tests.live import free_port

pytestmark = pytest.mark.e2e

SUB = "sso-e2e-frances"
CLAIMS = {
    "email": "sso_frances@corp.example",
    "email_verified": True,
    "preferred_username": "sso_frances",
    "given_name": "Frances",
    "family_name": "Allen",
}


@pytest.fixture(scope="module")
def sso_site(tmp_path_factory, inbox):
    users = [User(sub=SUB, claims=CLAIMS)]
    with run_server_in_thread(port=free_port(), user_claims=users) as provider:
        data = tmp_path_factory.mktemp("skylocker-e2e-sso")
        env = {
            "SKYLOCKER_OIDC_SERVER_URL": f"http://localhost:{provider.server_port}",
            "SKYLOCKER_OIDC_NAME": "Example ID",
            "SKYLOCKER_OIDC_CLIENT_ID": "skylocker-e2e",
            "SKYLOCKER_OIDC_CLIENT_SECRET": "e2e-client-secret",
        }
        for url in _serve(data, inbox, free_port(), **env):
            yield Site(url, data)


@pytest.fixture
def sso_pages(browser, sso_site, axe_source, request):
    yield from _pages_on(browser, sso_site, axe_source, request)


def sign_in_with_the_provider(page, pages, name):
    page.goto("/accounts/login/")
    pages.check(page, f"{name}-login")
    page.get_by_role("button", name="Sign in with Example ID").click()
    # The provider's own page (not Skylocker's, so not checked by axe): choose who signs in.
    page.get_by_role("heading", name="Authorize Client").wait_for()
    page.get_by_role("button", name=SUB).click()
    page.get_by_role("heading", name="My files").wait_for()


def test_sign_in_with_the_provider_makes_an_account_and_finds_it_again(sso_pages, sso_site):
    page = sso_pages.new()
    sign_in_with_the_provider(page, sso_pages, "sso-first")
    sso_pages.check(page, "sso-my-files")
    (user,) = sso_site.rows(
        "SELECT id, username, email FROM auth_user WHERE email = ?", CLAIMS["email"]
    )
    assert user["username"] == "sso_frances"
    links = sso_site.rows("SELECT user_id, uid FROM socialaccount_socialaccount")
    assert [(row["user_id"], row["uid"]) for row in links] == [(user["id"], SUB)]

    again = sso_pages.new()  # another browser, signed out
    sign_in_with_the_provider(again, sso_pages, "sso-again")
    assert len(sso_site.rows("SELECT id FROM auth_user WHERE email = ?", CLAIMS["email"])) == 1
    logins = sso_site.rows(
        "SELECT detail FROM audit_auditevent WHERE action = 'account.login' AND actor_id = ?",
        user["id"],
    )
    assert len(logins) == 2 and all('"oidc"' in row["detail"] for row in logins)
