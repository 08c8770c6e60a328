import math
from typing import Any

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.internal.flows.signup import complete_signup, prevent_enumeration
from allauth.account.models import EmailAddress, Login
from allauth.account.utils import setup_user_email
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import sso  # also connects the single sign-on audit records
from accounts.forms import OutboxPasswordResetForm, SignUpForm
from accounts.limits import address_locked_out, password_reset_allowed, signup_allowed
from accounts.models import UserSession, sign_out_everywhere
from api.models import ApiToken
from audit.doors import where
from audit.log import Outcome, record
from preferences.forms import PreferencesForm
from preferences.models import Preferences


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("files")
    if request.method == "POST" and not signup_allowed(request):
        return render(request, "registration/signup_throttled.html", status=429)
    form = SignUpForm(request.POST or None)
    # allauth's own notes ("signed in", "mail sent") give way to the one below; the same
    # whether or not the email was taken.
    request.skylocker_signup = True  # type: ignore[attr-defined]  # read by accounts/adapter.py
    if request.method == "POST" and form.is_valid():
        user = form.create_user(**where(request))
        if form.account_already_exists:
            # Mandatory verification: answered exactly as a new sign-up is ("check your
            # mail"); the address's owner gets a mail saying someone tried to sign up with it.
            return prevent_enumeration(request, email=form.cleaned_data["email"])
        if user is not None:
            return finish_signup(request, user)
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def finish_signup(request: HttpRequest, user: Any) -> HttpResponse:
    """The address is recorded for allauth and a verification mail goes out; then, unless
    verification is mandatory, the new user is signed in straight away: their next wish is to
    upload, not to type the password again."""
    setup_user_email(request, user, [EmailAddress(email=user.email)])
    user.backend = "django.contrib.auth.backends.ModelBackend"
    response = complete_signup(request, user=user)
    if request.user.is_authenticated:
        welcome = _("Welcome to Skylocker, %(name)s.") % {"name": user.first_name}
        if settings.ACCOUNT_EMAIL_VERIFICATION != "none":
            welcome += " " + _(
                "We mailed a link to %(email)s: follow it to verify your address."
            ) % {"email": user.email}
        messages.success(request, welcome)
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """Staff sign in on the one log-in page (and its lockout); the admin has none of its own."""
    if request.user.is_staff:
        return redirect("admin:index")
    if request.user.is_authenticated:
        raise Http404(_("The admin is for staff."))  # as All files is: nothing here for them
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


# From this many failed log-ins on, the page says how many tries are left before the lockout.
WARN_AFTER_FAILURES = 3


class LoginView(auth_views.LoginView):
    """Django's log-in page: it refuses an address that failed too often (any username), warns
    how many tries are left once a lockout (django-axes) nears, and records the new session."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # A passkey signs in without the password (allauth's page takes it from here).
        context["passkey_login"] = settings.MFA_PASSKEY_LOGIN_ENABLED
        context["redirect_field"] = ""
        context["sso"] = sso.provider()  # "Sign in with …", when SKYLOCKER_OIDC_* is set
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if address_locked_out(request):
            username = request.POST.get("username", "")[:150]
            record("account.login_failed", actor_username=username, outcome=Outcome.REFUSED,
                   address_locked=True, **where(request))
            return render(request, "registration/locked_out.html", {"address": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """The password is right: allauth's log-in flow takes over, which asks for the second
        factor (or a verified address) when the account needs one before signing in; its
        adapter records the browser session (accounts/adapter.py)."""
        user = form.get_user()
        credentials = {"username": user.get_username()}
        flow = Login(user=user, redirect_url=self.get_success_url())
        return perform_password_login(self.request, credentials, flow)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        credentials = {"username": form.data.get("username", "")}
        failures = AxesProxyHandler.get_failures(self.request, credentials)
        left = settings.AXES_FAILURE_LIMIT - failures
        warn = failures >= WARN_AFTER_FAILURES and left > 0
        context = self.get_context_data(form=form, tries_left=left if warn else None)
        return self.render_to_response(context)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a page saying how many minutes are left.

    The lock lifts AXES_COOLOFF_TIME after the last failure of this username from this address.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    address = getattr(request, "axes_ip_address", None)  # set by django-axes' middleware
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    until = (last or timezone.now()) + settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    context = {"minutes_left": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    sessions = UserSession.objects.active().filter(user=request.user)
    tokens = ApiToken.objects.live().filter(user=request.user).order_by("-created_at")
    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    context = {
        "sessions": sessions,
        "tokens": tokens,
        "current_session": request.session.session_key,
        "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "totp": Authenticator.Type.TOTP in kinds,
        "passkeys": Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.WEBAUTHN
        ).count(),
        "recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
        "preferences_form": PreferencesForm(instance=Preferences.of(request.user)),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def end_session(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    with transaction.atomic():
        row.end()
        record("session.revoked", actor=request.user, target=row, owner=request.user,
               session_address=row.address, **where(request))
    if row.session_key == request.session.session_key:
        return redirect("login")
    messages.success(request, _("That browser is signed out."))
    return redirect("account")


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    with transaction.atomic():
        record("token.revoked", actor=request.user, target=token, owner=request.user,
               **where(request))
        token.delete()
    messages.success(request, _("The API token no longer works."))
    return redirect("account")


@login_required
@require_POST
def sign_out_all(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        record("session.revoked", actor=request.user, target=request.user, everywhere=True,
               **where(request))
        sign_out_everywhere(request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere, and every API token is revoked."))
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; every other browser and every API token is then signed out."""

    success_url = reverse_lazy("account")
    template_name = "accounts/password_change_form.html"  # not the admin's, of the same name

    def form_valid(self, form: Any) -> HttpResponse:
        old_key = self.request.session.session_key
        with transaction.atomic():
            response = super().form_valid(form)  # keeps this browser signed in, under a new key
            new_key = self.request.session.session_key
            UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
            sign_out_everywhere(self.request.user, keep_session_key=new_key)
            record("account.password_changed", actor=self.request.user,
                   target=self.request.user, **where(self.request))
        messages.success(
            self.request,
            _("Password changed. Other browsers are signed out and your API tokens revoked."),
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Answers the same whether or not the address belongs to an account (Django's own rule)."""

    template_name = "accounts/password_reset_form.html"
    form_class = OutboxPasswordResetForm
    email_template_name = "emails/password-reset-body.txt"
    subject_template_name = "emails/password-reset-subject.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_reset_allowed(request):
            return render(request, "accounts/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The new password from the emailed link; every session and API token is then ended."""

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            sign_out_everywhere(form.user)
            record("account.password_reset", actor=form.user, target=form.user,
                   **where(self.request))
        return response
