from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm
from accounts.limits import address_locked_out, signup_allowed


class SkylockerLoginView(LoginView):
    """Django's log-in page, which also refuses an address that failed too often (any user)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if address_locked_out(request):
            return render(request, "registration/locked_out.html", {"address": True}, status=429)
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("files")
    if request.method == "POST" and not signup_allowed(request):
        return render(request, "registration/signup_throttled.html", status=429)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (user := form.create_user()):
        # Signed in straight away: a new user's next wish is to upload,
        # not to type the password again.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Skylocker, {user.first_name}.")
        return redirect("files")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def admin_login(request):
    """Staff sign in on the one log-in page (and its lockout); the admin has none of its own."""
    if request.user.is_staff:
        return redirect("admin:index")
    if request.user.is_authenticated:
        raise Http404("The admin is for staff.")  # as All files is: nothing here for them
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
