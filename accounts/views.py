import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("files")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (user := form.create_user()):
        # Signed in straight away: a new user's next wish is to upload,
        # not to type the password again.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Skylocker, {user.first_name}.")
        return redirect("files")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def admin_login(request: HttpRequest) -> HttpResponse:
    """Staff sign in on the one log-in page (and its lockout); the admin has none of its own."""
    if request.user.is_staff:
        return redirect("admin:index")
    if request.user.is_authenticated:
        raise Http404("The admin is for staff.")  # as All files is: nothing here for them
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


# From this many failed log-ins on, the page says how many tries are left before the lockout.
WARN_AFTER_FAILURES = 3


class LoginView(auth_views.LoginView):
    """Django's log-in page, warning how many tries are left once a lockout (django-axes) nears."""

    redirect_authenticated_user = True

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
