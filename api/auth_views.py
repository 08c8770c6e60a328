"""Register, get and drop API tokens, and who am I. Same form and same lockout as the web pages."""

from collections.abc import Sequence
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.email_verification import (
    send_verification_email_for_user,
)
from allauth.account.models import EmailAddress
from allauth.account.utils import setup_user_email
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts.forms import SignUpForm, hide_taken_emails
from accounts.limits import address_locked_out, signup_allowed
from accounts.mfa import must_set_up_mfa, second_factor_ok, staff_mfa_missing_message
from api.authentication import BearerTokenAuthentication
from api.errors import AddressLockedOut, LockedOut
from api.models import ApiToken
from api.serializers import (
    ErrorSerializer,
    MeSerializer,
    OtpErrorSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from audit.doors import where
from audit.log import Outcome, record
from skylocker.client import client_address

ERRORS = {code: ErrorSerializer for code in (400, 429)}
VERIFY_FIRST = _(
    "Check your mail: follow the link in it to verify your address, then log in."
)
OTP_WANTED = _(
    "This account uses two-factor sign-in: send the code from your authenticator app, "
    "or one of your recovery codes, as otp."
)
OTP_WRONG = _("That code is not right, or was used already. Send a current one as otp.")
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
        request=RegisterSerializer,
        responses={
            201: UserSerializer,
            202: OpenApiResponse(
                ErrorSerializer,
                description="With mandatory email verification: check your mail (a taken "
                "email answers the same).",
            ),
            **ERRORS,
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        shape = RegisterSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        data = shape.validated_data
        form = SignUpForm(
            data={**data, "password1": data["password"], "password2": data["password"]}
        )
        valid = form.is_valid()
        user = form.create_user(**where(request)) if valid else None
        if form.account_already_exists or (user is not None and hide_taken_emails()):
            # Mandatory verification: a taken email answers exactly as a new one does, and its
            # owner is told by mail; a new account gets its verification mail.
            return self.verification_sent(request, form, user)
        if user is None:
            errors: dict[str, list[str]] = {}
            for field, messages in form.errors.items():
                target = errors.setdefault(FORM_TO_API.get(field, field), [])
                target.extend(str(m) for m in messages if str(m) not in target)
            raise ValidationError(errors)
        setup_user_email(request._request, user, [EmailAddress(email=user.email)])
        send_verification_email_for_user(request._request, user)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def verification_sent(self, request: Request, form: SignUpForm, user: Any) -> Response:
        django_request = request._request
        if user is None:
            get_account_adapter(django_request).send_account_already_exists_mail(
                form.cleaned_data["email"]
            )
        else:
            setup_user_email(django_request, user, [EmailAddress(email=user.email)])
            send_verification_email_for_user(django_request, user)
        return Response({"detail": VERIFY_FIRST}, status=status.HTTP_202_ACCEPTED)


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
        responses={
            200: TokenSerializer,
            401: OpenApiResponse(
                OtpErrorSerializer,
                description="Wrong username or password; or the account uses two-factor "
                "sign-in and otp is missing or wrong (otp_required: true).",
            ),
            403: OpenApiResponse(
                ErrorSerializer,
                description="The email is not verified yet (mandatory verification), or a "
                "staff account must set up two-factor sign-in first.",
            ),
            **ERRORS,
        },
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
        credentials = {key: shape.validated_data[key] for key in ("username", "password")}
        user = authenticate(request=django_request, **credentials)
        if getattr(django_request, "axes_locked_out", False):
            # Answered here as JSON; otherwise axes' middleware would swap in its HTML page.
            django_request.axes_locked_out = False  # type: ignore[attr-defined]  # axes' flag
            raise LockedOut()
        if user is None or not user.is_active:
            raise AuthenticationFailed("Wrong username or password.")
        if hide_taken_emails() and not EmailAddress.objects.filter(
            user=user, verified=True
        ).exists():
            raise PermissionDenied(VERIFY_FIRST)
        if must_set_up_mfa(user):
            raise PermissionDenied(staff_mfa_missing_message())
        if is_mfa_enabled(user):
            # Tokens are minted only after the second factor, as on the log-in page.
            otp = shape.validated_data.get("otp", "")
            if not otp or not second_factor_ok(user, otp):
                return Response(
                    {"detail": OTP_WANTED if not otp else OTP_WRONG, "otp_required": True},
                    status=status.HTTP_401_UNAUTHORIZED,
                    headers={"WWW-Authenticate": self.get_authenticate_header(request)},
                )
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
