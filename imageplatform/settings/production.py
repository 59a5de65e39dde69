"""AWS Lambda (Zappa). Refuses to start when a required value is missing.

Where each value comes from (docs/deployment.md has the whole hand-off):
- Terraform outputs, through zappa_settings.json's ``aws_environment_variables`` (names,
  not secrets): PUBLIC_ORIGIN, GALLERY_BUCKET, GALLERY_TABLE, SHORTLINKS_TABLE,
  DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, APP_SECRET_ARN, DATABASE_SECRET_ARN, and
  CLOUDFRONT_DOMAIN / CLOUDFRONT_KEY_ID / CLOUDFRONT_PRIVATE_KEY_PARAMETER only when file
  URLs are signed by CloudFront (without CLOUDFRONT_KEY_ID they are S3 presigned URLs).
- Secrets Manager, read once per process at cold start (imageplatform.secrets), never put
  in an environment variable, a file or a log: the app secret (Django's key, the
  origin-verify values, optionally the CloudFront private key) and the database secret
  RDS manages (username, password).
- Lambda itself: AWS_REGION, and the execution role's credentials, which boto3 finds.

``DJANGO_SECRETS_FROM_ENV=true`` (and no APP_SECRET_ARN) is the one exception: an explicit
switch for offline runs that have no Secrets Manager (building the package's static files,
tests/lambda), which then take DJANGO_SECRET_KEY, DATABASE_URL and ORIGIN_VERIFY_VALUES
from the environment. The deployment never sets it (scripts/zappa_settings.py refuses it),
and `make rehearse` runs the Secrets Manager path.

Static files: ``collectstatic`` runs when the package is built (scripts/package.sh); the
hashed files go to the static bucket, which CloudFront serves under /static/ of the public
origin, and only the manifest ships in the zip.
"""

from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from imageplatform.env import env_bool, env_int, env_list, env_str
from imageplatform.settings.base import *  # noqa: F403
from imageplatform.settings.base import AWS_REGION, AWS_S3_ENDPOINT_URL, MIDDLEWARE, STORAGES

DEBUG = False

# --- The public origin: every absolute URL, the hosts, CSRF -------------------------------
PUBLIC_ORIGIN = env_str("PUBLIC_ORIGIN").rstrip("/")
_origin = urlsplit(PUBLIC_ORIGIN)
if _origin.scheme != "https" or not _origin.hostname or _origin.path or _origin.query:
    raise ImproperlyConfigured(
        f"PUBLIC_ORIGIN must look like https://images.example.com, not {PUBLIC_ORIGIN!r}."
    )
PUBLIC_HOST = _origin.netloc

# CloudFront forwards to API Gateway, so the Host header is API Gateway's; CloudFront adds
# X-Forwarded-Host (a fixed origin header: the public host, whatever a client sent) and
# the host Django sees, checks and builds redirects with is that one. The API Gateway
# host is deliberately not allowed: a request that skipped CloudFront is refused anyway
# (the origin lock), and nothing may ever build a URL on it.
USE_X_FORWARDED_HOST = True
ALLOWED_HOSTS = [PUBLIC_HOST.split(":")[0]] + env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = [PUBLIC_ORIGIN] + env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# CloudFront forwards to API Gateway with the origin path /<stage>, and Zappa then sets
# SCRIPT_NAME to /<stage>: links must not carry it, since visitors use CloudFront's paths.
FORCE_SCRIPT_NAME = env_str("DJANGO_FORCE_SCRIPT_NAME", "")

# The visitor's address for the throttles (imageplatform.client_ip): CloudFront, then API
# Gateway, each append to X-Forwarded-For, so the visitor is the second entry from the right.
CLIENT_IP_TRUSTED_PROXIES = env_int("CLIENT_IP_TRUSTED_PROXIES", 2)

GALLERY_BUCKET = env_str("GALLERY_BUCKET")
GALLERY_TABLE = env_str("GALLERY_TABLE")
SHORTLINKS_TABLE = env_str("SHORTLINKS_TABLE")

# --- Secrets: Secrets Manager at cold start (or the explicit offline switch) ------------
APP_SECRET_ARN = env_str("APP_SECRET_ARN", "")
DATABASE_SECRET_ARN = env_str("DATABASE_SECRET_ARN", "")
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 300)
ORIGIN_VERIFY_HEADER = env_str("ORIGIN_VERIFY_HEADER", "X-Origin-Verify")

if APP_SECRET_ARN or DATABASE_SECRET_ARN or not env_bool("DJANGO_SECRETS_FROM_ENV", False):
    from imageplatform.secrets import secret_json

    if not (APP_SECRET_ARN and DATABASE_SECRET_ARN):
        raise ImproperlyConfigured(
            "Set APP_SECRET_ARN and DATABASE_SECRET_ARN (Terraform's lambda_environment)."
        )
    _app = secret_json(APP_SECRET_ARN, AWS_REGION)
    _app.require("django_secret_key", "origin_verify_current", source=APP_SECRET_ARN)
    _db = secret_json(DATABASE_SECRET_ARN, AWS_REGION)
    _db.require("username", "password", source=DATABASE_SECRET_ARN)

    SECRET_KEY = _app["django_secret_key"]
    ORIGIN_VERIFY_VALUES = tuple(
        v for v in (_app.get("origin_verify_current"), _app.get("origin_verify_previous")) if v
    )
    _cloudfront_pem = _app.get("cloudfront_private_key", "")

    # Django's database: Aurora PostgreSQL in the platform's VPC (docs/deployment.md).
    # Connections are kept by a warm container and checked before reuse.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": env_str("DATABASE_HOST"),
            "PORT": str(env_int("DATABASE_PORT", 5432)),
            "NAME": env_str("DATABASE_NAME"),
            "USER": _db["username"],
            "PASSWORD": _db["password"],
            "CONN_MAX_AGE": DATABASE_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"sslmode": "require", "connect_timeout": 5},
        }
    }
    del _app, _db
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ORIGIN_VERIFY_VALUES = tuple(env_list("ORIGIN_VERIFY_VALUES"))
    _cloudfront_pem = env_str("CLOUDFRONT_PRIVATE_KEY", "").replace("\\n", "\n")
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL"), conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
        )
    }

# --- The origin lock: right after the request log, before anything else ----------------
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(
    MIDDLEWARE.index("imageplatform.logging.RequestLogMiddleware") + 1,
    "imageplatform.origin.OriginVerifyMiddleware",
)

# --- HTTPS only. API Gateway sets X-Forwarded-Proto; Zappa turns it into the scheme. ------
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True


# --- Files: the media bucket, URLs signed by CloudFront or presigned by S3 ---------------
class LazyCloudFrontSigner:
    """django-storages' ``cloudfront_signer``, made on the first signed URL, not at start-up.

    The PEM comes from ``pem`` (the app secret) or, when that is empty, from the SSM
    SecureString ``parameter``. CloudFront verifies RSA-SHA1 signatures (botocore's
    CloudFrontSigner).
    """

    def __init__(self, key_id: str, *, pem: str = "", parameter: str = "", region: str = ""):
        self.key_id, self.parameter, self.region = key_id, parameter, region
        self._pem = pem
        self._signer = None

    def _load(self):
        from botocore.signers import CloudFrontSigner
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        pem = self._pem
        if not pem:
            import boto3

            ssm = boto3.client("ssm", region_name=self.region)
            pem = ssm.get_parameter(Name=self.parameter, WithDecryption=True)["Parameter"]["Value"]
        key = load_pem_private_key(pem.encode(), password=None)
        self._pem = ""
        return CloudFrontSigner(self.key_id, lambda msg: key.sign(msg, padding.PKCS1v15(), hashes.SHA1()))

    def generate_presigned_url(self, url, date_less_than=None, policy=None):
        if self._signer is None:
            self._signer = self._load()
        return self._signer.generate_presigned_url(url, date_less_than=date_less_than, policy=policy)

    def __repr__(self):  # never show the key
        return f"<LazyCloudFrontSigner key_id={self.key_id}>"


CLOUDFRONT_KEY_ID = env_str("CLOUDFRONT_KEY_ID", "")
_media = {
    "bucket_name": GALLERY_BUCKET,
    # Only off AWS (tests/lambda, the rehearsal): an S3 API on 127.0.0.1.
    **({"addressing_style": "path"} if AWS_S3_ENDPOINT_URL else {}),
}
if CLOUDFRONT_KEY_ID:
    # CloudFront-signed URLs on the distribution's domain (or the public host).
    CLOUDFRONT_DOMAIN = env_str("CLOUDFRONT_DOMAIN", PUBLIC_HOST)
    _parameter = env_str("CLOUDFRONT_PRIVATE_KEY_PARAMETER", "")
    if not (_cloudfront_pem or _parameter):
        raise ImproperlyConfigured(
            "CLOUDFRONT_KEY_ID is set: put cloudfront_private_key in the app secret or set "
            "CLOUDFRONT_PRIVATE_KEY_PARAMETER (an SSM parameter name)."
        )
    _media.update(
        custom_domain=CLOUDFRONT_DOMAIN,
        cloudfront_signer=LazyCloudFrontSigner(
            CLOUDFRONT_KEY_ID, pem=_cloudfront_pem, parameter=_parameter, region=AWS_REGION
        ),
    )
else:
    # S3 presigned URLs (SigV4, GALLERY_URL_EXPIRY seconds), signed locally with the role's
    # credentials: no call to AWS, no extra permission beyond s3:GetObject.
    CLOUDFRONT_DOMAIN = ""
del _cloudfront_pem

STORAGES = {**STORAGES}
STORAGES["default"] = {
    **STORAGES["default"],
    "OPTIONS": {**STORAGES["default"]["OPTIONS"], **_media},
}

# Renditions of shared images: unsigned on the public origin, where CloudFront serves
# /renditions/* from the bucket (OAC) and caches them; private files stay presigned.
GALLERY_SHARED_RENDITIONS_URL = env_str("GALLERY_SHARED_RENDITIONS_URL", PUBLIC_ORIGIN)

# --- Static files: hashed names, the manifest in the package, the files on CloudFront ----
STATIC_URL = f"{PUBLIC_ORIGIN}/static/"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}

# --- Metrics (imageplatform.metrics): namespace and the Stage dimension -----------------
METRICS_NAMESPACE = env_str("METRICS_NAMESPACE", "Imageplatform")
METRICS_STAGE = env_str("METRICS_STAGE", env_str("STAGE", "production"))  # Zappa sets STAGE

# --- Content-Security-Policy: user bytes only from the media origin (imageplatform.csp) --
from imageplatform.csp import policy as _csp_policy  # noqa: E402
from imageplatform.csp import s3_media_origins as _s3_media_origins  # noqa: E402

GALLERY_MEDIA_ORIGINS = (
    [f"https://{CLOUDFRONT_DOMAIN}"]
    if CLOUDFRONT_DOMAIN
    else _s3_media_origins(GALLERY_BUCKET, AWS_REGION, AWS_S3_ENDPOINT_URL)
)
SECURE_CSP = _csp_policy(GALLERY_MEDIA_ORIGINS)
