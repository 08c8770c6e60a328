from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.mfa import must_set_up_mfa, staff_mfa_missing_message
from api.models import ApiToken


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; no header means "not this scheme", a bad token means 401."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'."
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = ApiToken.find(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This token is not valid or has expired. Ask for a new one at /api/v1/auth/token."
            )
        if must_set_up_mfa(token.user):
            raise exceptions.PermissionDenied(staff_mfa_missing_message())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Naming a scheme makes DRF answer 401 (not 403) to anonymous calls.
        return 'Bearer realm="skylocker"'
