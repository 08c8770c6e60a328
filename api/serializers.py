from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from locker import listing
from locker.forms import FileForm
from locker.models import FileVersion, StoredFile, TrashedFile, quota_of, used_by

FILE_ERRORS = FileForm.base_fields["file"].error_messages


class OwnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email", "first_name", "last_name"]


class MeSerializer(UserSerializer):
    quota_bytes = serializers.SerializerMethodField(
        help_text="Bytes you may keep, counting versions and the trash; 0 is unlimited."
    )
    used_bytes = serializers.SerializerMethodField(
        help_text="Bytes you keep: current files, their versions and the trash."
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "is_staff", "quota_bytes", "used_bytes"]

    def get_quota_bytes(self, user: AbstractBaseUser) -> int:
        return quota_of(user)

    def get_used_bytes(self, user: AbstractBaseUser) -> int:
        return used_by(user)


class FileSerializer(serializers.ModelSerializer):
    owner = OwnerSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    folder = serializers.UUIDField(
        source="folder_id", read_only=True, allow_null=True,
        help_text="The folder the file is in (its owner's); null is the root.",
    )
    path = serializers.SerializerMethodField(help_text='Where it is, e.g. "/Reports/q1.pdf".')

    class Meta:
        model = StoredFile
        fields = [
            "id",
            "name",
            "size",
            "content_type",
            "sha256",
            "description",
            "owner",
            "created_at",
            "updated_at",
            "download_url",
            "folder",
            "path",
        ]
        read_only_fields = fields

    def get_download_url(self, stored: StoredFile) -> str:
        path = reverse("api:file-content", args=[stored.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_path(self, stored: StoredFile) -> str:
        known = self.context.get("paths") or {}
        return known.get(stored.pk) or stored.path


@extend_schema_field({"type": "string", "maxLength": 150, "pattern": "^[^\\x00]*$"})
class OwnerQueryField(serializers.CharField):
    """A username to filter by; usernames never hold a NUL character (the schema says so)."""


class TrashItemSerializer(serializers.ModelSerializer):
    owner = OwnerSerializer(read_only=True)
    deleted_by = serializers.CharField(source="deleted_by_username", read_only=True)

    class Meta:
        model = TrashedFile
        fields = [
            "id", "name", "size", "content_type", "sha256", "description", "owner",
            "created_at", "updated_at", "deleted_at", "deleted_by", "purge_at",
        ]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer):
    replaced_by = serializers.CharField(source="replaced_by_username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = FileVersion
        fields = [
            "id", "name", "size", "content_type", "sha256", "stored_at", "replaced_at",
            "replaced_by", "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, version: FileVersion) -> str:
        path = reverse("api:file-version-content", args=[version.file_id, version.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TrashListQuerySerializer(serializers.Serializer):
    owner = OwnerQueryField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Staff only: this username's trash (empty: everyone's); others always see "
        "their own trash only.",
    )


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class NonEmptyFileField(serializers.FileField):
    """A file with at least one byte (the schema says so too)."""


class StrictCharField(serializers.CharField):
    """Text only: JSON numbers or booleans are refused, not silently turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "maxLength": 150, "pattern": r"\S"})
class UsernameField(StrictCharField):
    """Surrounding white space is trimmed, so a name of white space alone is blank."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=150, **kwargs)


def file_field(required: bool) -> serializers.FileField:
    return NonEmptyFileField(
        required=required,
        error_messages={"required": FILE_ERRORS["required"], "empty": FILE_ERRORS["empty"]},
    )


UUID_OR_ROOT = (
    "^(|root|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)


@extend_schema_field({"type": "string", "pattern": UUID_OR_ROOT})
class FolderQueryField(serializers.CharField):
    """A folder's id or "root" (or nothing), as the schema's pattern says."""


@extend_schema_field({"type": "string", "format": "uuid"})
class FormFolderField(serializers.UUIDField):
    """A folder's id. In a form (multipart) only an id: "" or "null" is refused rather than
    read as the root (leave the field out for the root); JSON may send null for the root."""

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary):
            return dictionary.get(self.field_name, empty)
        return super().get_value(dictionary)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        # JSON's null (the root) is taken, though the form's schema, which has no null,
        # does not show it (the JSON schema, FileEditSerializer's, does).
        if data is None:
            return True, None
        return super().validate_empty_values(data)


def folder_field(**kwargs: Any) -> serializers.UUIDField:
    return serializers.UUIDField(
        required=False, allow_null=True,
        help_text="A folder of yours (its id); null is the root.", **kwargs,
    )


def form_folder_field(**kwargs: Any) -> serializers.UUIDField:
    return FormFolderField(
        required=False,
        help_text="A folder of yours (its id); leave it out for the root.", **kwargs,
    )


class FileUploadSerializer(serializers.Serializer):
    file = file_field(required=True)
    description = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    folder = form_folder_field(default=None)


@extend_schema_field({"type": "string", "maxLength": 255, "pattern": r"\S"})
class FileNameField(StrictCharField):
    """A new name, cleaned as an upload's is (locker.uploads.clean_filename) by the model."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"blank": "Give the file a name."})
        super().__init__(
            max_length=255,
            help_text="A new name; the content and id stay. Cleaned as an upload's name is.",
            **kwargs,
        )


class FileReplaceSerializer(serializers.Serializer):
    """New content keeps the file's name unless `name` is given too."""

    file = file_field(required=False)
    description = StrictCharField(max_length=255, required=False, allow_blank=True)
    name = FileNameField(required=False)
    folder = form_folder_field()


class FileEditSerializer(serializers.Serializer):
    """A new description and/or a new name (a rename), without new content."""

    description = StrictCharField(max_length=255, required=False, allow_blank=True)
    name = FileNameField(required=False)
    folder = folder_field()


class FileListQuerySerializer(serializers.Serializer):
    """The API's spelling of the list contract in locker/listing.py (its limits and messages)."""

    search = serializers.CharField(
        max_length=listing.SEARCH_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": listing.SEARCH_TOO_LONG},
        help_text="Files with every word of this text in their name or description (any "
        f"order, any case), at most {listing.SEARCH_MAX_LENGTH} characters.",
    )
    ordering = serializers.ChoiceField(
        choices=listing.ORDERINGS,
        required=False,
        allow_blank=True,
        default=listing.DEFAULT_SORT,
        error_messages={"invalid_choice": listing.UNKNOWN_SORT},
        help_text='The column to sort by, "-" in front for descending; ties go by id.',
    )
    owner = OwnerQueryField(
        max_length=listing.OWNER_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": listing.OWNER_TOO_LONG},
        help_text="With the locker.manage_all_files permission (superusers have it): files of "
        "this username (empty: everyone's); without it, a user always sees their own files only.",
    )

    folder = FolderQueryField(
        max_length=36,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": listing.BAD_FOLDER},
        help_text=f'Only the files directly in this folder of yours (its id), or "{listing.ROOT}" '
        "for those in your root; empty: all folders. Another user's folder is 404.",
    )

    def validate(self, attrs: dict[str, Any]) -> listing.ListQuery:
        names = {"search": "search", "sort": "ordering", "owner": "owner", "folder": "folder"}
        try:
            return listing.parse_params(attrs, names)
        except listing.InvalidListQuery as exc:
            raise serializers.ValidationError(
                {names[field]: [message] for field, message in exc.errors.items()}
            ) from None


class RegisterSerializer(serializers.Serializer):
    """Only the shape; the sign-up page's form does the real validation."""

    username = UsernameField()
    email = StrictCharField(max_length=254)
    first_name = StrictCharField(max_length=150)
    last_name = StrictCharField(max_length=150)
    password = StrictCharField(
        max_length=4096, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenRequestSerializer(serializers.Serializer):
    username = UsernameField()
    password = StrictCharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = StrictCharField(
        max_length=64,
        required=False,
        help_text=(
            "Accounts with two-factor sign-in: the code from the authenticator app, or a "
            "recovery code. Without it they are answered 401 with otp_required: true."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once; Skylocker keeps only its hash.")
    expires_at = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class OtpErrorSerializer(ErrorSerializer):
    otp_required = serializers.BooleanField(
        required=False, help_text="True: send the two-factor code (or a recovery code) as otp."
    )
