from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import SignupLock
from audit.log import Door, record

EMAIL_TAKEN = _("An account with this email already exists.")
USERNAME_TAKEN = _("A user with that username already exists.")  # Django's own words for it


class SignUpForm(UserCreationForm):
    """Sign-up for the page and the API alike: names and email required, email unique."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("first_name", "last_name", "email", "username")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def create_user(self, *, door: str = Door.WEB, address: str | None = None) -> Any:
        """The new user; None, with the form's error, when the name or email was taken meanwhile.

        The form checked both are free, but two sign-ups at the same moment (a double click)
        can both pass that check: under SignupLock the checks are made again, one sign-up at a
        time, and the insert follows in the same transaction.
        """
        with transaction.atomic():
            # migrate made the row; a test database flushed between tests has none yet
            SignupLock.objects.select_for_update().get_or_create(pk=1)
            users = get_user_model().objects
            if users.filter(username__iexact=self.cleaned_data["username"]).exists():
                self.add_error("username", USERNAME_TAKEN)
                return None
            if users.filter(email__iexact=self.cleaned_data["email"]).exists():
                self.add_error("email", EMAIL_TAKEN)
                return None
            try:
                with transaction.atomic():
                    user = self.save()
                    record("account.signup", actor=user, target=user, door=door, address=address)
                    return user
            except IntegrityError:  # an account made at this moment outside sign-up
                self.add_error("username", USERNAME_TAKEN)
                return None
