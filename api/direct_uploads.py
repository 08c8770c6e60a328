"""Direct uploads to S3 through the API (only when Skylocker stores its files on S3).

The contract, for the browser page and the CLI:

1. ``POST /api/v1/uploads`` with JSON ``{"name": "report.pdf", "description": "optional"}``
   → 201 ``{"id", "url", "fields", "expires_at", "max_bytes"}``.
   With local storage → 409 ``{"detail": "Direct uploads need S3 storage…"}``: use
   ``POST /api/v1/files`` instead.
2. Send the file to S3 before ``expires_at``: a ``multipart/form-data`` POST to ``url`` with every
   entry of ``fields`` as a form field, **then** the file as the last field, named ``file``.
   S3 answers 204. Bodies over ``max_bytes`` (the site's limit) are refused by S3.
3. ``POST /api/v1/uploads/{id}/finalize`` with JSON ``{"sha256": "<hex>"}`` (optional, checked
   when given) → 201 with the file exactly as ``GET /api/v1/files/{id}`` shows it.
   400 when nothing was uploaded yet (retry after step 2) or the checksum differs (the upload
   is deleted); 413 when the object is over the limit (it is deleted); 404 for an unknown id,
   someone else's upload, or one already finalized.
"""

from uuid import UUID

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer, FileSerializer, StrictCharField
from audit.doors import where
from locker import direct
from locker.errors import DirectUploadsUnavailable
from locker.models import PendingUpload

ERRORS = {code: ErrorSerializer for code in (400, 401, 404, 409)}


class UploadRequestSerializer(serializers.Serializer):
    name = StrictCharField(max_length=255)
    description = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class UploadTicketSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    # The ticket's `fields`: the serializer's metaclass takes declared fields off the class.
    fields = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]
    expires_at = serializers.DateTimeField()
    max_bytes = serializers.IntegerField()


class FinalizeSerializer(serializers.Serializer):
    sha256 = serializers.RegexField(
        r"^([0-9a-fA-F]{64})?$", required=False, allow_blank=True, default=""
    )


class UploadStartView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=UploadRequestSerializer, responses={201: UploadTicketSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        if not direct.available():
            raise DirectUploadsUnavailable()
        ask = UploadRequestSerializer(data=request.data)
        ask.is_valid(raise_exception=True)
        pending, post = direct.start(
            request.user, ask.validated_data["name"], ask.validated_data["description"]
        )
        ticket = {
            "id": pending.pk,
            "url": post["url"],
            "fields": post["fields"],
            "expires_at": pending.expires_at,
            "max_bytes": settings.MAX_UPLOAD_BYTES,
        }
        return Response(UploadTicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class UploadFinalizeView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=FinalizeSerializer,
        responses={201: FileSerializer, 413: ErrorSerializer, 503: ErrorSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: UUID) -> Response:
        if not direct.available():
            raise DirectUploadsUnavailable()
        pending = PendingUpload.objects.get(owner_id=request.user.pk, pk=pk)
        check = FinalizeSerializer(data=request.data)
        check.is_valid(raise_exception=True)
        stored = direct.finalize(pending, check.validated_data["sha256"], **where(request))
        return Response(
            FileSerializer(stored, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
