from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from locker.errors import over_limit_message
from locker.uploads import EMPTY, Refusal, clean_filename

FILE_ERRORS = {
    "required": _("Choose a file to upload."),
    "empty": _("The file is empty. Skylocker keeps files with content only."),
}


class FileForm(forms.Form):
    """Upload and replace share one form; the upload handler has already counted the bytes."""

    file = forms.FileField(label=_("File"), error_messages=FILE_ERRORS)
    description = forms.CharField(
        label=_("Description"), max_length=255, required=False, strip=True
    )
    use_new_name = forms.BooleanField(
        required=False,
        label=_("Use the new file's name"),
        help_text=_("Otherwise the file keeps its name."),
    )

    def __init__(
        self, *args: Any, too_large: bool = False, file_required: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].required = file_required

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", over_limit_message())
        return cleaned


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Every file given under one name; UploadForm judges them one by one."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        return [item for item in (data or []) if item]


class UploadForm(forms.Form):
    """The upload page: one or many files, one description for all.

    Each file is judged on its own: the empty ones and those the upload handler refused (too
    large, too many) are `refusals`, the rest are `cleaned_data["file"]`. Only when none is
    left is the form invalid.
    """

    file = MultipleFileField(
        label=_("Files"), required=False, widget=MultipleFileInput(attrs={"multiple": True})
    )
    description = forms.CharField(
        label=_("Description"), max_length=255, required=False, strip=True
    )

    def __init__(self, *args: Any, refusals: list[Refusal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusals = list(refusals or [])

    def clean_file(self) -> list[Any]:
        kept = []
        for uploaded in self.cleaned_data["file"]:
            if uploaded.size:
                kept.append(uploaded)
            else:
                name = clean_filename(uploaded.name)
                self.refusals.append(Refusal(name, EMPTY, str(FILE_ERRORS["empty"])))
        if kept:
            return kept
        if len(self.refusals) == 1:
            raise forms.ValidationError(self.refusals[0].reason)
        if self.refusals:
            raise forms.ValidationError([f"{r.name}: {r.reason}" for r in self.refusals])
        raise forms.ValidationError(FILE_ERRORS["required"])


class RenameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        strip=True,
        error_messages={"required": _("Give the file a name.")},
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text=_("Cleaned as an upload's name is: no folders, no control characters."),
    )
