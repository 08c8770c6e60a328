from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
