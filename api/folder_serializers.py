"""Folders' shapes in the API (the rules are Folder's, in locker/models.py)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import FolderQueryField, StrictCharField
from locker.models import Folder


class FolderSerializer(serializers.ModelSerializer):
    parent = serializers.UUIDField(  # type: ignore[assignment]  # the API field "parent"; DRF takes declared fields off the class
        source="parent_id", read_only=True, allow_null=True,
        help_text="The folder it is in; null is the root.",
    )
    path = serializers.SerializerMethodField(help_text='Where it is, e.g. "/Reports/2026".')

    class Meta:
        model = Folder
        fields = ["id", "name", "parent", "path", "created_at", "updated_at"]
        read_only_fields = fields

    def get_path(self, folder: Folder) -> str:
        known = self.context.get("paths") or {}
        return known.get(folder.pk) or folder.path


@extend_schema_field({"type": "string", "maxLength": 255, "pattern": r"\S"})
class FolderNameField(StrictCharField):
    """Cleaned as an upload's name is (locker.uploads.clean_filename) by the model."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"blank": "Give the folder a name."})
        super().__init__(
            max_length=255,
            help_text="Unique in its folder among folders and files, compared ignoring case "
            "(casefolded, NFC); cleaned as an upload's name is.",
            **kwargs,
        )


def parent_field(**kwargs: Any) -> serializers.UUIDField:
    return serializers.UUIDField(
        required=False, allow_null=True,
        help_text="A folder of yours to put it in (its id); null is the root.", **kwargs,
    )


class FolderCreateSerializer(serializers.Serializer):
    name = FolderNameField()
    parent = parent_field(default=None)  # type: ignore[assignment]  # the API field "parent"; DRF takes declared fields off the class


class FolderEditSerializer(serializers.Serializer):
    """A new `name` (a rename) and/or a new `parent` (a move, with everything in it)."""

    name = FolderNameField(required=False)
    parent = parent_field()  # type: ignore[assignment]  # the API field "parent"; DRF takes declared fields off the class


class FolderListQuerySerializer(serializers.Serializer):
    parent = FolderQueryField(  # type: ignore[assignment]  # the API field "parent"; DRF takes declared fields off the class
        max_length=36, required=False, allow_blank=True, default="",
        help_text='Only the folders directly in this folder of yours (its id), or "root"; '
        "empty: all your folders.",
    )


class TrashedFolderSerializer(serializers.ModelSerializer):
    deleted_by = serializers.CharField(source="deleted_by_username", read_only=True)
    files = serializers.SerializerMethodField(help_text="Files deleted with it.")

    class Meta:
        model = Folder
        fields = ["id", "name", "files", "created_at", "deleted_at", "deleted_by", "purge_at"]
        read_only_fields = fields

    def get_files(self, folder: Folder) -> int:
        return folder.trashed_files().count()
