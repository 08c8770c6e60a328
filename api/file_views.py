"""Files through the API: one QuerySet decides visibility, the model methods change state."""

from typing import Any
from uuid import UUID

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import FilePagination
from api.serializers import (
    ErrorSerializer,
    FileEditSerializer,
    FileListQuerySerializer,
    FileReplaceSerializer,
    FileSerializer,
    FileUploadSerializer,
)
from audit.doors import where
from locker import listing
from locker.downloads import recorded_download
from locker.errors import StorageUnavailable, TooLarge
from locker.models import Folder, StoredFile, StoredFileQuerySet, file_paths
from locker.uploads import upload_storage_failed, upload_too_large

ERRORS = {code: ErrorSerializer for code in (400, 401, 404)}


def parsed(request: Any) -> Any:
    """The request body; TooLarge when the upload handler stopped it for counting too many bytes."""
    data = request.data  # parsing streams the upload through LockerUploadHandler
    if upload_too_large(request):
        raise TooLarge()
    if upload_storage_failed(request):
        raise StorageUnavailable()
    return data


def file_for(request: Any, pk: Any) -> StoredFile:
    """Through the one visibility rule; another user's file is StoredFile.DoesNotExist (404)."""
    return StoredFile.objects.get_for(request.user, pk)


def folder_or_root(request: Any, pk: Any) -> Folder | None:
    """The asker's own folder (None: the root); anyone else's is Folder.DoesNotExist (404)."""
    return Folder.objects.get_for(request.user, pk) if pk is not None else None


class FileListView(generics.ListCreateAPIView):
    serializer_class = FileSerializer
    pagination_class = FilePagination
    # Only multipart carries a file; a JSON or urlencoded body is read so that it gets the
    # contract's 400 for a missing or invalid file, not a 415.
    parser_classes = [MultiPartParser, JSONParser, FormParser]

    def get_queryset(self) -> StoredFileQuerySet:
        """The list contract of locker/listing.py, read from the API's parameter names."""
        query = FileListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return listing.files(self.request.user, query.validated_data)

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        self.paths = file_paths(page) if page is not None else {}
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "paths": getattr(self, "paths", {})}

    @extend_schema(
        parameters=[FileListQuerySerializer],
        responses={200: FileSerializer(many=True), **ERRORS},
        description=listing.__doc__,  # the contract, written once
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: FileSerializer, 413: ErrorSerializer, 503: ErrorSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        upload = FileUploadSerializer(data=parsed(request))
        upload.is_valid(raise_exception=True)
        stored = StoredFile.create_from_upload(
            request.user,
            upload.validated_data["file"],
            upload.validated_data["description"],
            folder=folder_or_root(request, upload.validated_data["folder"]),
            **where(request),
        )
        return Response(
            FileSerializer(stored, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class FileDetailView(APIView):
    parser_classes = [MultiPartParser, JSONParser, FormParser]

    @extend_schema(responses={200: FileSerializer, **ERRORS})
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(FileSerializer(file_for(request, pk), context={"request": request}).data)

    @extend_schema(
        description="Change a file: new content (multipart `file`), a new `name` (a rename), "
        "a new `description` and/or a new `folder` (a move; null is the root). New content "
        "keeps the file's name unless `name` is given; the id stays. A name another file or "
        "folder holds in the target folder (compared ignoring case) is 409.",
        request={
            "multipart/form-data": FileReplaceSerializer,
            "application/json": FileEditSerializer,
        },
        responses={
            200: FileSerializer, 409: ErrorSerializer, 413: ErrorSerializer,
            503: ErrorSerializer, **ERRORS,
        },
    )
    def patch(self, request: Request, pk: UUID) -> Response:
        stored = file_for(request, pk)
        change = FileReplaceSerializer(data=parsed(request))
        change.is_valid(raise_exception=True)
        if not change.validated_data:  # nothing to change: answer with the file as it is
            return Response(FileSerializer(stored, context={"request": request}).data)
        name = change.validated_data.get("name")
        if "folder" in change.validated_data:  # a move, and the rename with it
            target = folder_or_root(request, change.validated_data["folder"])
            stored.move_to(target, name=name, actor=request.user, **where(request))
            name = None
        stored.replace(
            change.validated_data.get("file"),
            change.validated_data.get("description"),
            name=name,
            actor=request.user,
            **where(request),
        )
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
    def delete(self, request: Request, pk: UUID) -> Response:
        stored = file_for(request, pk)
        stored.delete_by(request.user, **where(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnyAccept(BaseContentNegotiation):
    """The content endpoint sends bytes whatever the client accepts; errors are still JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
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
    def get(self, request: Request, pk: UUID) -> HttpResponseBase:
        return recorded_download(file_for(request, pk), request.user, **where(request))
