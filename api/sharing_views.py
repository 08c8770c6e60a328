"""Share links and file requests through the API (sharing/ holds the rules).

A link's address is in the answer that creates it and never again: Skylocker keeps only a
hash of its token. Others' links and requests, and links to others' files, are 404.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer
from audit.log import Door
from locker.models import StoredFile
from sharing.models import FileRequest, ShareLink
from sharing.public import request_url, share_url
from skylocker.client import client_address

ERRORS = {code: ErrorSerializer for code in (400, 401, 404)}


class DaysField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, min_value=1,
            help_text="Days the link works (default 7, at most SKYLOCKER_SHARE_MAX_DAYS, "
            "default 90).",
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> int:
        value = super().to_internal_value(data)
        if value > settings.SHARE_MAX_DAYS:
            raise serializers.ValidationError(f"At most {settings.SHARE_MAX_DAYS} days.")
        return value


class LinkCreateSerializer(serializers.Serializer):
    days = DaysField()
    password = serializers.CharField(
        required=False, allow_blank=True, max_length=200, write_only=True, trim_whitespace=False,
        help_text="Whoever opens the link must give it first (stored hashed).",
    )
    max_downloads = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


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
    days = DaysField()
    password = serializers.CharField(
        required=False, allow_blank=True, max_length=200, write_only=True, trim_whitespace=False,
    )
    max_files = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Default 10."
    )
    max_bytes = serializers.IntegerField(
        required=False, min_value=1,
        help_text="Largest file taken (default and at most SKYLOCKER_MAX_UPLOAD_BYTES).",
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate_max_bytes(self, value: int) -> int:
        if value > settings.MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                f"At most the upload limit, {settings.MAX_UPLOAD_BYTES} bytes."
            )
        return value


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
            stored, request.user, door=Door.API, address=client_address(request),
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
        link.revoke(request.user, door=Door.API, address=client_address(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RequestListView(APIView):
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
            request.user, door=Door.API, address=client_address(request),
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
        asked.revoke(request.user, door=Door.API, address=client_address(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
