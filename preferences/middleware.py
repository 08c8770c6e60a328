from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from preferences.models import Preferences, valid_zone

ZONE_COOKIE = "skylocker_tz"  # written by zone.js: the browser's own time zone
THEME_COOKIE = "skylocker_theme"  # the header switch's choice for someone not signed in


def apply_preferences(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware, after LocaleMiddleware and authentication: a signed-in person's language
    (over the browser's Accept-Language), time zone and theme for this request.

    A time zone nobody chose yet is the browser's (zone.js's cookie), and it is stored the
    first time it arrives, so mail reaches the person in their zone too.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        browser_zone = valid_zone(unquote(request.COOKIES.get(ZONE_COOKIE, "")))
        theme = request.COOKIES.get(THEME_COOKIE, Preferences.SYSTEM)
        zone = browser_zone
        if request.user.is_authenticated:
            chosen = Preferences.of(request.user)
            if chosen.language in dict(settings.LANGUAGES):
                translation.activate(chosen.language)
                request.LANGUAGE_CODE = chosen.language
            if not chosen.time_zone and browser_zone:
                chosen.time_zone = browser_zone
                chosen.save()
            zone = valid_zone(chosen.time_zone) or browser_zone
            theme = chosen.theme
        request.theme = theme if theme in (Preferences.LIGHT, Preferences.DARK) else ""  # type: ignore[attr-defined]  # read by the context processor
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return get_response(request)

    return middleware
