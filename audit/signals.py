"""Sign-in, failed sign-in and sign-out, recorded from Django's own auth signals.

The house rule "no signal handlers" is about Skylocker's own side effects, which are called
where they happen. These three happen inside Django (`login()`, `authenticate()`, `logout()`),
which tells of them only through its signals; listening there is the one place that sees
every sign-in through the log-in page, the admin's and the API's password check alike.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from audit.doors import where
from audit.log import record
from audit.models import Door, Outcome


def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None:
        # How, when the page that signs in says (accounts/adapter.py: method="oidc" for SSO).
        how = getattr(request, "login_detail", {})
        record("account.login", actor=user, target=user, **where(request), **how)


def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and user is not None:
        record("account.logout", actor=user, target=user, **where(request))


def login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Who was tried (the username as typed) and from where; the account, when there is one,
    sees it in its own activity."""
    username = str(credentials.get(get_user_model().USERNAME_FIELD, "") or "")[:150]
    tried = get_user_model()._default_manager.filter(username=username).first()
    place = where(request) if request is not None else {"door": Door.CONSOLE, "address": None}
    locked = bool(getattr(request, "axes_locked_out", False))
    record(
        "account.login_failed", actor_username=username, owner=tried, target=tried,
        outcome=Outcome.REFUSED if locked else Outcome.FAILED, **place,
    )


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
