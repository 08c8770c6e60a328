"""The folder pages' forms: a name, and a destination picked from one's own folders."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from locker.models import Folder, folder_paths

ROOT_CHOICE = "root"


class FolderNameForm(forms.Form):
    name = forms.CharField(
        label=_("Folder name"),
        max_length=255,
        strip=True,
        error_messages={"required": _("Give the folder a name.")},
        help_text=_(
            "Unique in its folder, ignoring case; cleaned as an upload's name is "
            "(no slashes, no control characters)."
        ),
    )


def destinations(owner: Any, exclude: Folder | None = None) -> list[tuple[str, str]]:
    """The root and every live folder of the owner's, by path; `exclude` and all below it
    left out (a folder cannot move into itself)."""
    folders = Folder.objects.of(owner)
    if exclude is not None:
        folders = folders.exclude(pk__in=exclude.descendant_ids())
    ids = list(folders.values_list("pk", flat=True))
    paths = folder_paths(ids)
    listed = sorted(((str(pk), paths[pk]) for pk in ids), key=lambda choice: choice[1].lower())
    return [(ROOT_CHOICE, str(_("/ (the top: My files)"))), *listed]


class MoveForm(forms.Form):
    """Where to: a select of one's folders, usable with the keyboard alone."""

    destination = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args: Any, owner: Any, exclude: Folder | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["destination"]
        assert isinstance(field, forms.ChoiceField)  # for the type checker
        field.choices = destinations(owner, exclude)

    def target(self, owner: Any) -> Folder | None:
        chosen = self.cleaned_data["destination"]
        return None if chosen == ROOT_CHOICE else Folder.objects.get_for(owner, chosen)
