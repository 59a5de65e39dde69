"""AWS Lambda (Zappa). Refuses to start when a required variable is missing."""

from imageplatform.env import env_str
from imageplatform.settings.base import *  # noqa: F403

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
GALLERY_BUCKET = env_str("GALLERY_BUCKET")
GALLERY_TABLE = env_str("GALLERY_TABLE")
SHORTLINKS_TABLE = env_str("SHORTLINKS_TABLE")

SECURE_SSL_REDIRECT = False  # CloudFront redirects to HTTPS before the request gets here
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
