"""AWS Lambda (Zappa). Refuses to start when a required variable is missing.

Where each value comes from (docs/deployment.md has the whole hand-off):
- Terraform outputs, through zappa_settings.json's ``aws_environment_variables``:
  GALLERY_BUCKET, GALLERY_TABLE, SHORTLINKS_TABLE, CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_ID,
  CLOUDFRONT_PRIVATE_KEY_PARAMETER. Not secret.
- Secrets, set on the Lambda function by the deploy pipeline from SSM SecureString
  parameters, never in git, zappa_settings.json or the zip: DJANGO_SECRET_KEY and
  DATABASE_URL. The CloudFront private key (PEM) is CLOUDFRONT_PRIVATE_KEY when set, else it
  is read from the SSM parameter CLOUDFRONT_PRIVATE_KEY_PARAMETER the first time a URL is
  signed (not at start-up: the cold start makes no network call for it).
- Lambda itself: AWS_REGION, and the execution role's credentials, which boto3 finds.

Static files: ``collectstatic`` runs when the package is built (scripts/package.sh); the
hashed files go to the static bucket, which CloudFront serves under /static/, and only
the manifest ships in the zip. Lambda never spends an invocation on a stylesheet, and
the hashed names are cached for a year at the edge (chosen over whitenoise for that).
"""

import dj_database_url

from imageplatform.env import env_bool, env_int, env_list, env_str
from imageplatform.settings.base import *  # noqa: F403
from imageplatform.settings.base import AWS_REGION, AWS_S3_ENDPOINT_URL, STORAGES

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False

GALLERY_BUCKET = env_str("GALLERY_BUCKET")
GALLERY_TABLE = env_str("GALLERY_TABLE")
SHORTLINKS_TABLE = env_str("SHORTLINKS_TABLE")
CLOUDFRONT_DOMAIN = env_str("CLOUDFRONT_DOMAIN")

# --- Django's database: PostgreSQL (Amazon RDS, see docs/deployment.md) -------------------
# Required: a Lambda's /tmp is neither shared nor kept, so SQLite cannot hold users there.
# Connections are kept between the invocations of one warm container and checked first.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 300),
        conn_health_checks=True,
    )
}

# --- Hosts: the site's CloudFront domain, and API Gateway (CloudFront's origin) ---------
ALLOWED_HOSTS = [CLOUDFRONT_DOMAIN, f".execute-api.{AWS_REGION}.amazonaws.com"] + env_list(
    "DJANGO_ALLOWED_HOSTS"
)
CSRF_TRUSTED_ORIGINS = [f"https://{CLOUDFRONT_DOMAIN}"] + env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# CloudFront forwards to API Gateway with the origin path /<stage>, and Zappa then sets
# SCRIPT_NAME to /<stage>: links must not carry it, since visitors use CloudFront's paths.
FORCE_SCRIPT_NAME = env_str("DJANGO_FORCE_SCRIPT_NAME", "")

# --- HTTPS only. API Gateway sets X-Forwarded-Proto; Zappa turns it into the scheme. ------
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True


# --- Files: the media bucket behind CloudFront, URLs signed with CloudFront's key --------
class LazyCloudFrontSigner:
    """django-storages' ``cloudfront_signer``, made on the first signed URL, not at start-up.

    The PEM comes from ``pem`` or, when that is empty, from the SSM SecureString
    ``parameter``. CloudFront verifies RSA-SHA1 signatures (botocore's CloudFrontSigner).
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


CLOUDFRONT_KEY_ID = env_str("CLOUDFRONT_KEY_ID")
_private_key = env_str("CLOUDFRONT_PRIVATE_KEY", "").replace("\\n", "\n")
_private_key_parameter = env_str("CLOUDFRONT_PRIVATE_KEY_PARAMETER", "")
if not (_private_key or _private_key_parameter):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set CLOUDFRONT_PRIVATE_KEY (PEM) or CLOUDFRONT_PRIVATE_KEY_PARAMETER (an SSM parameter name)."
    )

STORAGES = {**STORAGES}
STORAGES["default"] = {
    **STORAGES["default"],
    "OPTIONS": {
        **STORAGES["default"]["OPTIONS"],
        "bucket_name": GALLERY_BUCKET,
        "custom_domain": CLOUDFRONT_DOMAIN,
        "cloudfront_signer": LazyCloudFrontSigner(
            CLOUDFRONT_KEY_ID, pem=_private_key, parameter=_private_key_parameter, region=AWS_REGION
        ),
        # Only off AWS (the offline handler tests): the local S3-compatible server.
        **({"addressing_style": "path"} if AWS_S3_ENDPOINT_URL else {}),
    },
}
del _private_key

# --- Static files: hashed names, the manifest in the package, the files on CloudFront ----
STATIC_URL = f"https://{CLOUDFRONT_DOMAIN}/static/"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}

# --- Metrics (imageplatform.metrics): namespace and the Stage dimension -----------------
METRICS_NAMESPACE = env_str("METRICS_NAMESPACE", "Imageplatform")
METRICS_STAGE = env_str("METRICS_STAGE", env_str("STAGE", "production"))  # Zappa sets STAGE
