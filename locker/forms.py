from typing import Any

from django import forms

from locker.errors import over_limit_message


class FileForm(forms.Form):
    """Upload and replace share one form; the upload handler has already counted the bytes."""

    file = forms.FileField(
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty. Skylocker keeps files with content only.",
        }
    )
    description = forms.CharField(max_length=255, required=False, strip=True)

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

