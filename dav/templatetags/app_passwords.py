from typing import Any

from django import template

from dav.models import AppPassword
from dav.pages import setup

register = template.Library()


@register.inclusion_tag("dav/app_passwords.html", takes_context=True)
def app_passwords(context: Any) -> dict[str, Any]:
    """The Account page's WebDAV section: the passwords (never their secrets) and the setup."""
    request = context["request"]
    return {
        "passwords": AppPassword.objects.of(request.user),
        "csrf_token": context.get("csrf_token"),
        **setup(request),
    }
