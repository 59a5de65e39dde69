"""Settings shared by every environment. Nearly everything lives here; local.py, test.py
and production.py only change what differs. Values come from the environment through
imageplatform.env (the only reader of os.environ)."""

from pathlib import Path

import dj_database_url

from imageplatform.csp import policy as csp_policy
from imageplatform.csp import s3_media_origins
from imageplatform.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The origin visitors use (https://images.example.com); every absolute URL the app makes
# uses it (imageplatform.public). Empty: the request's own host (local runs, tests).
PUBLIC_ORIGIN = env_str("PUBLIC_ORIGIN", "")

INSTALLED_APPS = [
    "imageplatform.apps.PlatformConfig",
    "imageplatform.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "accounts",
    "gallery",
    "shortlinks",
    "moderation",
    "axes",  # login throttling: see the django-axes block below
]

MIDDLEWARE = [
    "imageplatform.logging.RequestLogMiddleware",  # first: times and logs every response
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "gallery.middleware.UploadLimitMiddleware",
    "imageplatform.middleware.MalformedRequestMiddleware",  # 4xx before a body is misread
    "imageplatform.middleware.ApiJsonErrorsMiddleware",
    "imageplatform.middleware.StoreOutageMiddleware",  # a store down: 503, not 500
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a login lockout into the 429 answer
]

ROOT_URLCONF = "imageplatform.urls"
WSGI_APPLICATION = "imageplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Django's database: users, sessions, API tokens, admin log ---------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "gallery:index"
LOGOUT_REDIRECT_URL = "login"

# --- Login throttling (django-axes) -------------------------------------------------------
# Failed password logins (site and admin) are counted in Django's database, per username
# and per client address, and lock for longer each time. accounts/throttling.py has the rules.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.throttling.LoginThrottleHandler"  # axes' database handler, extended
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not combined
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)  # failures before the first lock
# Lock after the limit: 1 minute, then 5, 15, 60 for each further failure (the last repeats).
ACCOUNTS_LOGIN_LOCKOUT_STEPS = [60, 300, 900, 3600]
ACCOUNTS_LOGIN_FAILURE_MEMORY = env_int("ACCOUNTS_LOGIN_FAILURE_MEMORY", 86400)  # seconds
AXES_COOLOFF_TIME = "accounts.throttling.login_cool_off"  # grows with the failures
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts don't extend a lock
AXES_RESET_ON_SUCCESS = False  # accounts.throttling forgets only (username, address)
AXES_LOCKOUT_CALLABLE = "accounts.throttling.login_lockout_response"  # 429 + Retry-After
AXES_CLIENT_IP_CALLABLE = "imageplatform.client_ip.client_ip_for_throttling"
AXES_ENABLE_ADMIN = False  # accounts/admin.py registers the attempts with a lock column
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login (it would grow forever)
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# Proxies in front of the app that append to X-Forwarded-For (imageplatform.client_ip):
# 0 locally; 2 in production (CloudFront, then API Gateway).
CLIENT_IP_TRUSTED_PROXIES = env_int("CLIENT_IP_TRUSTED_PROXIES", 0)
# Sign-up: at most this many new accounts per client address per window (seconds).
ACCOUNTS_SIGNUP_LIMIT = env_int("ACCOUNTS_SIGNUP_LIMIT", 5)
ACCOUNTS_SIGNUP_WINDOW = env_int("ACCOUNTS_SIGNUP_WINDOW", 3600)
# --- end of login throttling --------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- AWS: region and local endpoints ------------------------------------------------------
AWS_REGION = env_str("AWS_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1"))
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", None)  # None: real S3
DYNAMODB_ENDPOINT_URL = env_str("DYNAMODB_ENDPOINT_URL", None)  # None: real DynamoDB
# Only for the local servers (their fixed, public test keys). In AWS, boto3 uses the
# Lambda execution role: never put AWS keys in settings.
LOCAL_AWS_ACCESS_KEY_ID = None
LOCAL_AWS_SECRET_ACCESS_KEY = None

# --- Files: S3 through django-storages ---------------------------------------------------
GALLERY_BUCKET = env_str("GALLERY_BUCKET", "")
GALLERY_URL_EXPIRY = env_int("GALLERY_URL_EXPIRY", 900)  # seconds a signed file URL lives
# Where renditions of shared images are served unsigned (production: the public origin,
# CloudFront's /renditions/* behaviour). Empty: every file URL is signed (local, tests).
GALLERY_SHARED_RENDITIONS_URL = env_str("GALLERY_SHARED_RENDITIONS_URL", "")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": GALLERY_BUCKET,
            "region_name": AWS_REGION,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "signature_version": "s3v4",
            # Keys are derived from the image id and the rendition spec, so writing the
            # same key again is the idempotent re-run of the pipeline, not a collision.
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": GALLERY_URL_EXPIRY,
            # Keys never change content (a new spec gives a new key): cache for a year.
            "object_parameters": {"CacheControl": "max-age=31536000, immutable"},
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Metadata: DynamoDB through PynamoDB --------------------------------------------------
GALLERY_TABLE = env_str("GALLERY_TABLE", "")
SHORTLINKS_TABLE = env_str("SHORTLINKS_TABLE", "")
MODERATION_AUDIT_TABLE = env_str("MODERATION_AUDIT_TABLE", "")
MODERATION_REPORTS_TABLE = env_str("MODERATION_REPORTS_TABLE", "")
# Requests to invalidate CDN paths (a takedown); its stream feeds the invalidator function.
PLATFORM_INVALIDATIONS_TABLE = env_str("PLATFORM_INVALIDATIONS_TABLE", "")

# --- Moderation ------------------------------------------------------------------------------
# "Report this image": per client address and per image, in fixed windows (DynamoDB
# counters with a TTL, so every Lambda instance shares them).
MODERATION_REPORT_WINDOW = env_int("MODERATION_REPORT_WINDOW", 3600)
MODERATION_REPORTS_PER_CLIENT = env_int("MODERATION_REPORTS_PER_CLIENT", 10)
MODERATION_REPORTS_PER_IMAGE = env_int("MODERATION_REPORTS_PER_IMAGE", 100)
MODERATION_INVALIDATION_KEEP_DAYS = env_int("MODERATION_INVALIDATION_KEEP_DAYS", 90)

# --- Short links ---------------------------------------------------------------------------
SHORTLINKS_CODE_LENGTH = env_int("SHORTLINKS_CODE_LENGTH", 12)  # base62: about 71 bits
SHORTLINKS_KEEP_DEAD_DAYS = env_int("SHORTLINKS_KEEP_DEAD_DAYS", 30)  # owner sees dead links, then TTL
SHORTLINKS_MAX_EXPIRY_DAYS = env_int("SHORTLINKS_MAX_EXPIRY_DAYS", 3650)
# Password attempts per window, per client and (against many addresses) per link.
SHORTLINKS_PASSWORD_WINDOW = env_int("SHORTLINKS_PASSWORD_WINDOW", 900)
SHORTLINKS_PASSWORD_ATTEMPTS = env_int("SHORTLINKS_PASSWORD_ATTEMPTS", 5)
SHORTLINKS_PASSWORD_ATTEMPTS_PER_LINK = env_int("SHORTLINKS_PASSWORD_ATTEMPTS_PER_LINK", 50)
# How long a visit through a link lets the visitor see an unlisted image's share page.
SHORTLINKS_GRANT_SECONDS = env_int("SHORTLINKS_GRANT_SECONDS", 3600)
# The visitor's address (for the password-attempt limit) follows CLIENT_IP_TRUSTED_PROXIES.

# --- The upload pipeline ------------------------------------------------------------------
# Named renditions made at upload time: name -> geometry. Each is written in every format
# of GALLERY_RENDITION_FORMATS. Renditions are never upscaled.
GALLERY_RENDITIONS = {
    "thumb": "max-320x320",
    "medium": "max-1024x1024",
    "large": "max-2048x2048",
}
GALLERY_RENDITION_FORMATS = {
    "jpeg": "format-jpeg|quality-82",
    "webp": "format-webp|quality-80",
}
# The largest file accepted, through a direct upload to the bucket (POST /api/v1/uploads).
GALLERY_MAX_UPLOAD_BYTES = env_int("GALLERY_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# The largest file sent through the web request itself (POST /api/v1/images, the page's
# form without JavaScript). On Lambda a request carries at most 6 MB: production sets 4 MB.
GALLERY_MAX_INLINE_UPLOAD_BYTES = env_int("GALLERY_MAX_INLINE_UPLOAD_BYTES", GALLERY_MAX_UPLOAD_BYTES)
# How long a direct upload's presigned POST is valid, in seconds.
GALLERY_UPLOAD_EXPIRES = env_int("GALLERY_UPLOAD_EXPIRES", 15 * 60)
# True where the bucket announces new uploads (S3 ObjectCreated through Zappa, in AWS): the
# completion call then leaves the pipeline to the event. Locally nothing announces them.
GALLERY_UPLOAD_EVENTS = env_bool("GALLERY_UPLOAD_EVENTS", False)
GALLERY_MAX_PIXELS = env_int("GALLERY_MAX_PIXELS", 100_000_000)
GALLERY_MAX_FRAMES = env_int("GALLERY_MAX_FRAMES", 300)
GALLERY_MAX_CUSTOM_SIDE = env_int("GALLERY_MAX_CUSTOM_SIDE", 4096)
GALLERY_MAX_CUSTOM_RENDITIONS = env_int("GALLERY_MAX_CUSTOM_RENDITIONS", 12)
GALLERY_PAGE_SIZE = env_int("GALLERY_PAGE_SIZE", 24)
# Malware scanning before validation (gallery/scanning.py, docs/scanning.md): "none",
# "clamd" (a ClamAV daemon at GALLERY_CLAMD_URL: tcp://host:port or unix:///path), or the
# external scanners "bucketav" / "guardduty", whose findings arrive later as events.
GALLERY_SCANNER = env_str("GALLERY_SCANNER", "none")
GALLERY_CLAMD_URL = env_str("GALLERY_CLAMD_URL", "tcp://127.0.0.1:3310")
GALLERY_SCAN_TIMEOUT = env_int("GALLERY_SCAN_TIMEOUT", 60)  # seconds for one clamd scan

# Uploads above this stay on disk, not in memory, while the request is parsed.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline script on any page; user bytes only from the media origins (imageplatform.csp).
# Settings files that change the bucket or the S3 endpoint set SECURE_CSP again.
GALLERY_MEDIA_ORIGINS = env_list("GALLERY_MEDIA_ORIGINS") or s3_media_origins(
    GALLERY_BUCKET, AWS_REGION, AWS_S3_ENDPOINT_URL
)
SECURE_CSP = csp_policy(GALLERY_MEDIA_ORIGINS)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# One JSON object per line on stdout (CloudWatch reads it); metrics are lines too (EMF).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "imageplatform.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        # metrics are data, not chatter: kept whatever LOG_LEVEL says
        "imageplatform.metrics": {"level": "INFO"},
        # Zappa's own per-request line (plain text) would duplicate imageplatform.request
        "handler": {"level": "WARNING"},
        "zappa": {"level": "WARNING"},
    },
}
