from django.contrib import admin

from preferences.models import Preferences


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "time_zone", "theme")
    search_fields = ("user__username", "user__email")
