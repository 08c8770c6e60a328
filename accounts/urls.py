from allauth.account import views as allauth_views
from allauth.socialaccount import views as socialaccount_views
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from accounts import mfa_views, views

urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sessions/<int:pk>/end/", views.end_session, name="end-session"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke-token"),
    path("sign-out-everywhere/", views.sign_out_all, name="sign-out-everywhere"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # django-allauth: email verification and change, two-factor sign-in. Only these of its
    # views are served; where it names its own log-in, sign-up, log-out or password pages,
    # Skylocker's answer (they keep the lockout, the limits and the sign-out on change).
    path("login/", views.LoginView.as_view(), name="account_login"),
    path("signup/", views.signup, name="account_signup"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("password/", views.PasswordChangeView.as_view(), name="account_change_password"),
    path("password/", views.PasswordChangeView.as_view(), name="account_set_password"),
    path("password/reset/", views.PasswordResetView.as_view(), name="account_reset_password"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("email/", allauth_views.email, name="account_email"),
    path(
        "confirm-email/",
        allauth_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        allauth_views.confirm_email,
        name="account_confirm_email",
    ),
    path("2fa/totp/activate/", mfa_views.ActivateTotp.as_view(), name="mfa_activate_totp"),
    path(
        "2fa/totp/deactivate/", mfa_views.DeactivateTotp.as_view(), name="mfa_deactivate_totp"
    ),
    path("2fa/webauthn/add/", mfa_views.AddWebAuthn.as_view(), name="mfa_add_webauthn"),
    path(
        "2fa/webauthn/keys/<int:pk>/remove/",
        mfa_views.RemoveWebAuthn.as_view(),
        name="mfa_remove_webauthn",
    ),
    path("2fa/", include("allauth.mfa.urls")),
    # Single sign-on (accounts/sso.py): the provider's log-in and its answer, and allauth's
    # pages for a sign-in cancelled or failed at the provider.
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path(
        "sso/cancelled/", socialaccount_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path("sso/error/", socialaccount_views.login_error, name="socialaccount_login_error"),
]
