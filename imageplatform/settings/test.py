"""pytest: moto by default; integration tests point the endpoints at the local servers."""

from imageplatform.settings.base import *  # noqa: F403
from imageplatform.settings.base import STORAGES

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

GALLERY_BUCKET = "test-gallery"
GALLERY_TABLE = "test-images"
SHORTLINKS_TABLE = "test-shortlinks"
MODERATION_AUDIT_TABLE = "test-moderation-audit"
MODERATION_REPORTS_TABLE = "test-moderation-reports"
PLATFORM_INVALIDATIONS_TABLE = "test-invalidations"
AWS_REGION = "us-east-1"
AWS_S3_ENDPOINT_URL = None
DYNAMODB_ENDPOINT_URL = None

STORAGES = {**STORAGES}
STORAGES["default"] = {
    **STORAGES["default"],
    "OPTIONS": {**STORAGES["default"]["OPTIONS"], "bucket_name": GALLERY_BUCKET},
}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

from imageplatform.csp import policy as _csp_policy  # noqa: E402
from imageplatform.csp import s3_media_origins as _s3_media_origins  # noqa: E402

GALLERY_MEDIA_ORIGINS = _s3_media_origins(GALLERY_BUCKET, AWS_REGION, None)
SECURE_CSP = _csp_policy(GALLERY_MEDIA_ORIGINS)
