"""Each person's language, time zone and light or dark pages, kept with their account.

Blank means "as the browser says": the language from Accept-Language, the time zone from the
browser (preferences/static/preferences/zone.js puts it in a cookie, and the first request that
brings it stores it), the theme from prefers-color-scheme ("system").
"""

import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


@cache
def zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_zone(name: str | None) -> str:
    """The name when it is a zoneinfo zone this machine knows, else ""."""
    return name if name and name in zone_names() else ""


class Preferences(models.Model):
    SYSTEM, LIGHT, DARK = "system", "light", "dark"
    THEMES = [
        (SYSTEM, _("As the system says")),
        (LIGHT, _("Light")),
        (DARK, _("Dark")),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="preferences",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    theme = models.CharField(_("theme"), max_length=10, choices=THEMES, default=SYSTEM)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def of(cls, user: Any) -> "Preferences":
        """The user's preferences, or unsaved defaults for someone who never chose."""
        try:
            return cls.objects.get(user=user)
        except cls.DoesNotExist:
            return cls(user=user)

    @classmethod
    def for_recipients(cls, emails: list[str]) -> dict[str, "Preferences"]:
        """Preferences by email address (lower case), for mail to these addresses."""
        rows = cls.objects.filter(user__email__in=emails, user__is_active=True).select_related(
            "user"
        )
        lowered = {email.lower() for email in emails}
        return {p.user.email.lower(): p for p in rows if p.user.email.lower() in lowered}
