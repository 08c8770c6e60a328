"""Files through the API: one QuerySet decides visibility, the model methods change state."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import PayloadTooLarge
from api.pagination import FilePagination
from api.serializers import (
    DescriptionSerializer,
    ErrorSerializer,
    FileListQuerySerializer,
    FileReplaceSerializer,
    FileSerializer,
    FileUploadSerializer,
)
from locker.downloads import download_response
from locker.models import StorageUnavailable, StoredFile
from locker.uploads import upload_storage_failed, upload_too_large
from locker.views import get_file_for
from skylocker.client import client_address

ERRORS = {code: ErrorSerializer for code in (400, 401, 404)}
NO_SUCH_FILE = "There is no file with this id."


def parsed(request):
    """The request body; 413 when the upload handler stopped it for counting too many bytes."""
    data = request.data  # parsing streams the upload through LockerUploadHandler
    if upload_too_large(request):
        raise PayloadTooLarge()
    if upload_storage_failed(request):
        raise StorageUnavailable()  # 503
    return data


def file_or_404(request, pk) -> StoredFile:
    """The file through the one visibility helper; another user's file looks like no file at all."""
    try:
        return get_file_for(request.user, pk)
    except Http404:
        raise NotFound(NO_SUCH_FILE) from None


class FileListView(generics.ListCreateAPIView):
    serializer_class = FileSerializer
    pagination_class = FilePagination
    # Only multipart carries a file; a JSON or urlencoded body is read so that it gets the
    # contract's 400 for a missing or invalid file, not a 415.
    parser_classes = [MultiPartParser, JSONParser, FormParser]

    def get_queryset(self):
        query = FileListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        files = StoredFile.objects.visible_to(self.request.user).select_related("owner")
        files = files.search(query.validated_data["search"])
        if owner := query.validated_data.get("owner"):
            files = files.filter(owner__username=owner)
        ordering = query.validated_data["ordering"] or "-updated_at"
        return files.order_by(ordering, ("-" if ordering.startswith("-") else "") + "pk")

    @extend_schema(
        parameters=[FileListQuerySerializer], responses={200: FileSerializer(many=True), **ERRORS}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: FileSerializer, 413: ErrorSerializer, 503: ErrorSerializer, **ERRORS},
    )
    def post(self, request):
        upload = FileUploadSerializer(data=parsed(request))
        upload.is_valid(raise_exception=True)
        stored = StoredFile.create_from_upload(
            request.user, upload.validated_data["file"], upload.validated_data["description"]
        )
        return Response(
            FileSerializer(stored, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class FileDetailView(APIView):
    parser_classes = [MultiPartParser, JSONParser, FormParser]

    @extend_schema(responses={200: FileSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(FileSerializer(file_or_404(request, pk), context={"request": request}).data)

    @extend_schema(
        request={
            "multipart/form-data": FileReplaceSerializer,
            "application/json": DescriptionSerializer,
        },
        responses={200: FileSerializer, 413: ErrorSerializer, 503: ErrorSerializer, **ERRORS},
    )
    def patch(self, request, pk):
        stored = file_or_404(request, pk)
        change = FileReplaceSerializer(data=parsed(request))
        change.is_valid(raise_exception=True)
        if not change.validated_data:  # nothing to change: answer with the file as it is
            return Response(FileSerializer(stored, context={"request": request}).data)
        try:
            stored.replace(
                change.validated_data.get("file"),
                change.validated_data.get("description"),
                by=request.user,
            )
        except StoredFile.DoesNotExist:
            raise NotFound(NO_SUCH_FILE) from None
        return Response(FileSerializer(stored, context={"request": request}).data)

    @extend_schema(
        responses={
            204: OpenApiResponse(
                description="Moved to the trash (restorable for SKYLOCKER_TRASH_DAYS; with 0, "
                "deleted at once); the admins are told."
            ),
            **ERRORS,
        }
    )
    def delete(self, request, pk):
        stored = file_or_404(request, pk)
        try:
            stored.delete_by(request.user, door="api", address=client_address(request))
        except StoredFile.DoesNotExist:
            raise NotFound(NO_SUCH_FILE) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnyAccept(BaseContentNegotiation):
    """The content endpoint sends bytes whatever the client accepts; errors are still JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FileContentView(APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The bytes, as an attachment."
            ),
            302: OpenApiResponse(
                description="Redirect to a short-lived signed URL (remote storage)."
            ),
            503: ErrorSerializer,
            **ERRORS,
        },
    )
    def get(self, request, pk):
        return download_response(file_or_404(request, pk))
