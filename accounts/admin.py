from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from accounts.models import sign_out_everywhere
from audit.doors import where
from audit.log import record
from locker import owners
from locker.models import Quota

admin.site.unregister(get_user_model())


class SignOutPasswordChangeForm(AdminPasswordChangeForm):
    """An admin setting someone's password also signs them out and revokes their API tokens."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            sign_out_everywhere(user)
        return user


class QuotaInline(admin.StackedInline):
    """A quota of this user's own; without one, SKYLOCKER_DEFAULT_QUOTA_BYTES applies."""

    model = Quota
    can_delete = True
    extra = 0
    max_num = 1
    verbose_name = "quota"
    verbose_name_plural = "quota (without one: SKYLOCKER_DEFAULT_QUOTA_BYTES)"


@admin.register(get_user_model())
class SkylockerUserAdmin(UserAdmin):
    """Django's user admin, with pages every staff member can use with a screen reader.

    Log-in and join times are facts, not settings: shown, not edited (their split date and
    time inputs have no labels). Groups and permissions are plain labelled lists instead of
    the two-pane filter widget, whose icons carry ARIA attributes a <span> may not have.
    """

    filter_horizontal = ()
    change_password_form = SignOutPasswordChangeForm
    readonly_fields = ("last_login", "date_joined")
    inlines = [QuotaInline]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            owners.names_changed(obj)  # their files sort by the new names

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's page; a password set here is recorded in the audit log, in its transaction."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = get_user_model()._default_manager.get(pk=id)
                record("account.password_changed", actor=request.user, target=user,
                       **where(request))
        return response
