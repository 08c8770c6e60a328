"""App passwords through the API: create (the password is in this one answer), list, revoke."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer, StrictCharField
from audit.doors import where
from dav.models import AppPassword

ERRORS = {code: ErrorSerializer for code in (400, 401)}
NOT_YOURS = "You have no app password with this id."


class AppPasswordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppPassword
        fields = ["id", "name", "created_at", "created_from", "last_used_at", "last_used_from"]
        read_only_fields = fields


class AppPasswordRequestSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100, help_text="Which device or program it is for.")


class AppPasswordCreatedSerializer(AppPasswordSerializer):
    password = serializers.CharField(
        help_text="Shown in this answer only: Skylocker keeps a SHA-256 of it, never the password."
    )

    class Meta(AppPasswordSerializer.Meta):
        fields = ["id", "name", "password", "created_at", "created_from"]
        read_only_fields = fields


class AppPasswordListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        responses={200: AppPasswordSerializer(many=True), 401: ErrorSerializer},
        tags=["app passwords"],
        summary="Your app passwords (for WebDAV), without their secrets",
    )
    def get(self, request: Request) -> Response:
        rows = AppPassword.objects.of(request.user)
        return Response(AppPasswordSerializer(rows, many=True).data)

    @extend_schema(
        request=AppPasswordRequestSerializer,
        responses={201: AppPasswordCreatedSerializer, **ERRORS},
        tags=["app passwords"],
        summary="A new app password for WebDAV, shown once",
    )
    def post(self, request: Request) -> Response:
        shape = AppPasswordRequestSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        row, raw = AppPassword.issue(
            request.user, shape.validated_data["name"], **where(request),
        )
        row.password = raw  # type: ignore[attr-defined]  # for this answer only
        answer = Response(AppPasswordCreatedSerializer(row).data, status=status.HTTP_201_CREATED)
        answer["Cache-Control"] = "no-store"
        return answer


class AppPasswordDetailView(APIView):
    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The app password no longer works."),
            401: ErrorSerializer,
            404: ErrorSerializer,
        },
        tags=["app passwords"],
        summary="Revoke an app password",
    )
    def delete(self, request: Request, pk: int) -> Response:
        row = AppPassword.objects.of(request.user).filter(pk=pk).first()
        if row is None:  # someone else's looks like none at all
            raise NotFound(NOT_YOURS)
        row.revoke(request.user, **where(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
