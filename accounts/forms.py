from typing import Any

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts import outbox
from accounts.models import SignupLock
from audit.log import Door, record

EMAIL_TAKEN = _("An account with this email already exists.")
USERNAME_TAKEN = _("A user with that username already exists.")  # Django's own words for it


def email_taken(email: str) -> bool:
    """An account has this address, or has added it and is verifying it (allauth's rows)."""
    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def hide_taken_emails() -> bool:
    """Only when every new account must verify its address can a sign-up with a taken one
    answer as a new one does: otherwise the new account would start with someone's address."""
    return settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"


class SignUpForm(UserCreationForm):
    """Sign-up for the page and the API alike: names and email required, email unique."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("first_name", "last_name", "email", "username")

    # With mandatory verification, a taken email is not an error anyone may see: the sign-up
    # answers as for a new one and the address's owner is told by mail (accounts/views.py).
    account_already_exists = False

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email_taken(email):
            if not hide_taken_emails():
                raise forms.ValidationError(EMAIL_TAKEN)
            self.account_already_exists = True
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
            if self.account_already_exists or email_taken(self.cleaned_data["email"]):
                if hide_taken_emails():
                    self.account_already_exists = True
                else:
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


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form; its mail goes to the outbox, sent by the worker with retries."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        outbox.queue(message)
