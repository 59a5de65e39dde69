"""scripts/consistency_check.py finds each kind of violation, and nothing on good data
(on moto: raw records shaped as gallery/models.py and shortlinks/models.py store them)."""

import importlib.util

import boto3
import pytest
from moto import mock_aws

from devstack.servers import ROOT

spec = importlib.util.spec_from_file_location("consistency_check", ROOT / "scripts" / "consistency_check.py")
consistency_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(consistency_check)

PREFIXES = {"originals": "originals/", "renditions": "renditions/"}


@pytest.fixture
def stores(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        dynamo = boto3.client("dynamodb", region_name="us-east-1")
        s3.create_bucket(Bucket="media")
        for table, key in (("images", "id"), ("links", "code")):
            dynamo.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        yield s3, dynamo
        # The suite may share one mocked AWS per worker (conftest.py): leave nothing behind.
        for obj in s3.list_objects_v2(Bucket="media").get("Contents", []):
            s3.delete_object(Bucket="media", Key=obj["Key"])
        s3.delete_bucket(Bucket="media")
        for table in ("images", "links"):
            dynamo.delete_table(TableName=table)


def add_image(s3, dynamo, image_id, *, status="ready", short_code=None, files=True):
    original = f"originals/{image_id}/original.jpg"
    thumb = f"renditions/{image_id}/thumb-0123456789.jpg"
    item = {
        "id": {"S": image_id},
        "status": {"S": status},
        "original_key": {"S": original},
        "renditions": {"M": {"thumb": {"M": {"key": {"S": thumb}, "width": {"N": "320"}}}}},
    }
    if short_code:
        item["short_code"] = {"S": short_code}
        dynamo.put_item(
            TableName="links",
            Item={"code": {"S": short_code}, "image_id": {"S": image_id}, "revoked": {"N": "0"}},
        )
    dynamo.put_item(TableName="images", Item=item)
    if files:
        for key in (original, thumb):
            s3.put_object(Bucket="media", Key=key, Body=b"x")
    return original, thumb


def run(s3, dynamo):
    return consistency_check.check(s3, dynamo, "media", "images", "links", PREFIXES)


def test_consistent_stores_have_no_violation(stores):
    add_image(*stores, "a", short_code="code-a")
    add_image(*stores, "b", short_code="code-b")
    violations, summary = run(*stores)
    assert violations == []
    assert summary["images"] == 2 and summary["renditions"] == 2


def test_every_kind_of_violation_is_found(stores):
    s3, dynamo = stores
    _, thumb = add_image(s3, dynamo, "a", short_code="code-a")
    s3.delete_object(Bucket="media", Key=thumb)  # 1. a recorded file is gone
    s3.put_object(Bucket="media", Key="renditions/ghost/x.jpg", Body=b"x")  # 2. no record
    s3.put_object(Bucket="media", Key="renditions/a/stale-1.jpg", Body=b"x")  # 2. not named
    add_image(s3, dynamo, "b", short_code="code-b")
    dynamo.delete_item(TableName="links", Key={"code": {"S": "code-b"}})  # 3. link gone
    add_image(s3, dynamo, "c", short_code=None)  # 3. no link at all
    dynamo.put_item(  # 4. a live link to nothing
        TableName="links", Item={"code": {"S": "lost"}, "image_id": {"S": "gone"}, "revoked": {"N": "0"}}
    )
    add_image(s3, dynamo, "p", status="pending", short_code=None, files=False)  # allowed

    violations, _ = run(s3, dynamo)
    assert sorted(violations) == sorted(
        [
            f"image a (ready): rendition thumb {thumb} is missing in S3",
            "object renditions/ghost/x.jpg: no image record ghost",
            "object renditions/a/stale-1.jpg: not named by image a's record (orphan or stale)",
            "image b (ready): its short link code-b does not exist",
            "image c (ready): no short link at all",
            "short link lost: live, but image gone is gone",
            "image p (pending): rendition thumb renditions/p/thumb-0123456789.jpg is missing in S3",
        ]
    )
