from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db import IntegrityError, transaction


class SignUpForm(UserCreationForm):
    """Sign-up for the page and the API alike: names and email required, email unique."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("first_name", "last_name", "email", "username")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email

    def create_user(self):
        """The new user; None, with the form's error, when the username was taken meanwhile.

        The form checked the name is free; two sign-ups at the same moment (a double click) can
        both pass that check, and the database's unique index decides.
        """
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            self.add_error("username", self.instance.unique_error_message(
                type(self.instance), ["username"]))
            return None
