#!/usr/bin/env python
"""Read-only consistency check of the stores: DynamoDB records against S3 objects.

    DJANGO_SETTINGS_MODULE=imageplatform.settings.local .venv/bin/python scripts/consistency_check.py

Uses the configured stores (settings: GALLERY_BUCKET, GALLERY_TABLE, SHORTLINKS_TABLE,
the endpoints and keys), reads everything with Scan and ListObjectsV2 (fine for a tool,
never on a request path), writes nothing, and checks:

1. every image record's S3 objects exist: the original (except for images still
   ``pending``, whose direct upload may never have come, and ``rejected`` ones) and each
   rendition key in the record;
2. every object under originals/ and renditions/ belongs to a record and is the key the
   record names (no orphans, no stale renditions);
3. every ready image has its default short link: the link named by the record's
   ``short_code`` (when the record has one) exists and points back at the image, or, for
   records without it, at least one link of the image exists;
4. no live (not revoked) short link points at an image that does not exist.

Prints every violation and a summary; exits 1 on any violation, 2 when a store cannot be
read. It reads raw items through boto3 (not the PynamoDB models) so that it checks what
is stored, whatever the models look like today. `manage.py repair` will own the repair.
"""

import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MAX_SHOWN = 50


def _clients():
    import boto3
    from django.conf import settings

    options = settings.STORAGES["default"]["OPTIONS"]
    common = {"region_name": settings.AWS_REGION}
    s3_kwargs = dict(common, endpoint_url=options.get("endpoint_url") or settings.AWS_S3_ENDPOINT_URL)
    if options.get("access_key"):
        s3_kwargs.update(aws_access_key_id=options["access_key"], aws_secret_access_key=options["secret_key"])
    dynamo_kwargs = dict(common, endpoint_url=settings.DYNAMODB_ENDPOINT_URL)
    if settings.DYNAMODB_ENDPOINT_URL:
        dynamo_kwargs.update(
            aws_access_key_id=settings.LOCAL_AWS_ACCESS_KEY_ID or "local",
            aws_secret_access_key=settings.LOCAL_AWS_SECRET_ACCESS_KEY or "local",
        )
    return boto3.client("s3", **s3_kwargs), boto3.client("dynamodb", **dynamo_kwargs), options["bucket_name"]


def _scan(dynamo, table: str) -> list[dict]:
    items = []
    for page in dynamo.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(page["Items"])
    return items


def _keys(s3, bucket: str, prefix: str) -> set[str]:
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.update(obj["Key"] for obj in page.get("Contents", []))
    return keys


def _s(item: dict, name: str) -> str | None:
    value = item.get(name)
    return value.get("S") if value else None


def _rendition_keys(item: dict) -> dict[str, str]:
    """name -> key of the renditions a raw image item records."""
    renditions = (item.get("renditions") or {}).get("M", {})
    out = {}
    for name, value in renditions.items():
        key = value.get("M", {}).get("key", {}).get("S")
        out[name] = key
    return out


def check(s3, dynamo, bucket: str, images_table: str, links_table: str, prefixes: dict) -> tuple[list, dict]:
    images = {_s(item, "id"): item for item in _scan(dynamo, images_table)}
    links = _scan(dynamo, links_table)
    originals = _keys(s3, bucket, prefixes["originals"])
    renditions = _keys(s3, bucket, prefixes["renditions"])
    objects = originals | renditions
    violations: list[str] = []

    # 1. records -> objects
    referenced: dict[str, str] = {}  # key -> image id
    statuses = Counter()
    for image_id, item in images.items():
        status = _s(item, "status") or "?"
        statuses[status] += 1
        original = _s(item, "original_key")
        if original:
            referenced[original] = image_id
            if status not in ("pending", "rejected") and original not in objects:
                violations.append(f"image {image_id} ({status}): original {original} is missing in S3")
        elif status not in ("pending", "rejected"):
            violations.append(f"image {image_id} ({status}): the record names no original")
        for name, key in _rendition_keys(item).items():
            if not key:
                violations.append(f"image {image_id}: rendition {name} has no key")
                continue
            referenced[key] = image_id
            if key not in objects:
                violations.append(f"image {image_id} ({status}): rendition {name} {key} is missing in S3")

    # 2. objects -> records
    for key in sorted(objects):
        image_id = key.split("/")[1] if key.count("/") >= 2 else None
        if image_id not in images:
            violations.append(f"object {key}: no image record {image_id}")
        elif key not in referenced:
            violations.append(f"object {key}: not named by image {image_id}'s record (orphan or stale)")

    # 3. ready images -> default short link; 4. live links -> images
    links_by_code = {_s(link, "code"): link for link in links}
    links_by_image = defaultdict(list)
    for link in links:
        links_by_image[_s(link, "image_id")].append(link)
        revoked = int(link.get("revoked", {}).get("N", "0"))
        if not revoked and _s(link, "image_id") not in images:
            violations.append(
                f"short link {_s(link, 'code')}: live, but image {_s(link, 'image_id')} is gone"
            )
    for image_id, item in images.items():
        if _s(item, "status") != "ready":
            continue
        code = _s(item, "short_code")
        if "short_code" in item:  # the record names its default link
            if not code:
                violations.append(f"image {image_id} (ready): no default short link (short_code unset)")
            elif code not in links_by_code:
                violations.append(f"image {image_id} (ready): its short link {code} does not exist")
            elif _s(links_by_code[code], "image_id") != image_id:
                violations.append(
                    f"image {image_id} (ready): its short link {code} points at "
                    f"{_s(links_by_code[code], 'image_id')}"
                )
        elif not links_by_image.get(image_id):
            violations.append(f"image {image_id} (ready): no short link at all")

    summary = {
        "images": len(images),
        "statuses": dict(statuses),
        "short_links": len(links),
        "originals": len(originals),
        "renditions": len(renditions),
        "violations": len(violations),
    }
    return violations, summary


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imageplatform.settings.local")
    import django

    django.setup()
    from django.conf import settings

    from imageplatform.dynamo import table_definitions

    s3, dynamo, bucket = _clients()
    try:
        violations, summary = check(
            s3,
            dynamo,
            bucket,
            settings.GALLERY_TABLE,
            settings.SHORTLINKS_TABLE,
            table_definitions()["s3_prefixes"],
        )
    except Exception as exc:  # a store that cannot be read is no verdict
        print(f"consistency check: could not read the stores: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(
        f"==> consistency: {summary['images']} image records {summary['statuses']}, "
        f"{summary['short_links']} short links, {summary['originals']} originals and "
        f"{summary['renditions']} renditions in s3://{bucket}"
    )
    for line in violations[:MAX_SHOWN]:
        print(f"  VIOLATION {line}")
    if len(violations) > MAX_SHOWN:
        print(f"  ... and {len(violations) - MAX_SHOWN} more")
    print(f"==> consistency: {'OK' if not violations else f'{len(violations)} violation(s)'}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
