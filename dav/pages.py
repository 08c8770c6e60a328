"""App passwords on the Account page: make one (shown once, on the answer to the POST, never
stored or redirected with it) and revoke one."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.log import Door
from dav.models import AppPassword
from skylocker.client import client_address


def dav_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("dav", kwargs={"path": "/"}))


def setup(request: HttpRequest, password: str = "") -> dict[str, Any]:
    """What a client needs: the URL, the username, and the rclone remote for it."""
    return {"dav_url": dav_url(request), "username": request.user.get_username(),
            "password": password}  # fmt: skip


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, _("Give the app password a name, such as the device it is for."))
        return redirect("account")
    row, raw = AppPassword.issue(
        request.user, name, door=Door.WEB, address=client_address(request)
    )
    response = render(request, "dav/app_password_created.html", {"row": row, **setup(request, raw)})
    response["Cache-Control"] = "no-store"  # the password is on this page only
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(AppPassword.objects.of(request.user), pk=pk)
    row.revoke(request.user, door=Door.WEB, address=client_address(request))
    done = _("The app password “%(name)s” no longer works.") % {"name": row.name}
    messages.success(request, done)
    return redirect("account")
