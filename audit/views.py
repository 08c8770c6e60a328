"""The Activity pages: everyone's own events, and for staff holding audit.view_all_events
everyone's, filtered; both export what they show as CSV."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.export import csv_lines
from audit.filters import AuditQuery, events_for, keyset_page
from audit.log import ACTIONS

VIEW_ALL = "audit.view_all_events"


class FilterForm(forms.Form):
    user = forms.CharField(label=_("User"), max_length=150, required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False,
        choices=[("", _("Any action")), *((name, name) for name in sorted(ACTIONS))],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _query(request: HttpRequest, everyone: bool) -> tuple[FilterForm, AuditQuery]:
    form = FilterForm(request.GET)
    if not everyone:
        del form.fields["user"]
    if not form.is_valid():
        return form, AuditQuery()
    data = form.cleaned_data
    return form, AuditQuery(
        user=data.get("user", "").strip(), action=data["action"], since=data["since"],
        until=data["until"],
    )


def _everyone(request: HttpRequest, view: str) -> bool:
    if view == "all" and not request.user.has_perm(VIEW_ALL):
        raise Http404
    return view == "all"


@login_required
def activity(request: HttpRequest, view: str = "mine") -> HttpResponse:
    everyone = _everyone(request, view)
    form, query = _query(request, everyone)
    events = events_for(request.user, query, everyone)
    page = keyset_page(events, request.GET.get("before"), request.GET.get("after"))
    filters = {key: value for key, value in request.GET.items() if key in form.fields and value}
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "everyone": everyone,
        "filters": urlencode(filters),
        "status": 400 if form.errors else 200,
    }
    return render(request, "audit/activity.html", context, status=context["status"])


@login_required
def export(request: HttpRequest, view: str = "mine") -> HttpResponse | StreamingHttpResponse:
    everyone = _everyone(request, view)
    form, query = _query(request, everyone)
    if form.errors:
        return activity(request, view)
    response = StreamingHttpResponse(
        csv_lines(events_for(request.user, query, everyone)), content_type="text/csv; charset=utf-8"
    )
    name = f"skylocker-audit-{timezone.now():%Y%m%d-%H%M%S}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
