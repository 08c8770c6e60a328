"""The owner filter's suggestions for staff (locker/listing.py decides who is suggested)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse

from locker import listing
from locker.models import MANAGE_ALL_FILES


@login_required
def owner_suggestions(request: HttpRequest) -> JsonResponse:
    """`{"owners": [{"username", "name", "email"}, …]}` for `?q=`; 404 to anyone who may not
    see everyone's files, like the All files page."""
    if not request.user.has_perm(MANAGE_ALL_FILES):
        raise Http404
    found = listing.owner_suggestions(request.user, request.GET.get("q", ""))
    return JsonResponse({"owners": found})
