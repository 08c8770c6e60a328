"""The owner's pages: share a file, ask for files, see and revoke links ("My links").

Staff who manage all files see and revoke everyone's links, by the rule of
StoredFile.objects.visible_to; everyone else sees their own only, and others' are 404.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.log import Door
from locker.models import MANAGE_ALL_FILES, StoredFile
from sharing.forms import RequestForm, ShareForm
from sharing.models import FileRequest, ShareLink
from sharing.public import request_url, share_url
from skylocker.client import client_address


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: UUID) -> HttpResponse:
    stored = StoredFile.objects.get_for(request.user, pk)
    form = ShareForm(request.POST or None)
    context = {"file": stored, "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            link, token = ShareLink.create(
                stored, request.user, door=Door.WEB, address=client_address(request),
                days=data["days"], password=data["password"] or None,
                max_downloads=data["max_downloads"], note=data["note"],
            )
            context.update(created=link, url=share_url(request, token), form=ShareForm())
        else:
            status = 400
    context["links"] = ShareLink.objects.visible_to(request.user).filter(file=stored)
    return render(request, "sharing/share.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            made, token = FileRequest.create(
                request.user, door=Door.WEB, address=client_address(request),
                days=data["days"], password=data["password"] or None,
                max_files=data["max_files"], max_bytes=data["max_bytes"],
                message=data["message"],
            )
            context.update(created=made, url=request_url(request, token), form=RequestForm())
        else:
            status = 400
    return render(request, "sharing/new_request.html", context, status=status)


@login_required
def links(request: HttpRequest) -> HttpResponse:
    everyone = request.user.has_perm(MANAGE_ALL_FILES)
    context = {
        "links": ShareLink.objects.visible_to(request.user).select_related("owner")[:500],
        "requests": FileRequest.objects.visible_to(request.user).select_related("owner")[:500],
        "everyone": everyone,
    }
    return render(request, "sharing/links.html", context)


@login_required
@require_POST
def revoke_link(request: HttpRequest, pk: UUID) -> HttpResponse:
    link = ShareLink.objects.get_for(request.user, pk)
    link.revoke(request.user, door=Door.WEB, address=client_address(request))
    messages.success(request, _("Revoked the link to %(name)s.") % {"name": link.file_name})
    if request.POST.get("next") == "file" and link.file_id:
        return redirect("share-file", pk=link.file_id)
    return redirect("links")


@login_required
@require_POST
def revoke_request(request: HttpRequest, pk: UUID) -> HttpResponse:
    asked = FileRequest.objects.get_for(request.user, pk)
    asked.revoke(request.user, door=Door.WEB, address=client_address(request))
    messages.success(request, _("Revoked the file request “%(name)s”.") % {"name": asked.name})
    return redirect("links")
