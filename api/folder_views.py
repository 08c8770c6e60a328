"""Folders through the API: the caller's own tree only (another user's folder is 404, staff's
too: folders are personal), changed through Folder's methods and their rules."""

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.file_views import ERRORS
from api.folder_serializers import (
    FolderCreateSerializer,
    FolderEditSerializer,
    FolderListQuerySerializer,
    FolderSerializer,
    TrashedFolderSerializer,
)
from api.pagination import FilePagination
from api.serializers import ErrorSerializer
from audit.doors import where
from locker.listing import ROOT
from locker.models import AlreadyGone, Folder, FolderQuerySet, folder_paths

NO_SUCH_FOLDER = "There is no folder with this id."
NO_SUCH_TRASHED_FOLDER = "There is no folder with this id in the trash."
CONFLICT = {409: ErrorSerializer}


def folder_or_404(request: Any, pk: Any) -> Folder:
    try:
        return Folder.objects.get_for(request.user, pk)
    except Folder.DoesNotExist:
        raise NotFound(NO_SUCH_FOLDER) from None


def parent_or_root(request: Any, pk: Any) -> Folder | None:
    return folder_or_404(request, pk) if pk is not None else None



class FolderListView(generics.ListAPIView):
    serializer_class = FolderSerializer
    pagination_class = FilePagination
    parser_classes = [JSONParser]

    def get_queryset(self) -> FolderQuerySet:
        query = FolderListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        folders = Folder.objects.of(self.request.user)
        parent = query.validated_data["parent"]
        if parent == ROOT:
            folders = folders.filter(parent__isnull=True)
        elif parent:
            try:
                folders = folders.filter(parent=folder_or_404(self.request, UUID(parent)))
            except ValueError:
                raise ValidationError({"parent": ['Give a folder\'s id, or "root".']}) from None
        return folders.order_by("name", "pk")

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        self.paths = folder_paths([f.pk for f in page]) if page is not None else {}
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "paths": getattr(self, "paths", {})}

    @extend_schema(
        parameters=[FolderListQuerySerializer],
        responses={200: FolderSerializer(many=True), **ERRORS},
        tags=["folders"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=FolderCreateSerializer,
        responses={201: FolderSerializer, **CONFLICT, **ERRORS},
        tags=["folders"],
        description="A new folder in `parent` (null: the root). A name another folder or file "
        "there holds, compared ignoring case, is 409.",
    )
    def post(self, request: Request) -> Response:
        new = FolderCreateSerializer(data=request.data)
        new.is_valid(raise_exception=True)
        parent = parent_or_root(request, new.validated_data["parent"])
        folder = Folder.create(
            request.user, new.validated_data["name"], parent, actor=request.user, **where(request)
        )
        return Response(FolderSerializer(folder).data, status=status.HTTP_201_CREATED)


class FolderDetailView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses={200: FolderSerializer, **ERRORS}, tags=["folders"])
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(FolderSerializer(folder_or_404(request, pk)).data)

    @extend_schema(
        request=FolderEditSerializer,
        responses={200: FolderSerializer, **CONFLICT, **ERRORS},
        tags=["folders"],
        description="Rename (`name`) and/or move (`parent`, null: the root) a folder with "
        "everything in it. A move into itself or one of its folders is 409, as is a name taken "
        "in the target.",
    )
    def patch(self, request: Request, pk: UUID) -> Response:
        folder = folder_or_404(request, pk)
        change = FolderEditSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        parent = parent_or_root(request, data["parent"]) if "parent" in data else folder.parent
        folder = folder.move_to(parent, name=data.get("name"), actor=request.user, **where(request))
        return Response(FolderSerializer(folder).data)

    @extend_schema(
        responses={
            204: OpenApiResponse(
                description="The folder, its folders and their files went to the trash as one "
                "item (restorable for SKYLOCKER_TRASH_DAYS; with 0, deleted at once); the "
                "admins are told of each file."
            ),
            **ERRORS,
        },
        tags=["folders"],
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        folder_or_404(request, pk).delete_by(
            request.user, **where(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def trashed_folder_or_404(request: Request, pk: UUID) -> Folder:
    """Only one's own deleted folders (staff too: a folder tree is personal)."""
    try:
        return Folder.objects.get_trashed_for(request.user, pk)
    except Folder.DoesNotExist:
        raise NotFound(NO_SUCH_TRASHED_FOLDER) from None


class TrashedFolderListView(generics.ListAPIView):
    serializer_class = TrashedFolderSerializer
    pagination_class = FilePagination

    def get_queryset(self) -> FolderQuerySet:
        mine = Folder.objects.trash_of(self.request.user)
        return mine.order_by("-deleted_at", "pk")

    @extend_schema(responses={200: TrashedFolderSerializer(many=True), **ERRORS}, tags=["trash"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TrashedFolderView(APIView):
    @extend_schema(
        responses={
            204: OpenApiResponse(description="Deleted permanently, with its files."),
            **ERRORS,
        },
        tags=["trash"],
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        try:
            trashed_folder_or_404(request, pk).purge(
                request.user, **where(request)
            )
        except AlreadyGone:
            raise NotFound(NO_SUCH_TRASHED_FOLDER) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrashedFolderRestoreView(APIView):
    @extend_schema(
        request=None,
        responses={200: FolderSerializer, 413: ErrorSerializer, **ERRORS},
        tags=["trash"],
        description="The folder comes back with everything deleted with it: into its old "
        "folder if that is still there, else into the root; a name taken there becomes "
        '"name (restored)".',
    )
    def post(self, request: Request, pk: UUID) -> Response:
        try:
            trashed = trashed_folder_or_404(request, pk)
            folder = trashed.restore(actor=request.user, **where(request))
        except AlreadyGone:
            raise NotFound(NO_SUCH_TRASHED_FOLDER) from None
        return Response(FolderSerializer(folder).data)


