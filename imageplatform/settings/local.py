"""`make run`: the local S3- and DynamoDB-compatible servers started by devstack."""

import secrets

from imageplatform.env import env_int, env_str
from imageplatform.settings.base import *  # noqa: F403
from imageplatform.settings.base import STORAGES, VAR_DIR

DEBUG = True

VAR_DIR.mkdir(parents=True, exist_ok=True)
if not SECRET_KEY:  # noqa: F405
    # A key made once per checkout and kept under var/ (never committed).
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

S3RVER_PORT = env_int("S3RVER_PORT", 4568)
DYNALITE_PORT = env_int("DYNALITE_PORT", 4567)
# 127.0.0.2: user bytes on an origin of their own (devstack.servers.MEDIA_HOST).
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", f"http://127.0.0.2:{S3RVER_PORT}")
DYNAMODB_ENDPOINT_URL = env_str("DYNAMODB_ENDPOINT_URL", f"http://127.0.0.1:{DYNALITE_PORT}")
# s3rver's fixed keys; dynalite accepts any. Public test values, not secrets.
LOCAL_AWS_ACCESS_KEY_ID = "S3RVER"
LOCAL_AWS_SECRET_ACCESS_KEY = "S3RVER"

GALLERY_BUCKET = env_str("GALLERY_BUCKET", "imageplatform-local")
GALLERY_TABLE = env_str("GALLERY_TABLE", "imageplatform-local-images")
SHORTLINKS_TABLE = env_str("SHORTLINKS_TABLE", "imageplatform-local-shortlinks")
MODERATION_AUDIT_TABLE = env_str("MODERATION_AUDIT_TABLE", "imageplatform-local-moderation-audit")
MODERATION_REPORTS_TABLE = env_str("MODERATION_REPORTS_TABLE", "imageplatform-local-moderation-reports")
PLATFORM_INVALIDATIONS_TABLE = env_str("PLATFORM_INVALIDATIONS_TABLE", "imageplatform-local-invalidations")

STORAGES = {**STORAGES}
STORAGES["default"] = {
    **STORAGES["default"],
    "OPTIONS": {
        **STORAGES["default"]["OPTIONS"],
        "bucket_name": GALLERY_BUCKET,
        "endpoint_url": AWS_S3_ENDPOINT_URL,
        "access_key": LOCAL_AWS_ACCESS_KEY_ID,
        "secret_key": LOCAL_AWS_SECRET_ACCESS_KEY,
        "addressing_style": "path",
    },
}

# User bytes come from the local S3 server's origin (imageplatform.csp).
from imageplatform.csp import policy as _csp_policy  # noqa: E402
from imageplatform.csp import s3_media_origins as _s3_media_origins  # noqa: E402

GALLERY_MEDIA_ORIGINS = _s3_media_origins(GALLERY_BUCKET, AWS_REGION, AWS_S3_ENDPOINT_URL)  # noqa: F405
SECURE_CSP = _csp_policy(GALLERY_MEDIA_ORIGINS)

# The console of `make run` is read by a person: one short line per request (method, path,
# status, ms) instead of JSON, and runserver's own request line and Django's "Not Found"
# warnings are off, since the request line already says so. Production keeps JSON lines.
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": {**LOGGING["formatters"], "console": {"()": "imageplatform.logging.ConsoleFormatter"}},  # noqa: F405
    "handlers": {
        **LOGGING["handlers"],  # noqa: F405
        "console": {**LOGGING["handlers"]["console"], "formatter": "console"},  # noqa: F405
    },
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.request": {"level": "ERROR"},
    },
}
