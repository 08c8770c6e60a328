from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("files")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Signed in straight away: a new user's next wish is to upload,
        # not to type the password again.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Skylocker, {user.first_name}.")
        return redirect("files")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)
