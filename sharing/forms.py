from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sharing.models import MAX_DOWNLOADS


class LinkOptions(forms.Form):
    """What share links and file requests are made with, on the page (the API's serializers
    take the same fields)."""

    days = forms.IntegerField()  # its bounds are the settings' (read in __init__)
    password = forms.CharField(
        label=_("Password (optional)"), required=False, strip=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Whoever opens the link must type it first. Send it separately."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"), min_value=1, max_value=settings.SHARE_MAX_DAYS,
            initial=settings.SHARE_DAYS,
            help_text=_("The link stops working after this many days (at most %(max)d).")
            % {"max": settings.SHARE_MAX_DAYS},
        )


class ShareForm(LinkOptions):
    max_downloads = forms.IntegerField(
        label=_("Download limit (optional)"), min_value=1, max_value=MAX_DOWNLOADS,
        required=False,
        help_text=_("The link stops working after this many downloads."),
    )
    note = forms.CharField(
        label=_("Note for the recipient (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestForm(LinkOptions):
    max_files = forms.IntegerField(
        label=_("Files at most"), min_value=1, max_value=1000, initial=10,
        help_text=_("The link stops taking files after this many."),
    )
    max_bytes = forms.IntegerField()  # its bound is the upload limit (read in __init__)
    message = forms.CharField(
        label=_("Message shown on the upload page (optional)"), required=False,
        max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_bytes"] = forms.IntegerField(
            label=_("Largest file (bytes)"), min_value=1, max_value=settings.MAX_UPLOAD_BYTES,
            initial=settings.MAX_UPLOAD_BYTES,
            help_text=_("At most the upload limit, %(max)d bytes.")
            % {"max": settings.MAX_UPLOAD_BYTES},
        )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), strip=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class DropForm(forms.Form):
    """The public upload form of a file request: one file, and who sends it (optional)."""

    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty. Skylocker keeps files with content only."),
        },
    )
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
