from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat


def over_limit_message() -> str:
    return (
        f"This file is larger than the {filesizeformat(settings.MAX_UPLOAD_BYTES)} limit "
        f"({settings.MAX_UPLOAD_BYTES:,} bytes). Nothing was stored."
    )


class FileForm(forms.Form):
    """Upload and replace share one form; the upload handler has already counted the bytes."""

    file = forms.FileField(
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty. Skylocker keeps files with content only.",
        }
    )
    description = forms.CharField(max_length=255, required=False, strip=True)

    def __init__(self, *args, too_large: bool = False, file_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].required = file_required

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", over_limit_message())
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    sort = forms.CharField(required=False)
    owner = forms.IntegerField(required=False)
