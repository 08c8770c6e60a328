"""Accounts in Chromium: a new user verifies their email from a real mail, turns on an
authenticator app (codes made with pyotp, as the app makes them), signs in with it and gets an
API token with a recovery code; an admin requiring two-factor sign-in for staff is enforced;
a passkey (Chromium's virtual authenticator) is added and signs in. Every page checked by axe."""

import re
import time
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest

from tests.e2e.conftest import PASSWORD, STAFF, sign_up
from tests.live import wait_until

pytestmark = pytest.mark.e2e
SETTING_UP = {"/accounts/2fa/totp/activate/", "/accounts/reauthenticate/"}


def mail_to(inbox, address, subject):
    def find():
        with inbox.lock:
            return [m for to, m in inbox.messages if to == [address] and subject in m["Subject"]]

    return wait_until(find)


def confirm_link(message) -> str:
    return re.search(r"https?://\S+", message.get_body(("plain",)).get_content())[0]


def verify_email(page, inbox, address) -> None:
    """Follows the verification link mailed to `address` and confirms it."""
    (mail,) = mail_to(inbox, address, "Confirm")
    page.goto(confirm_link(mail))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text(f"You have confirmed {address}.").wait_for()


def turn_on_totp(page, pages, password, name) -> tuple[str, list[str]]:
    """From the two-factor page: the password again, the secret beside the QR code, a code.
    Returns the secret and the recovery codes shown afterwards."""
    page.goto("/accounts/2fa/totp/activate/")
    page.get_by_role("heading", name="Confirm Access").wait_for()
    pages.check(page, f"{name}-reauthenticate")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Activate Authenticator App").wait_for()
    pages.check(page, f"{name}-totp-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery Codes").wait_for()
    pages.check(page, f"{name}-recovery-codes")
    codes = page.locator("#recovery_codes").input_value().split()
    return secret, codes


def test_a_new_user_verifies_their_email_and_signs_in_with_an_authenticator_app(
    pages, site, inbox
):
    page = pages.new()
    sign_up(page, "tfa_grace", "Grace", "Hopper")
    (mail,) = mail_to(inbox, "tfa_grace@skylocker.test", "Confirm")
    page.goto(confirm_link(mail))
    page.get_by_role("heading", name="Confirm Email Address").wait_for()
    pages.check(page, "email-confirm")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("You have confirmed tfa_grace@skylocker.test.").wait_for()
    page.goto("/accounts/")
    page.get_by_text("tfa_grace@skylocker.test (verified)").wait_for()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_role("heading", name="Two-Factor Authentication").wait_for()
    pages.check(page, "two-factor")
    assert site.rows(
        "SELECT e.verified FROM account_emailaddress e JOIN auth_user u ON u.id = e.user_id "
        "WHERE u.username = 'tfa_grace'"
    )[0][0] == 1

    secret, codes = turn_on_totp(page, pages, PASSWORD, "two-factor")
    assert len(codes) >= 10
    kinds = site.rows(
        "SELECT a.type FROM mfa_authenticator a JOIN auth_user u ON u.id = a.user_id "
        "WHERE u.username = 'tfa_grace' ORDER BY a.type"
    )
    assert [k[0] for k in kinds] == ["recovery_codes", "totp"]
    assert site.rows(
        "SELECT e.id FROM audit_auditevent e JOIN auth_user u ON u.id = e.actor_id "
        "WHERE u.username = 'tfa_grace' AND e.action = 'account.mfa_enabled'"
    )

    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("tfa_grace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    pages.check(page, "two-factor-authenticate")
    # The app's next code: the current one was spent turning it on (a code works once).
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/files/")

    # The API mints a token only with the second factor: here a recovery code.
    credentials = {"username": "tfa_grace", "password": PASSWORD}
    asked = httpx.post(f"{site.url}/api/v1/auth/token", json=credentials)
    assert asked.status_code == 401 and asked.json()["otp_required"] is True
    minted = httpx.post(f"{site.url}/api/v1/auth/token", json={**credentials, "otp": codes[0]})
    assert minted.status_code == 200
    raw = minted.json()["token"]
    me = httpx.get(f"{site.url}/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["username"] == "tfa_grace"


def test_staff_required_to_use_two_factor_must_set_it_up_first(strict_pages, strict_site):
    page = strict_pages.new()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(STAFF["username"])
    page.get_by_label("Password").fill(STAFF["password"])
    page.get_by_role("button", name="Log in").click()
    # Sent to set it up (allauth asks for the password again first).
    page.get_by_text("Staff accounts must use two-factor sign-in").first.wait_for()
    assert urlsplit(page.url).path in SETTING_UP
    for elsewhere in ("/admin/", "/files/all/", "/files/"):
        page.goto(elsewhere)
        assert urlsplit(page.url).path in SETTING_UP, elsewhere  # nothing else until then

    turn_on_totp(page, strict_pages, STAFF["password"], "staff-two-factor")
    page.goto("/admin/")
    page.get_by_role("heading", name="Site administration").wait_for()
    assert strict_site.rows(
        "SELECT a.id FROM mfa_authenticator a JOIN auth_user u ON u.id = a.user_id "
        "WHERE u.username = ? AND a.type = 'totp'", STAFF["username"]
    )


def test_a_passkey_is_added_and_signs_in_without_the_password(pages, site, inbox):
    # WebAuthn names the site by its domain (an IP address is refused): localhost.
    page = pages.new(base_url=site.url.replace("127.0.0.1", "localhost"))
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_up(page, "tfa_passkey", "Pat", "Key")
    # A second factor is added only to an account whose address is verified.
    verify_email(page, inbox, "tfa_passkey@skylocker.test")
    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Add Security Key").wait_for()
    pages.check(page, "passkey-add")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/.*"))
    wait_until(
        lambda: site.rows(
            "SELECT a.id FROM mfa_authenticator a JOIN auth_user u ON u.id = a.user_id "
            "WHERE u.username = 'tfa_passkey' AND a.type = 'webauthn'"
        )
    )

    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    pages.check(page, "login-with-passkey")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/files/")
    assert page.get_by_text("Pat Key").count() >= 1


def test_a_user_changes_their_email_and_it_counts_once_verified(pages, site, inbox):
    page = pages.new()
    sign_up(page, "tfa_emily", "Emily", "Noether")
    verify_email(page, inbox, "tfa_emily@skylocker.test")
    page.goto("/accounts/")
    page.get_by_role("link", name="Change email").click()
    page.get_by_role("heading", name="Change your email").wait_for()
    pages.check(page, "email-change")
    page.get_by_label("Email").fill("tfa_emily@new.skylocker.test")
    page.get_by_role("button", name="Change email").click()
    # The password again first: a borrowed session cannot move the account elsewhere.
    page.get_by_role("heading", name="Confirm Access").wait_for()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Your email address is still pending verification").wait_for()
    pages.check(page, "email-change-pending")

    def email_of_emily():
        return site.rows("SELECT email FROM auth_user WHERE username = 'tfa_emily'")[0][0]

    assert email_of_emily() == "tfa_emily@skylocker.test"  # not before it is verified
    (mail,) = mail_to(inbox, "tfa_emily@new.skylocker.test", "Confirm")
    page.goto(confirm_link(mail))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("You have confirmed tfa_emily@new.skylocker.test.").wait_for()
    assert email_of_emily() == "tfa_emily@new.skylocker.test"
    page.goto("/accounts/")
    page.get_by_text("tfa_emily@new.skylocker.test (verified)").wait_for()
    assert site.rows(
        "SELECT e.id FROM audit_auditevent e JOIN auth_user u ON u.id = e.actor_id "
        "WHERE u.username = 'tfa_emily' AND e.action = 'account.email_changed'"
    )
