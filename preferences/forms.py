from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from preferences.models import Preferences, zone_names


def language_choices() -> list[tuple[str, Any]]:
    # Each language in its own words, so a person who cannot read the page finds theirs.
    local = ((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES)
    return [("", _("As the browser says")), *local]


def zone_choices() -> list[tuple[str, Any]]:
    return [("", _("As the browser says")), *((name, name) for name in sorted(zone_names()))]


class PreferencesForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices, required=False)

    class Meta:
        model = Preferences
        fields = ("language", "time_zone", "theme")
        labels = {"theme": _("Light or dark")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].widget = forms.RadioSelect(choices=Preferences.THEMES)
