"""The Content-Security-Policy of every page (Django's ContentSecurityPolicyMiddleware).

No inline script anywhere: scripts, styles and fonts come from this origin only. Images
and the direct-upload POST may also go to the media origins, the separate origin that
serves user bytes (the S3 bucket or the local S3 server), never this one: an uploaded
file that is both an image and a script can then never run as this site's script.
CloudFront sends the same policy (terraform/modules/cdn, response headers policy).
"""

from urllib.parse import urlsplit

from django.utils.csp import CSP


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def policy(media_origins: list[str]) -> dict:
    media = sorted({o for o in media_origins if o})
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF, "data:", "blob:", *media],
        "media-src": [CSP.SELF, *media],
        "connect-src": [CSP.SELF, *media],
        "form-action": [CSP.SELF, *media],
        "font-src": [CSP.SELF],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }


def s3_media_origins(bucket: str, region: str, endpoint_url: str | None) -> list[str]:
    """Where presigned URLs of the bucket point: the endpoint (local server) or S3's hosts."""
    if endpoint_url:
        return [origin_of(endpoint_url)]
    if not bucket:
        return []
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com"]
