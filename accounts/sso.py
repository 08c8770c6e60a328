"""Single sign-on through one OpenID Connect provider (allauth.socialaccount), set up from the
environment (SKYLOCKER_OIDC_*, skylocker/settings.py). Who a sign-in through the provider is:

- an account already linked to the provider's user (its `sub`) is signed in;
- else an account whose address the provider says is verified (`email_verified`) and which
  verified the same address on Skylocker is linked and signed in: both sides proved they
  receive that address's mail, so they are the same person;
- else, if no account uses the address, a new account is made (the username from
  `preferred_username`, cleaned and made unique; the address verified only if the provider
  says so, otherwise Skylocker's own verification mail goes out);
- else (the address is taken, and not proven on both sides) nothing is made or linked: the
  log-in page says to sign in with the password. Someone who merely typed a victim's address
  into their provider profile takes over nothing.

A second factor the user set up on Skylocker is still asked for after the provider (allauth's
log-in stages), and SKYLOCKER_REQUIRE_MFA_FOR_STAFF still holds (accounts/mfa.py).
"""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from audit import log as audit
from audit.doors import where


def provider() -> dict[str, str] | None:
    """The configured provider's id and button name, or None when single sign-on is off."""
    if not settings.OIDC_SERVER_URL:
        return None
    return {"id": settings.OIDC_PROVIDER_ID, "name": provider_name()}


def provider_name() -> str:
    """SKYLOCKER_OIDC_NAME, or "single sign-on" in the reader's language."""
    return settings.OIDC_NAME or _("single sign-on")


def login_detail(request: HttpRequest, user: Any) -> dict[str, str]:
    """The audit detail of a sign-in about to happen: method="oidc" when the way in was the
    provider (allauth's record of how this browser authenticated, the second factor aside)."""
    ways = [r for r in get_authentication_records(request, user) if r.get("method") != "mfa"]
    if ways and ways[-1].get("method") == "socialaccount":
        return {"method": "oidc", "provider": str(ways[-1].get("provider", ""))}
    return {}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        """A new account's username: the provider's `preferred_username` (else the address,
        else "user"), cleaned to what Skylocker usernames allow and made unique."""
        user = super().populate_user(request, sociallogin, data)
        from allauth.account.adapter import get_adapter as get_account_adapter

        wanted = [data.get("username"), data.get("email"), "user"]
        user.username = get_account_adapter(request).generate_unique_username(wanted)
        return user

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[Any, str] | None:
        """allauth links an existing account when the provider says the address is verified;
        Skylocker also asks that the account verified that address itself."""
        found = super().authenticate_by_email(sociallogin)
        if found is None:
            return None
        user, email = found
        verified_here = EmailAddress.objects.filter(
            user=user, email__iexact=email, verified=True
        ).exists()
        return (user, email) if verified_here else None

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """A first sign-in whose address an unlinked account already uses makes nothing."""
        if sociallogin.is_existing:
            return
        emails = [address.email for address in sociallogin.email_addresses]
        user_model = get_user_model()
        taken = any(
            user_model.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
            for email in emails
        )
        if taken:
            messages.error(
                request,
                _(
                    "An account here already uses the email address of your %(provider)s "
                    "account, and it is not linked to it. Log in with your username and "
                    "password instead."
                )
                % {"provider": provider_name()},
            )
            raise ImmediateHttpResponse(redirect("login"))


@receiver(user_signed_up)
def record_sso_signup(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """An account made by a first sign-in through the provider (the sign-in itself is recorded
    as every sign-in is, audit/signals.py, with login_detail above)."""
    if "sociallogin" in kwargs:
        audit.record(
            "account.signup", actor=user, target=user, method="oidc",
            provider=settings.OIDC_PROVIDER_ID, **where(request),
        )  # fmt: skip
