"""Where files live: the media bucket through django-storages' S3Storage.

Keys are derived from the image id, so every object of an image sits under two prefixes
(``originals/<id>/`` and ``renditions/<id>/``) that deleting an image empties.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from imageplatform.dynamo import table_definitions


def media_storage():
    return storages["default"]


def s3_client():
    """The boto3 client configured exactly like the storage (endpoint, keys, region)."""
    return media_storage().connection.meta.client


def prefix(kind: str) -> str:
    return table_definitions()["s3_prefixes"][kind]


def original_key(image_id: str, extension: str) -> str:
    return f"{prefix('originals')}{image_id}/original.{extension}"


def rendition_key(image_id: str, name: str, spec: str, extension: str) -> str:
    """A new spec gives a new key, so cached copies (CloudFront, browsers) never go stale."""
    digest = hashlib.sha256(spec.encode()).hexdigest()[:10]
    safe = name.replace(".", "-")
    return f"{prefix('renditions')}{image_id}/{safe}-{digest}.{extension}"


def upload_key(image_id: str) -> str:
    """Where the browser puts a direct upload (a presigned POST for exactly this key)."""
    return f"{prefix('uploads')}{image_id}/upload"


def quarantine_key(image_id: str) -> str:
    return f"{prefix('quarantine')}{image_id}/upload"


def image_id_from_upload_key(key: str) -> str | None:
    """The image id of ``uploads/<id>/upload``; None for any other key."""
    head = prefix("uploads")
    if not key.startswith(head) or not key.endswith("/upload"):
        return None
    image_id = key[len(head) : -len("/upload")]
    return image_id if image_id and "/" not in image_id else None


def image_prefixes(image_id: str) -> list[str]:
    """The prefixes an image's listed objects are under (its original and renditions)."""
    return [f"{prefix('originals')}{image_id}/", f"{prefix('renditions')}{image_id}/"]


def image_keys(image_id: str) -> list[str]:
    """Every object of an image: the direct upload and the quarantined copy (exact keys, no
    listing needed) and whatever is under its prefixes."""
    keys = [upload_key(image_id), quarantine_key(image_id)]
    return keys + [k for p in image_prefixes(image_id) for k in list_keys(p)]


def presigned_post(key: str, content_type: str, *, max_bytes: int, expires_in: int) -> dict:
    """A presigned POST for exactly ``key``: 1..max_bytes bytes, an ``image/*`` Content-Type
    (the declared one), valid for ``expires_in`` seconds. Returns ``{"url", "fields"}``.

    The policy is only a first fence: S3 checks the form fields, not the bytes, and local S3
    servers check nothing, so the pipeline checks the real size and format again."""
    return s3_client().generate_presigned_post(
        Bucket=media_storage().bucket_name,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            ["content-length-range", 1, max_bytes],
            ["starts-with", "$Content-Type", "image/"],
            {"Content-Type": content_type},
        ],
        ExpiresIn=expires_in,
    )


def head(key: str) -> int | None:
    """The stored size of ``key`` in bytes, or None when there is no such object."""
    client = s3_client()
    try:
        answer = client.head_object(Bucket=media_storage().bucket_name, Key=key)
    except client.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return int(answer["ContentLength"])


def put(key: str, data: bytes, content_type: str) -> None:
    content = ContentFile(data)
    content.content_type = content_type
    media_storage().save(key, content)


def put_original(key: str, data: bytes, content_type: str) -> None:
    """The untouched upload: stored with ``Content-Disposition: attachment``, so whatever
    else its bytes may be (an image can also be valid HTML or script), a browser that opens
    it directly saves it instead of rendering it."""
    storage = media_storage()
    s3_client().put_object(
        Bucket=storage.bucket_name,
        Key=key,
        Body=data,
        ContentType=content_type,
        ContentDisposition="attachment",
        **storage.get_object_parameters(key),
    )


def put_quarantined(key: str, data: bytes) -> None:
    """A file the scanner flagged: kept for moderators as an opaque attachment, never served
    (no CloudFront behaviour reaches ``quarantine/``)."""
    storage = media_storage()
    s3_client().put_object(
        Bucket=storage.bucket_name,
        Key=key,
        Body=data,
        ContentType="application/octet-stream",
        ContentDisposition="attachment",
        **storage.get_object_parameters(key),
    )


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name, for every browser (RFC 6266 / RFC 5987)."""
    from urllib.parse import quote

    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%;' else "_" for c in filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_url(key: str, filename: str) -> str:
    """A signed URL whose answer makes the browser save the file as ``filename``."""
    return media_storage().url(key, parameters={"ResponseContentDisposition": content_disposition(filename)})


def read(key: str) -> bytes:
    with media_storage().open(key, "rb") as fh:
        return fh.read()


def url(key: str) -> str:
    """A URL the browser can fetch: presigned (or CloudFront-signed) for private files."""
    return media_storage().url(key)


def rendition_url(key: str, *, shared: bool) -> str:
    """A rendition's URL. Of a shared (public or unlisted) image, when
    GALLERY_SHARED_RENDITIONS_URL names the CDN (production: the public origin, where
    CloudFront serves /renditions/* from the bucket): unsigned, cacheable and lasting, so
    link previews and open tabs keep their images. Otherwise a short-lived signed URL."""
    from django.conf import settings

    base = settings.GALLERY_SHARED_RENDITIONS_URL
    if shared and base:
        return f"{base.rstrip('/')}/{key}"
    return url(key)


def delete_keys(keys: list[str]) -> None:
    client, bucket = s3_client(), media_storage().bucket_name
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})


def list_keys(key_prefix: str) -> list[str]:
    client, bucket = s3_client(), media_storage().bucket_name
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key_prefix):
        keys.extend(obj["Key"] for obj in page.get("Contents", []))
    return keys


def list_objects(key_prefix: str):
    """(key, last modified) of every object under the prefix."""
    client, bucket = s3_client(), media_storage().bucket_name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key_prefix):
        for obj in page.get("Contents", []):
            yield obj["Key"], obj["LastModified"]


def bucket_ensure() -> bool:
    """Create the bucket if it does not exist; True when it was created."""
    client, bucket = s3_client(), media_storage().bucket_name
    try:
        client.head_bucket(Bucket=bucket)
        return False
    except client.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
    region = client.meta.region_name
    if region and region != "us-east-1":
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    else:
        client.create_bucket(Bucket=bucket)
    return True


def bucket_reachable() -> None:
    """The health check: one listing under ``healthz/`` (at most one key). The Lambda role
    allows ListBucket only with an s3:prefix condition; HeadBucket would be denied."""
    s3_client().list_objects_v2(Bucket=media_storage().bucket_name, Prefix="healthz/", MaxKeys=1)
