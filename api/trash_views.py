"""The trash and versions through the API: the same models and the same visibility rule."""

from typing import Any
from uuid import UUID

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.file_views import ERRORS, AnyAccept, file_for
from api.pagination import FilePagination
from api.serializers import (
    ErrorSerializer,
    FileSerializer,
    TrashItemSerializer,
    TrashListQuerySerializer,
    VersionSerializer,
)
from audit.doors import where
from locker.downloads import recorded_download
from locker.models import (
    AlreadyGone,
    FileVersion,
    FileVersionQuerySet,
    StoredFile,
    TrashedFile,
    TrashedFileQuerySet,
    VersionGone,
)

NO_SUCH_ITEM = "There is no file with this id in the trash."
NO_SUCH_VERSION = "This file has no version with this id."


def item_or_404(request: Request, pk: UUID) -> TrashedFile:
    """Another user's trash item looks like no item at all (the files' visibility rule)."""
    item = TrashedFile.objects.visible_to(request.user).select_related("owner").filter(pk=pk)
    if (found := item.first()) is None:
        raise NotFound(NO_SUCH_ITEM)
    return found


def version_or_404(request: Request, pk: UUID, vid: UUID) -> FileVersion:
    stored = file_for(request, pk)
    version = FileVersion.objects.of(stored).filter(pk=vid).first()
    if version is None:
        raise NotFound(NO_SUCH_VERSION)
    return version


class TrashListView(generics.ListAPIView):
    serializer_class = TrashItemSerializer
    pagination_class = FilePagination

    def get_queryset(self) -> TrashedFileQuerySet:
        query = TrashListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        items = TrashedFile.objects.visible_to(self.request.user).on_their_own()
        items = items.select_related("owner")
        if owner := query.validated_data.get("owner"):
            items = items.filter(owner__username=owner)
        return items.order_by("-deleted_at", "pk")

    @extend_schema(
        parameters=[TrashListQuerySerializer],
        responses={200: TrashItemSerializer(many=True), **ERRORS},
        tags=["trash"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TrashRestoreView(APIView):
    @extend_schema(
        request=None,
        responses={200: FileSerializer, 413: ErrorSerializer, **ERRORS},
        tags=["trash"],
    )
    def post(self, request: Request, pk: UUID) -> Response:
        try:
            stored = item_or_404(request, pk).restore(request.user, **where(request))
        except AlreadyGone:
            raise NotFound(NO_SUCH_ITEM) from None
        stored = StoredFile.objects.select_related("owner").get(pk=stored.pk)
        return Response(FileSerializer(stored, context={"request": request}).data)


class TrashItemView(APIView):
    @extend_schema(
        responses={
            204: OpenApiResponse(description="Deleted permanently; the admins are told."),
            **ERRORS,
        },
        tags=["trash"],
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        try:
            item_or_404(request, pk).purge(request.user, **where(request))
        except AlreadyGone:
            raise NotFound(NO_SUCH_ITEM) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionListView(generics.ListAPIView):
    serializer_class = VersionSerializer
    pagination_class = None

    def get_queryset(self) -> FileVersionQuerySet:
        return FileVersion.objects.of(file_for(self.request, self.kwargs["pk"]))

    @extend_schema(responses={200: VersionSerializer(many=True), **ERRORS}, tags=["versions"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class VersionContentView(APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The version's bytes, as an attachment."
            ),
            302: OpenApiResponse(
                description="Redirect to a short-lived signed URL (remote storage)."
            ),
            503: ErrorSerializer,
            **ERRORS,
        },
        tags=["versions"],
    )
    def get(self, request: Request, pk: UUID, vid: UUID) -> HttpResponseBase:
        version = version_or_404(request, pk, vid)
        return recorded_download(version, request.user, **where(request), file_id=str(pk))


class VersionRestoreView(APIView):
    @extend_schema(request=None, responses={200: FileSerializer, **ERRORS}, tags=["versions"])
    def post(self, request: Request, pk: UUID, vid: UUID) -> Response:
        version = version_or_404(request, pk, vid)
        try:
            stored = version.restore(request.user, **where(request))  # no file: a 404
        except VersionGone:
            raise NotFound(NO_SUCH_VERSION) from None
        return Response(FileSerializer(stored, context={"request": request}).data)
