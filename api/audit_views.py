"""The audit log through the API: one's own events; staff with audit.view_all_events see
everyone's. The filters are those of the Activity pages (audit/filters.py)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from api.file_views import ERRORS
from api.pagination import FilePagination
from api.serializers import OwnerQueryField
from audit.filters import AuditQuery, events_for
from audit.log import ACTIONS
from audit.models import AuditEvent, AuditEventQuerySet

VIEW_ALL = "audit.view_all_events"


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username", help_text="Username of who did it.")
    owner = serializers.CharField(
        source="owner.username", default=None, allow_null=True,
        help_text="Whose data it was (a failed sign-in with an unknown username: null).",
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "actor", "door", "address", "action", "owner", "object_type",
            "object_id", "object_name", "outcome", "detail",
        ]


class QueryDateField(serializers.DateField):
    """A date in the query; `?since=` (empty) is refused as no date, not taken as absent."""

    def get_value(self, dictionary: Any) -> Any:
        return dictionary.get(self.field_name, empty)


class AuditQuerySerializer(serializers.Serializer):
    user = OwnerQueryField(
        max_length=150, required=False, allow_blank=True,
        help_text="A username, as who acted or whose data it was (empty: anyone). Staff "
        "only: others see only their own events anyway.",
    )
    action = serializers.ChoiceField(
        choices=sorted(ACTIONS), required=False, allow_blank=True, help_text="Empty: any."
    )
    since = QueryDateField(required=False, help_text="From this day on.")
    until = QueryDateField(required=False, help_text="Up to and including this day.")


class AuditPagination(FilePagination):
    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if "description" in parameter:
                parameter["description"] = parameter["description"].replace("Files", "Events")
        return parameters


class AuditListView(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    pagination_class = AuditPagination

    def get_queryset(self) -> AuditEventQuerySet:
        query = AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        everyone = self.request.user.has_perm(VIEW_ALL)
        events = events_for(self.request.user, AuditQuery(**query.validated_data), everyone)
        return events.select_related("owner").order_by("-at", "-id")

    @extend_schema(
        parameters=[AuditQuerySerializer],
        responses={200: AuditEventSerializer(many=True), **ERRORS},
        tags=["audit"],
        description="Your own events (what you did, and what was done to your files and "
        "account), newest first; staff holding `audit.view_all_events` get everyone's. "
        "See docs/audit.md for the actions and doors.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
