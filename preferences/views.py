from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from preferences.forms import PreferencesForm
from preferences.middleware import THEME_COOKIE
from preferences.models import Preferences

YEAR = 365 * 24 * 3600


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    """The Account page's language, time zone and theme; they apply from this answer on."""
    form = PreferencesForm(request.POST, instance=Preferences.of(request.user))
    if not form.is_valid():
        messages.error(request, _("Those preferences could not be saved: choose from the lists."))
        return redirect("account")
    chosen = form.save()
    language = chosen.language or translation.get_language_from_request(request)
    translation.activate(language)  # the message below already speaks the new language
    messages.success(request, _("Your preferences are saved."))
    response = redirect("account")
    remember_language(response, chosen.language)
    return response


def remember_language(response: HttpResponse, language: str) -> None:
    """Log-in and log-out pages speak the chosen language too (Django's language cookie)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=YEAR, samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


@require_POST
def theme(request: HttpRequest) -> HttpResponse:
    """The header's dark mode switch: kept with the account, or in a cookie before log-in."""
    chosen = request.POST.get("theme", "")
    if chosen not in dict(Preferences.THEMES):
        chosen = Preferences.SYSTEM
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    if request.user.is_authenticated:
        Preferences.objects.update_or_create(user=request.user, defaults={"theme": chosen})
    else:
        response.set_cookie(
            THEME_COOKIE, chosen, max_age=YEAR, samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
