"""Helpers of the root conftest.py that tests may import too (``from tests.support import ...``).

Point the settings at a set of stores (moto, the local servers, or an unreachable port)
and forget cached clients when they no longer match.
"""

from pathlib import Path

PHOTOS = Path(__file__).resolve().parent.parent / "gallery" / "tests" / "photos"


def _reset_clients():
    from django.core.files.storage import storages

    from gallery.models import ImageItem
    from imageplatform.dynamo import reset_connections
    from moderation.items import AuditItem, InvalidationItem, ReportItem
    from shortlinks.models import ShortLinkItem

    reset_connections(ImageItem, ShortLinkItem, AuditItem, ReportItem, InvalidationItem)
    storages._storages.clear()


def _clients_match_settings() -> bool:
    """The cached S3 storage and table connections still point where settings say (making
    new boto3 clients costs ~0.1 s a test, so moto tests keep them when nothing changed)."""
    from django.conf import settings
    from django.core.files.storage import storages

    from gallery.models import ImageItem
    from moderation.items import AuditItem, InvalidationItem, ReportItem
    from shortlinks.models import ShortLinkItem

    storage = storages._storages.get("default")
    if storage is not None and (
        storage.bucket_name != settings.GALLERY_BUCKET or storage.endpoint_url != settings.AWS_S3_ENDPOINT_URL
    ):
        return False
    for model in (ImageItem, ShortLinkItem, AuditItem, ReportItem, InvalidationItem):
        connection = model._connection
        if connection is not None and (
            connection.table_name != model.Meta.table_name
            or connection.connection.host != settings.DYNAMODB_ENDPOINT_URL
        ):
            return False
    return True


def _point_at(settings, *, s3_url, dynamodb_url, access_key, secret_key, suffix):
    settings.GALLERY_BUCKET = f"test-gallery-{suffix}"
    settings.GALLERY_TABLE = f"test-images-{suffix}"
    settings.SHORTLINKS_TABLE = f"test-shortlinks-{suffix}"
    settings.MODERATION_AUDIT_TABLE = f"test-moderation-audit-{suffix}"
    settings.MODERATION_REPORTS_TABLE = f"test-moderation-reports-{suffix}"
    settings.PLATFORM_INVALIDATIONS_TABLE = f"test-invalidations-{suffix}"
    settings.AWS_S3_ENDPOINT_URL = s3_url
    settings.DYNAMODB_ENDPOINT_URL = dynamodb_url
    settings.LOCAL_AWS_ACCESS_KEY_ID = access_key
    settings.LOCAL_AWS_SECRET_ACCESS_KEY = secret_key
    options = {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": settings.GALLERY_BUCKET}
    if s3_url:
        options.update(
            endpoint_url=s3_url, access_key=access_key, secret_key=secret_key, addressing_style="path"
        )
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}
    from imageplatform.csp import policy, s3_media_origins

    settings.GALLERY_MEDIA_ORIGINS = s3_media_origins(settings.GALLERY_BUCKET, settings.AWS_REGION, s3_url)
    settings.SECURE_CSP = policy(settings.GALLERY_MEDIA_ORIGINS)
