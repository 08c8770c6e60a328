"""Single sign-on through one OpenID Connect provider (SKYLOCKER_OIDC_*): the whole code flow
against a real provider server over HTTP (oidc-provider-mock, started here on a free port):
Skylocker fetches its discovery document, sends the browser to its authorize page, trades the
code at its token endpoint and checks the ID token's signature against its keys. The browser's
part (the provider's "Authorize" form) is an httpx request; Skylocker's is Django's test client.
"""

from urllib.parse import quote, urlsplit

import httpx
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread

from accounts.models import OutgoingMail
from audit.models import AuditEvent
from skylocker.settings import _oidc_settings
from tests.conftest import make_user
from tests.live import free_port

User = get_user_model()
LOGIN = "/accounts/login/"
START = "/accounts/oidc/sso/login/"


@pytest.fixture(scope="module")
def provider_url():
    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider_url, db):
    """Skylocker configured as SKYLOCKER_OIDC_* would configure it."""
    cache.clear()  # allauth's rate limits and Skylocker's per-address limits start unspent
    env = {
        "SKYLOCKER_OIDC_SERVER_URL": provider_url,
        "SKYLOCKER_OIDC_NAME": "Example ID",
        "SKYLOCKER_OIDC_CLIENT_ID": "skylocker",
        "SKYLOCKER_OIDC_CLIENT_SECRET": "client-secret",
    }
    for name, value in _oidc_settings(env).items():
        setattr(settings, name, value)
    return provider_url


def provider_user(provider_url, sub, **claims):
    """The provider's user `sub`, with these claims in its ID token and userinfo."""
    answer = httpx.put(f"{provider_url}/users/{quote(sub, safe='')}", json=claims)
    assert answer.status_code == 204


def sign_in(browser, sub):
    """Click "Sign in with Example ID", authorize as `sub` on the provider's page, and come
    back: Skylocker's answer to the provider's redirect."""
    start = browser.post(START, {"next": ""})
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith("http://localhost:")  # to the provider, not Skylocker
    page = httpx.post(authorize, data={"sub": sub})
    assert page.status_code == 302, page.text
    back = urlsplit(page.headers["location"])
    assert back.path == "/accounts/oidc/sso/login/callback/"
    return browser.get(f"{back.path}?{back.query}", follow=True)


def signed_in_as(browser):
    return User.objects.filter(pk=browser.session.get("_auth_user_id")).first()


def oidc_events(action, user):
    return list(AuditEvent.objects.filter(action=action, actor=user, detail__method="oidc"))


def test_the_log_in_page_offers_the_provider_by_its_configured_name(sso):
    page = Client().get(LOGIN).content.decode()
    assert "Sign in with Example ID" in page and f'action="{START}"' in page


def test_a_first_sign_in_makes_an_account_and_a_second_finds_it(sso):
    provider_user(
        sso, "carol-sub", email="carol@corp.example", email_verified=True,
        preferred_username="Carol Ödegaard!", given_name="Carol", family_name="Ödegaard",
    )  # fmt: skip
    browser = Client()
    answer = sign_in(browser, "carol-sub")

    carol = signed_in_as(browser)
    assert carol is not None
    assert answer.request["PATH_INFO"] == reverse("files")  # straight into My files
    assert (carol.username, carol.email, carol.first_name, carol.last_name) == (
        "carol_odegaard",
        "carol@corp.example",
        "Carol",
        "Ödegaard",
    )
    assert not carol.has_usable_password()
    assert EmailAddress.objects.get(user=carol).verified  # the provider said so
    link = SocialAccount.objects.get(user=carol)
    assert (link.provider, link.uid) == ("sso", "carol-sub")
    assert len(oidc_events("account.signup", carol)) == 1
    assert len(oidc_events("account.login", carol)) == 1
    assert AuditEvent.objects.filter(action="account.login", actor=carol).count() == 1

    again = Client()
    sign_in(again, "carol-sub")
    assert signed_in_as(again) == carol
    assert User.objects.filter(email="carol@corp.example").count() == 1
    assert SocialAccount.objects.count() == 1
    assert len(oidc_events("account.login", carol)) == 2


def test_a_taken_username_gets_a_number_and_an_unverified_address_a_verification_mail(sso):
    make_user("dave", first="Dave", last="Local")
    provider_user(sso, "dave-sub", email="dave@corp.example", preferred_username="dave")
    browser = Client()
    sign_in(browser, "dave-sub")

    new = signed_in_as(browser)
    assert new is not None and new.username not in {"dave", ""}
    assert new.username.startswith("dave")
    assert User.objects.get(username="dave").socialaccount_set.count() == 0
    assert not EmailAddress.objects.get(user=new).verified
    mail = OutgoingMail.objects.get(to__icontains="dave@corp.example")
    assert "confirm-email" in mail.body


def test_an_unverified_provider_address_does_not_take_over_the_account_that_has_it(sso, alice):
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    provider_user(sso, "mallory-sub", email=alice.email, email_verified=False,
                  preferred_username="alice")  # fmt: skip
    before = User.objects.count()
    browser = Client()
    answer = sign_in(browser, "mallory-sub")

    assert signed_in_as(browser) is None
    assert "not linked to it" in answer.content.decode()
    assert User.objects.count() == before
    assert SocialAccount.objects.count() == 0
    assert AuditEvent.objects.filter(action="account.login").count() == 0


def test_a_verified_provider_address_still_needs_the_account_to_have_verified_it(sso, alice):
    # Alice's address is on her account but she never followed its link: not proven here.
    EmailAddress.objects.create(user=alice, email=alice.email, verified=False, primary=True)
    provider_user(sso, "alice-elsewhere", email=alice.email, email_verified=True)
    browser = Client()
    sign_in(browser, "alice-elsewhere")

    assert signed_in_as(browser) is None
    assert SocialAccount.objects.count() == 0
    alice.refresh_from_db()
    assert alice.has_usable_password()


def test_an_address_verified_on_both_sides_links_the_existing_account(sso, alice):
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    provider_user(sso, "alice-sub", email=alice.email, email_verified=True)
    browser = Client()
    sign_in(browser, "alice-sub")

    assert signed_in_as(browser) == alice
    assert SocialAccount.objects.get(uid="alice-sub").user == alice
    assert User.objects.filter(email=alice.email).count() == 1
    assert len(oidc_events("account.login", alice)) == 1


def test_staff_required_to_use_two_factor_are_held_after_single_sign_on_too(sso, settings, admin):
    settings.REQUIRE_MFA_FOR_STAFF = True
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    provider_user(sso, "admin-sub", email=admin.email, email_verified=True)
    browser = Client()
    sign_in(browser, "admin-sub")

    assert signed_in_as(browser) == admin
    files = browser.get(reverse("files"))
    assert (files.status_code, files["Location"]) == (302, "/accounts/2fa/totp/activate/")
    assert not Authenticator.objects.filter(user=admin).exists()


def test_with_no_provider_configured_nothing_of_single_sign_on_shows(db):
    page = Client().get(LOGIN).content.decode()
    assert "/accounts/oidc/" not in page and "single sign-on" not in page
    assert Client().post(START).status_code == 404


def test_a_server_url_without_a_client_id_is_refused_at_start():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SKYLOCKER_OIDC_CLIENT_ID"):
        _oidc_settings({"SKYLOCKER_OIDC_SERVER_URL": "https://id.example"})
