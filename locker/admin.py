from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from audit.log import Door
from locker.models import AlertDelivery, DeletionAlert, StoredFile
from skylocker.client import client_address


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_name", "human_size", "content_type", "created_at", "updated_at"]
    list_filter = ["owner", "content_type", "created_at"]
    search_fields = ["name", "description", "owner__username", "owner__email", "owner__last_name"]
    list_select_related = ["owner"]
    readonly_fields = (
        "id", "owner", "name", "download", "stored_object", "size", "sha256", "content_type",
        "created_at", "updated_at", "object_missing_at",
    )
    fields = (*readonly_fields, "description")
    date_hierarchy = "created_at"

    @admin.display(description="owner", ordering="owner__last_name")
    def owner_name(self, obj: StoredFile) -> str:
        return obj.owner.get_full_name() or obj.owner.get_username()

    @admin.display(description="content")
    def download(self, obj: StoredFile) -> str:
        # Through the app's download (its checks, its headers), never a link into the storage.
        return format_html('<a href="{}">Download</a>', reverse("download", args=[obj.pk]))

    @admin.display(description="stored object")
    def stored_object(self, obj: StoredFile) -> str | None:
        return obj.file.name

    @admin.display(description="size", ordering="size")
    def human_size(self, obj: StoredFile) -> str:
        return filesizeformat(obj.size)

    def get_queryset(self, request: HttpRequest) -> Any:
        # The one rule here too: a staff member without locker.manage_all_files sees their own.
        return StoredFile.objects.visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Uploads go through the upload page or the API, which count and hash the bytes.
        return False

    # A description edited here goes through the same replace as the pages and the API, so
    # the row is locked and its update time moves.
    def save_model(self, request: HttpRequest, obj: StoredFile, form: Any, change: bool) -> None:
        if "description" in form.changed_data:
            obj.replace(
                description=form.cleaned_data["description"], actor=request.user,
                door=Door.ADMIN, address=client_address(request),
            )

    # Deletes from the admin take the same path as everywhere else: object removal and alert.
    def delete_model(self, request: HttpRequest, obj: StoredFile) -> None:
        try:
            obj.delete_by(request.user, door="admin", address=client_address(request))
        except StoredFile.DoesNotExist:
            pass

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StoredFile]) -> None:
        for obj in queryset.select_related("owner"):
            self.delete_model(request, obj)


class AlertDeliveryInline(admin.TabularInline):
    model = AlertDelivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "attempts", "next_attempt_at", "delivered_at", "last_error"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeletionAlert)
class DeletionAlertAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "owner_username", "actor_username", "deleted_at"]
    list_filter = ["kind"]
    search_fields = ["file_name", "owner_username", "actor_username", "sha256"]
    inlines = [AlertDeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
