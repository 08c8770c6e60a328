"""Share links and file requests through the API (sharing/ holds the rules).

A link's address is in the answer that creates it and never again: Skylocker keeps only a
hash of its token. Others' links and requests, and links to others' files, are 404.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer, StrictCharField
from audit.doors import where
from locker.models import StoredFile
from sharing.models import MAX_DOWNLOADS, FileRequest, ShareLink
from sharing.public import request_url, share_url

ERRORS = {code: ErrorSerializer for code in (400, 401, 404)}


NO_NUL = "^[^\\x00]*$"  # text fields refuse the NUL character; the schema says so


@extend_schema_field({"type": "string", "maxLength": 200, "pattern": NO_NUL, "writeOnly": True})
class PasswordField(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, allow_blank=True, max_length=200, write_only=True,
            trim_whitespace=False, **kwargs,
        )


@extend_schema_field({"type": "string", "maxLength": 1000, "pattern": NO_NUL})
class NoteField(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_blank=True, max_length=1000, **kwargs)


def days_field() -> serializers.IntegerField:
    """Made per serializer, so that its maximum (also in the schema) is the current setting."""
    return serializers.IntegerField(
        required=False, min_value=1, max_value=settings.SHARE_MAX_DAYS,
        help_text="Days the link works (default 7, at most SKYLOCKER_SHARE_MAX_DAYS).",
    )


class LinkCreateSerializer(serializers.Serializer):
    days = serializers.IntegerField()  # days_field(), made in __init__
    password = PasswordField(help_text="Whoever opens the link must give it first (hashed).")
    max_downloads = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_DOWNLOADS
    )
    note = NoteField(help_text="Shown on the link's page.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"] = days_field()


class LinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The link's absolute address: only in the answer that creates it "
        "(Skylocker keeps a hash of its token), null elsewhere."
    )
    file = serializers.UUIDField(source="file_id", read_only=True, allow_null=True)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = ShareLink
        fields = [
            "id", "url", "file", "file_name", "created_at", "expires_at", "downloads",
            "max_downloads", "has_password", "note", "revoked_at", "state",
        ]
        read_only_fields = fields

    def get_url(self, link: ShareLink) -> str | None:
        return self.context.get("url")


class RequestCreateSerializer(serializers.Serializer):
    days = serializers.IntegerField()  # days_field(), made in __init__
    password = PasswordField(help_text="Whoever opens the link must give it first (hashed).")
    max_files = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Default 10."
    )
    max_bytes = serializers.IntegerField()  # bounded by the upload limit, made in __init__
    message = NoteField(help_text="Shown on the upload page.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"] = days_field()
        self.fields["max_bytes"] = serializers.IntegerField(
            required=False, min_value=1, max_value=settings.MAX_UPLOAD_BYTES,
            help_text="Largest file taken (default and at most SKYLOCKER_MAX_UPLOAD_BYTES).",
        )


class RequestSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The request's absolute address: only in the answer that creates it, null "
        "elsewhere."
    )
    state = serializers.CharField(read_only=True)

    class Meta:
        model = FileRequest
        fields = [
            "id", "url", "created_at", "expires_at", "files_received", "max_files", "max_bytes",
            "has_password", "message", "revoked_at", "state",
        ]
        read_only_fields = fields

    def get_url(self, asked: FileRequest) -> str | None:
        return self.context.get("url")


class FileLinksView(APIView):
    parser_classes = [JSONParser]  # the options are JSON (an empty body takes the defaults)

    @extend_schema(responses={200: LinkSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: UUID) -> Response:
        stored = StoredFile.objects.get_for(request.user, pk)
        found = ShareLink.objects.visible_to(request.user).filter(file=stored)
        return Response(LinkSerializer(found, many=True).data)

    @extend_schema(
        description="Share the file: anyone with the returned `url` may download it (its "
        "current content, also after a replace) until the link expires, is used up or revoked.",
        request=LinkCreateSerializer,
        responses={201: LinkSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: UUID) -> Response:
        stored = StoredFile.objects.get_for(request.user, pk)
        given = LinkCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        link, token = ShareLink.create(
            stored, request.user, **where(request),
            days=data.get("days"), password=data.get("password") or None,
            max_downloads=data.get("max_downloads"), note=data.get("note", ""),
        )
        context = {"url": share_url(request, token)}
        return Response(LinkSerializer(link, context=context).data, status=status.HTTP_201_CREATED)


class LinkListView(APIView):
    @extend_schema(
        description="Your share links (staff who manage all files: everyone's).",
        responses={200: LinkSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        found = ShareLink.objects.visible_to(request.user)[:1000]
        return Response(LinkSerializer(found, many=True).data)


class LinkDetailView(APIView):
    @extend_schema(responses={200: LinkSerializer, **ERRORS})
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(LinkSerializer(ShareLink.objects.get_for(request.user, pk)).data)

    @extend_schema(
        responses={204: OpenApiResponse(description="Revoked: the link works no more."), **ERRORS}
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        link = ShareLink.objects.get_for(request.user, pk)
        link.revoke(request.user, **where(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RequestListView(APIView):
    parser_classes = [JSONParser]  # the options are JSON (an empty body takes the defaults)

    @extend_schema(
        description="Your file requests (staff who manage all files: everyone's).",
        responses={200: RequestSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        found = FileRequest.objects.visible_to(request.user)[:1000]
        return Response(RequestSerializer(found, many=True).data)

    @extend_schema(
        description="Ask for files: anyone with the returned `url` may upload files into your "
        "locker (never see or change any) until it expires, has taken `max_files` or is revoked.",
        request=RequestCreateSerializer,
        responses={201: RequestSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        given = RequestCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        asked, token = FileRequest.create(
            request.user, **where(request),
            days=data.get("days"), password=data.get("password") or None,
            max_files=data.get("max_files"), max_bytes=data.get("max_bytes"),
            message=data.get("message", ""),
        )
        context = {"url": request_url(request, token)}
        return Response(
            RequestSerializer(asked, context=context).data, status=status.HTTP_201_CREATED
        )


class RequestDetailView(APIView):
    @extend_schema(responses={200: RequestSerializer, **ERRORS})
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(RequestSerializer(FileRequest.objects.get_for(request.user, pk)).data)

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Revoked: the request takes no more files."),
            **ERRORS,
        }
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        asked = FileRequest.objects.get_for(request.user, pk)
        asked.revoke(request.user, **where(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
