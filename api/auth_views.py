"""Register, get and drop API tokens, and who am I. Same form and same lockout as the web pages."""

from collections.abc import Sequence

from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts.forms import SignUpForm
from accounts.limits import address_locked_out, signup_allowed
from api.authentication import BearerTokenAuthentication
from api.errors import AddressLockedOut, LockedOut
from api.models import ApiToken
from api.serializers import (
    ErrorSerializer,
    MeSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from audit.doors import where
from audit.log import Outcome, record
from skylocker.client import client_address

ERRORS = {code: ErrorSerializer for code in (400, 429)}
# The form's two password fields are one `password` in the API.
FORM_TO_API = {"password1": "password", "password2": "password", "__all__": "non_field_errors"}


class SignupThrottle(BaseThrottle):
    """The sign-up page's per-address rate (accounts/limits.py), counted together with it."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        return signup_allowed(request._request)


class AuthThrottled:
    throttle_classes: Sequence[type[BaseThrottle]] = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottled, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    # JSON only: a browser sends JSON cross-site only after a CORS preflight, which Skylocker
    # never grants, so another site's hidden form cannot sign people up (it gets a 415).
    parser_classes = [JSONParser]
    # The sign-up page's per-address rate too, counted together with it.
    throttle_classes = [*AuthThrottled.throttle_classes, SignupThrottle]

    @extend_schema(
        request=RegisterSerializer, responses={201: UserSerializer, **ERRORS}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        shape = RegisterSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        data = shape.validated_data
        form = SignUpForm(
            data={**data, "password1": data["password"], "password2": data["password"]}
        )
        if not form.is_valid() or not (user := form.create_user(**where(request))):
            errors: dict[str, list[str]] = {}
            for field, messages in form.errors.items():
                target = errors.setdefault(FORM_TO_API.get(field, field), [])
                target.extend(str(m) for m in messages if str(m) not in target)
            raise ValidationError(errors)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(AuthThrottled, APIView):
    """POST trades a username and password for a token; DELETE ends the token it is called with."""

    def logging_in(self) -> bool:
        return getattr(getattr(self, "request", None), "method", None) == "POST"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Logging in needs nothing but the password (and no CSRF token from a browser session).
        return [] if self.logging_in() else super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.logging_in() else [IsAuthenticated()]

    def get_authenticate_header(self, request: Request) -> str:
        # A wrong password is a 401 too, which must name the scheme the token is used with.
        return BearerTokenAuthentication().authenticate_header(request)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 401: ErrorSerializer, **ERRORS},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        shape = TokenRequestSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        django_request = request._request
        if address_locked_out(django_request):
            record("account.login_failed", actor_username=shape.validated_data["username"],
                   outcome=Outcome.REFUSED, address_locked=True, **where(django_request))
            raise AddressLockedOut()
        # Through django-axes: failures count; a locked-out pair stays out even when right.
        user = authenticate(request=django_request, **shape.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            # Answered here as JSON; otherwise axes' middleware would swap in its HTML page.
            django_request.axes_locked_out = False  # type: ignore[attr-defined]  # axes' flag
            raise LockedOut()
        if user is None or not user.is_active:
            raise AuthenticationFailed("Wrong username or password.")
        with transaction.atomic():
            token, raw = ApiToken.issue(user, client_address(django_request))
            # The API's sign-in: its own record, as the log-in page's (Django's signal) is.
            record("account.login", actor=user, target=user, token=token.pk,
                   **where(django_request))
            record("token.created", actor=user, target=token, **where(django_request))
        return Response(TokenSerializer({"token": raw, "expires_at": token.expires_at}).data)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The token no longer works."),
            401: ErrorSerializer,
        },
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            with transaction.atomic():
                record("account.logout", actor=request.user, target=request.user,
                       token=request.auth.pk, **where(request))
                record("token.revoked", actor=request.user, target=request.auth,
                       owner=request.user, **where(request))
                request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={200: MeSerializer, 401: ErrorSerializer}, tags=["auth"])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request: Request) -> Response:
    return Response(MeSerializer(request.user).data)
