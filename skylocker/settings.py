"""Skylocker's one settings file.

Every knob is an environment variable with a default that works on a laptop with no
configuration at all (SQLite and local disk under ./data). The README lists them.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from skylocker.s3_origin import presigned_get_origin, presigned_post_origin


def envbool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (how secret stores mount them)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, "")


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SKYLOCKER_DATA_DIR", "./data")).resolve()
# Only Skylocker's own account may look inside: the database holds sessions and password hashes.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated on first start, kept in the data folder."""
    if key := envsecret("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG")
HTTPS = envbool("SKYLOCKER_HTTPS")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1")
if "*" in ALLOWED_HOSTS and HTTPS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts, not '*', in production.")

INSTALLED_APPS = [
    # First: its changepassword command replaces django.contrib.auth's (it also signs out).
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "locker",
    "api",
    "audit",
    "preferences",
    "dav",
    "sharing",
    "previews",
]

MIDDLEWARE = [
    # First: load balancers probe by IP, so health answers before the Host header is checked.
    "locker.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Ahead of static files and of the Host check, so those answers carry the headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "locker.uploads.refuse_chunked_bodies",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's Accept-Language; preferences.middleware puts an account's choice over it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.touch_user_session",
    "preferences.middleware.apply_preferences",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    # The pages' answers to domain errors and "not found" (the API's are in api/errors.py).
    "locker.page_errors.PageErrorsMiddleware",
]

ROOT_URLCONF = "skylocker.urls"
WSGI_APPLICATION = "skylocker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Only the admin's look: its templates are overridden here, ahead of the admin app's.
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "locker.context_processors.limits",
                "preferences.context_processors.look",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'skylocker.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
_engine = DATABASES["default"]["ENGINE"]
if _engine == "django.db.backends.sqlite3":
    # Django's backend, creating the database file 0600 (see skylocker/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "skylocker.sqlite3"
    # Tests in memory, as Django does for its own SQLite engine (test runners only know that one).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker share the file; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _engine == "django.db.backends.mysql":
    import pymysql

    pymysql.install_as_MySQLdb()
    DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4", "isolation_level": "read committed"}
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

# TLS to the database, its certificate checked against this CA bundle (and its host name).
DB_CA_FILE = os.environ.get("SKYLOCKER_DB_CA_FILE", "")
if DB_CA_FILE:
    if not Path(DB_CA_FILE).is_file():
        raise ImproperlyConfigured(f"SKYLOCKER_DB_CA_FILE={DB_CA_FILE} is not a file.")
    if _engine == "django.db.backends.mysql":
        DATABASES["default"]["OPTIONS"]["ssl"] = {"ca": DB_CA_FILE, "check_hostname": True}
    elif _engine == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"sslmode": "verify-full", "sslrootcert": DB_CA_FILE}
        )
    else:
        raise ImproperlyConfigured("SKYLOCKER_DB_CA_FILE needs a MySQL or PostgreSQL DATABASE_URL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # WebDAV's app passwords (dav/backends.py): answers `app_password=` only.
    "dav.backends.AppPasswordBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "files"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: the lock is on username and address together, so an attacker
# behind a shared address cannot lock everyone else out.
# Load balancers in front of the app that append the client's address to X-Forwarded-For:
# one (the ALB, or any TLS proxy) when SKYLOCKER_HTTPS=1, none when the app serves directly.
PROXIES = envint("SKYLOCKER_PROXIES", 1 if HTTPS else 0)
AXES_CLIENT_IP_CALLABLE = "skylocker.client.client_address"
AXES_FAILURE_LIMIT = envint("SKYLOCKER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SKYLOCKER_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"  # the page says how many minutes are left
AXES_VERBOSE = False
# Failed log-ins from one address, over all usernames, before that address must wait out the
# cool-off too (accounts/limits.py): one address cannot try a password on every account.
LOGIN_ADDRESS_LIMIT = envint("SKYLOCKER_LOGIN_ADDRESS_LIMIT", 30)
# Per address, in the cache (accounts/limits.py): sign-ups (the page and the API counted
# together) and password-reset requests.
ADDRESS_RATES = {
    "signup": os.environ.get("SKYLOCKER_SIGNUP_RATE", "10/hour"),
    "password_reset": os.environ.get("SKYLOCKER_PASSWORD_RESET_RATE", "5/hour"),
}

# Accounts through django-allauth: email verification and change, two-factor sign-in (TOTP,
# passkeys and security keys, recovery codes). Skylocker's own sign-up and log-in pages hand
# over to allauth's log-in flow (accounts/views.py); its mail goes through the outbox
# (accounts/adapter.py). Single sign-on (allauth.socialaccount) belongs beside this block.
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
# Staff without a second factor may only set one up (SKYLOCKER_REQUIRE_MFA_FOR_STAFF=1).
MIDDLEWARE.insert(
    MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
    "accounts.mfa.require_staff_mfa",
)
REQUIRE_MFA_FOR_STAFF = envbool("SKYLOCKER_REQUIRE_MFA_FOR_STAFF")
EMAIL_VERIFICATION = os.environ.get("SKYLOCKER_EMAIL_VERIFICATION", "optional").strip().lower()
if EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ImproperlyConfigured(
        "SKYLOCKER_EMAIL_VERIFICATION must be mandatory, optional or none, "
        f"not {EMAIL_VERIFICATION!r}."
    )
ACCOUNT_EMAIL_VERIFICATION = EMAIL_VERIFICATION
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old one only once it is verified
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Skylocker: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Before a sensitive change (two-factor, email): the password again, or a second factor.
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Skylocker"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side: a phone's clock a little off still works
MFA_PASSKEY_LOGIN_ENABLED = True
# Browsers allow WebAuthn on http://localhost and 127.0.0.1; production is HTTPS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS

# Single sign-on (optional): one OpenID Connect provider, through allauth.socialaccount, set up
# only from the environment (no database rows). With SKYLOCKER_OIDC_SERVER_URL unset nothing of
# it shows. accounts/sso.py decides who a sign-in is; docs/single-sign-on.md says how.
INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.openid_connect"]
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False  # Skylocker never calls the provider's APIs


def _oidc_settings(environ: Any) -> dict[str, Any]:
    """OIDC_SERVER_URL, OIDC_PROVIDER_ID, OIDC_NAME and SOCIALACCOUNT_PROVIDERS from
    SKYLOCKER_OIDC_*; the provider is there only with a server URL."""
    server_url = environ.get("SKYLOCKER_OIDC_SERVER_URL", "").strip()
    provider_id = environ.get("SKYLOCKER_OIDC_PROVIDER_ID", "").strip() or "sso"
    name = environ.get("SKYLOCKER_OIDC_NAME", "").strip()  # empty: "single sign-on", translated
    found = {"OIDC_SERVER_URL": server_url, "OIDC_PROVIDER_ID": provider_id, "OIDC_NAME": name}
    if not server_url:
        return {**found, "SOCIALACCOUNT_PROVIDERS": {}}
    client_id = environ.get("SKYLOCKER_OIDC_CLIENT_ID", "").strip()
    if not client_id:
        raise ImproperlyConfigured("SKYLOCKER_OIDC_SERVER_URL needs SKYLOCKER_OIDC_CLIENT_ID.")
    app = {
        "provider_id": provider_id,
        "name": name,
        "client_id": client_id,
        "secret": environ.get("SKYLOCKER_OIDC_CLIENT_SECRET", ""),
        "settings": {
            "server_url": server_url,
            # An existing account is signed in only for an address the provider says is
            # verified and that the account verified too (accounts/sso.py).
            "email_authentication": True,
        },
    }
    providers = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}}
    return {**found, "SOCIALACCOUNT_PROVIDERS": providers}


_oidc = _oidc_settings(os.environ)
OIDC_SERVER_URL: str = _oidc["OIDC_SERVER_URL"]
OIDC_PROVIDER_ID: str = _oidc["OIDC_PROVIDER_ID"]
OIDC_NAME: str = _oidc["OIDC_NAME"]
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = _oidc["SOCIALACCOUNT_PROVIDERS"]
OIDC_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_SERVER_URL)) if OIDC_SERVER_URL else ""

# Pages, messages and mail in English or German: the browser's Accept-Language, or the person's
# choice on the Account page (preferences/). The catalogue is skylocker/locale (CONTRIBUTING.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "German")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
# Times are shown in each person's zone (preferences/); this one where none is known.
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Files: only ever through STORAGES["default"]; S3 is a configuration change.
MAX_UPLOAD_BYTES = envint("SKYLOCKER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Files one upload form POST may carry (each up to MAX_UPLOAD_BYTES); the rest are refused.
MAX_UPLOAD_FILES = envint("SKYLOCKER_MAX_UPLOAD_FILES", 20)
# Django refuses the whole request beyond this; Skylocker's own limit above names each file.
DATA_UPLOAD_MAX_NUMBER_FILES = max(100, 2 * MAX_UPLOAD_FILES)
FILE_UPLOAD_HANDLERS = ["locker.uploads.LockerUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
# On local disk, stored files are readable by Skylocker's own account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)
# The web server (skylocker/serve.py): a request whose headers or body stop arriving for this many
# seconds is dropped; the threads per web process that run Django once a request is whole.
BODY_TIMEOUT = envint("SKYLOCKER_BODY_TIMEOUT", 30)
WEB_THREADS = envint("SKYLOCKER_WEB_THREADS", 4)
DOWNLOAD_URL_TTL = envint("SKYLOCKER_DOWNLOAD_URL_TTL", 300)
# Previews (previews/): never made from a file larger than this, nor from an image of more pixels.
PREVIEW_MAX_BYTES = envint("SKYLOCKER_PREVIEW_MAX_BYTES", 20 * 1024 * 1024)
PREVIEW_MAX_PIXELS = envint("SKYLOCKER_PREVIEW_MAX_PIXELS", 50_000_000)

S3_BUCKET = os.environ.get("SKYLOCKER_S3_BUCKET", "")
S3_ENDPOINT_URL = os.environ.get("SKYLOCKER_S3_ENDPOINT_URL", "")
S3_ACCELERATE = envbool("SKYLOCKER_S3_ACCELERATE")
AWS_REGION = os.environ.get("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
if S3_ACCELERATE and S3_ENDPOINT_URL:
    raise ImproperlyConfigured(
        "SKYLOCKER_S3_ACCELERATE=1 cannot be combined with SKYLOCKER_S3_ENDPOINT_URL: "
        "Transfer Acceleration exists only on AWS's own endpoint."
    )


def s3_client_config(*, endpoint_url: str = "", accelerate: bool = False) -> Any:
    """botocore's Config for Skylocker's S3 clients (path style on a custom endpoint)."""
    from botocore.config import Config as BotoConfig

    return BotoConfig(
        signature_version="s3v4",
        s3={
            "addressing_style": "path" if endpoint_url else "auto",
            "use_accelerate_endpoint": accelerate,
        },
    )


def s3_storage_settings(
    bucket: str,
    *,
    region: str,
    endpoint_url: str = "",
    url_ttl: int = 300,
) -> dict:
    """STORAGES["default"] on S3: django-storages' S3Storage, storing each object encrypted and
    as an attachment with its file's name (locker/remote.py). The tests build theirs here too.

    The servers' own S3 calls use the regional endpoint (Transfer Acceleration would only add
    cost there): acceleration is for the browsers' uploads, S3_UPLOAD_CONFIG."""
    return {
        "BACKEND": "locker.remote.SkylockerS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "region_name": region,
            "endpoint_url": endpoint_url or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_ttl,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
            "client_config": s3_client_config(endpoint_url=endpoint_url),
        },
    }


if S3_BUCKET:
    _default_storage = s3_storage_settings(
        S3_BUCKET, region=AWS_REGION, endpoint_url=S3_ENDPOINT_URL, url_ttl=DOWNLOAD_URL_TTL
    )
    # The client that signs the presigned POSTs browsers upload to (locker/direct.py).
    S3_UPLOAD_CONFIG = s3_client_config(endpoint_url=S3_ENDPOINT_URL, accelerate=S3_ACCELERATE)
else:
    S3_UPLOAD_CONFIG = None
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files", "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CLOUDFRONT_DOMAIN = os.environ.get("SKYLOCKER_CLOUDFRONT_DOMAIN", "")
CLOUDFRONT_KEY_ID = os.environ.get("SKYLOCKER_CLOUDFRONT_KEY_ID", "")
CLOUDFRONT_PRIVATE_KEY = envsecret("SKYLOCKER_CLOUDFRONT_PRIVATE_KEY")

# The cache holds the API's rate-limit counters; in the database so every web process and
# every instance counts together (the table comes with `migrate`: api/migrations/0002).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "skylocker_cache",
    }
}

# Delete alerts.
ADMIN_EMAILS = envlist("SKYLOCKER_ADMIN_EMAILS")
SNS_TOPIC_ARN = os.environ.get("SKYLOCKER_SNS_TOPIC_ARN", "")
ALERT_CHANNELS = envlist("SKYLOCKER_ALERT_CHANNELS", "email,sns" if SNS_TOPIC_ARN else "email")
if "sns" in ALERT_CHANNELS and not SNS_TOPIC_ARN:
    raise ImproperlyConfigured(
        "SKYLOCKER_ALERT_CHANNELS names sns but SKYLOCKER_SNS_TOPIC_ARN is unset."
    )
ALERT_RETRY_MAX_SECONDS = envint("SKYLOCKER_ALERT_RETRY_MAX_SECONDS", 3600)
# Where the admins' alert emails point their links (no trailing slash).
SITE_URL = os.environ.get("SKYLOCKER_SITE_URL", "http://localhost:8000").rstrip("/")

# Nothing lost by mistake: the trash, versions, quotas and the mass-deletion alarm.
TRASH_DAYS = envint("SKYLOCKER_TRASH_DAYS", 30)  # 0: a delete removes the content at once
KEEP_VERSIONS = envint("SKYLOCKER_KEEP_VERSIONS", 10)
VERSION_DAYS = envint("SKYLOCKER_VERSION_DAYS", 90)
DEFAULT_QUOTA_BYTES = envint("SKYLOCKER_DEFAULT_QUOTA_BYTES", 1024**3)  # 0: unlimited
MASS_DELETE_COUNT = envint("SKYLOCKER_MASS_DELETE_COUNT", 20)
MASS_DELETE_MINUTES = envint("SKYLOCKER_MASS_DELETE_MINUTES", 10)
# The burst's digest goes out once its account has deleted nothing for this long.
MASS_DELETE_DIGEST_SECONDS = envint("SKYLOCKER_MASS_DELETE_DIGEST_SECONDS", 60)
# The audit log keeps this many days of events (audit/retention.py); 0 keeps them for ever.
AUDIT_DAYS = envint("SKYLOCKER_AUDIT_DAYS", 365)
for _name, _value in [
    ("SKYLOCKER_AUDIT_DAYS", AUDIT_DAYS),
    ("SKYLOCKER_TRASH_DAYS", TRASH_DAYS),
    ("SKYLOCKER_KEEP_VERSIONS", KEEP_VERSIONS),
    ("SKYLOCKER_VERSION_DAYS", VERSION_DAYS),
    ("SKYLOCKER_DEFAULT_QUOTA_BYTES", DEFAULT_QUOTA_BYTES),
]:
    if _value < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more.")


# Share links and file requests (sharing/): how long a link may live, how often a wrong
# password or an unknown token is tolerated (per link and per address), how often a request's
# owner is mailed about new files.
SHARE_DAYS = 7
SHARE_MAX_DAYS = envint("SKYLOCKER_SHARE_MAX_DAYS", 90)
SHARE_PASSWORD_RATE = os.environ.get("SKYLOCKER_SHARE_PASSWORD_RATE", "10/hour")
SHARE_LINK_PASSWORD_RATE = os.environ.get("SKYLOCKER_SHARE_LINK_PASSWORD_RATE", "30/hour")
SHARE_MISS_RATE = os.environ.get("SKYLOCKER_SHARE_MISS_RATE", "30/hour")
REQUEST_MAIL_MINUTES = envint("SKYLOCKER_REQUEST_MAIL_MINUTES", 5)
if SHARE_MAX_DAYS < 1:
    raise ImproperlyConfigured("SKYLOCKER_SHARE_MAX_DAYS must be 1 or more.")


def _email_settings(url: str) -> dict:
    """EMAIL_URL such as smtp+tls://user:pass@host:587; unset writes .eml files to DATA_DIR."""
    if not url:
        return {
            "EMAIL_BACKEND": "locker.mail.EmlFileBackend",
            "EMAIL_FILE_PATH": str(DATA_DIR / "mail"),
        }
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be smtp, smtp+tls or smtp+ssl, not {parts.scheme!r}"
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[parts.scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": 10,
    }


globals().update(_email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "skylocker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers on every response.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Direct uploads: on S3 the Upload page POSTs the file to the bucket itself, so connect-src
# names the bucket's upload origin (and nothing else besides 'self').
S3_UPLOAD_ORIGIN = (
    presigned_post_origin(
        S3_BUCKET, AWS_REGION, S3_ENDPOINT_URL, S3_UPLOAD_CONFIG
    )
    if S3_BUCKET
    else ""
)
# Thumbnails on S3 are signed URLs like downloads: img-src names the origin those point to.
if CLOUDFRONT_DOMAIN and CLOUDFRONT_KEY_ID and CLOUDFRONT_PRIVATE_KEY:  # as locker/remote.py
    S3_DOWNLOAD_ORIGIN = f"https://{CLOUDFRONT_DOMAIN}"
elif S3_BUCKET:
    S3_DOWNLOAD_ORIGIN = presigned_get_origin(
        S3_BUCKET, AWS_REGION, S3_ENDPOINT_URL, s3_client_config(endpoint_url=S3_ENDPOINT_URL)
    )
else:
    S3_DOWNLOAD_ORIGIN = ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([S3_DOWNLOAD_ORIGIN] if S3_DOWNLOAD_ORIGIN else [])],
        "connect-src": [SELF, *([S3_UPLOAD_ORIGIN] if S3_UPLOAD_ORIGIN else [])],
        # The "Sign in with …" button's answer redirects to the provider's page.
        "form-action": [SELF, *([OIDC_ORIGIN] if OIDC_ORIGIN else [])],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SKYLOCKER_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON for every caller, a browser's Accept: text/html included (people read /api/docs).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth": os.environ.get("SKYLOCKER_AUTH_RATE", "20/minute")},
    "NUM_PROXIES": PROXIES,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Skylocker API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "Keep your files in Skylocker: upload, list, download, replace and delete.",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: the CSP allows scripts from 'self' only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
}
API_TOKEN_TTL = timedelta(days=envint("SKYLOCKER_API_TOKEN_DAYS", 30))
if API_TOKEN_TTL.days < 1:
    raise ImproperlyConfigured(
        "SKYLOCKER_API_TOKEN_DAYS must be 1 or more: tokens would expire as they are issued."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
