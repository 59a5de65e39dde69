"""invalidator.handler against moto: a CloudFront distribution and a table with a stream.

The records are read back from the table's stream (DynamoDB Streams on moto), so they have
the shape Lambda delivers.
"""

import uuid

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from invalidator import handler as invalidator

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.fixture
def distribution_id(aws, monkeypatch):
    cloudfront = boto3.client("cloudfront")
    ref = uuid.uuid4().hex
    config = {
        "CallerReference": ref,
        "Comment": "invalidator test",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "media",
                    "DomainName": "media.s3.us-east-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "media",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        },
    }
    dist_id = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    monkeypatch.setenv("DISTRIBUTION_ID", dist_id)
    return dist_id


@pytest.fixture
def table(aws, monkeypatch):
    """The invalidations table as imageplatform/dynamodb.json defines it, with its stream."""
    name = f"imageplatform-test-invalidations-{uuid.uuid4().hex[:8]}"
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    monkeypatch.setenv("PLATFORM_INVALIDATIONS_TABLE", name)
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture
def cloudfront_calls(monkeypatch):
    """CreateInvalidation parameters, in order, as the handler sent them."""
    calls = []
    real_client = boto3.client

    def client(service, *args, **kwargs):
        c = real_client(service, *args, **kwargs)
        if service == "cloudfront":
            c.meta.events.register(
                "provide-client-params.cloudfront.CreateInvalidation",
                lambda params, **_: calls.append(params),
            )
        return c

    monkeypatch.setattr(invalidator.boto3, "client", client)
    return calls


def request_item(item_id=None, image_id="img1", paths=("/renditions/img1/*",), status="requested") -> dict:
    item = {
        "id": {"S": item_id or uuid.uuid4().hex},
        "image_id": {"S": image_id},
        "requested_by": {"S": "moderator-7"},
        "requested_at": {"S": "2026-11-28T05:00:00+00:00"},
        "status": {"S": status},
    }
    if paths is not None:
        item["paths"] = {"L": [{"S": p} for p in paths]}
    return item


def stream_records(table: str) -> list[dict]:
    """Every record of the table's stream so far, as Lambda would hand them over."""
    dynamodb = boto3.client("dynamodb")
    # botocore now names an account-based streams endpoint moto does not serve: the classic one.
    streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for r in streams.get_records(ShardIterator=it)["Records"]:
            records.append({**r, "eventSourceARN": arn})
    return records


def put(table: str, item: dict) -> dict:
    boto3.client("dynamodb").put_item(TableName=table, Item=item)
    return item


def get(table: str, item_id: str) -> dict:
    return boto3.client("dynamodb").get_item(
        TableName=table, Key={"id": {"S": item_id}}, ConsistentRead=True
    )["Item"]


def test_insert_of_a_requested_invalidation_invalidates_the_paths_and_marks_it_sent(
    distribution_id, table, cloudfront_calls
):
    item = put(table, request_item(paths=["/renditions/img1/*", "/i/img1/"]))
    item_id = item["id"]["S"]

    counts = invalidator.handler({"Records": stream_records(table)})

    assert counts == {"sent": 1, "failed": 0, "ignored": 0, "malformed": 0}
    assert cloudfront_calls == [
        {
            "DistributionId": distribution_id,
            "InvalidationBatch": {
                "Paths": {"Quantity": 2, "Items": ["/renditions/img1/*", "/i/img1/"]},
                "CallerReference": item_id,
            },
        }
    ]
    stored = get(table, item_id)
    assert stored["status"] == {"S": "sent"}
    invalidation = boto3.client("cloudfront").list_invalidations(DistributionId=distribution_id)
    assert stored["invalidation_id"]["S"] in [i["Id"] for i in invalidation["InvalidationList"]["Items"]]


def test_redelivered_record_reuses_the_caller_reference_and_stays_sent(
    distribution_id, table, cloudfront_calls
):
    item_id = put(table, request_item())["id"]["S"]
    records = stream_records(table)

    invalidator.handler({"Records": records})
    invalidator.handler({"Records": records})  # the stream delivers the same batch again

    assert [c["InvalidationBatch"]["CallerReference"] for c in cloudfront_calls] == [item_id, item_id]
    assert get(table, item_id)["status"] == {"S": "sent"}


def test_modify_and_remove_records_are_ignored(distribution_id, table, cloudfront_calls):
    item_id = put(table, request_item())["id"]["S"]
    invalidator.handler({"Records": stream_records(table)})  # INSERT -> the handler's own MODIFY
    boto3.client("dynamodb").delete_item(TableName=table, Key={"id": {"S": item_id}})
    later = [r for r in stream_records(table) if r["eventName"] != "INSERT"]
    assert {r["eventName"] for r in later} == {"MODIFY", "REMOVE"}

    counts = invalidator.handler({"Records": later})

    assert counts["ignored"] == len(later) and counts["sent"] == 0
    assert len(cloudfront_calls) == 1  # only the first INSERT


def test_insert_with_another_status_is_ignored(distribution_id, table, cloudfront_calls):
    put(table, request_item(status="sent"))

    counts = invalidator.handler({"Records": stream_records(table)})

    assert counts["ignored"] == 1 and cloudfront_calls == []


@pytest.mark.parametrize(
    "paths, reason",
    [
        (None, "paths must be a non-empty list"),
        ([], "paths must be a non-empty list"),
        (["renditions/img1/*"], 'every path is a string starting with "/"'),
    ],
)
def test_malformed_request_is_skipped_and_marked_failed(
    distribution_id, table, cloudfront_calls, paths, reason
):
    bad = put(table, request_item(paths=paths))["id"]["S"]
    good = put(table, request_item(image_id="img2", paths=["/renditions/img2/*"]))["id"]["S"]

    counts = invalidator.handler({"Records": stream_records(table)})

    assert counts == {"sent": 1, "failed": 0, "ignored": 0, "malformed": 1}
    assert [c["InvalidationBatch"]["CallerReference"] for c in cloudfront_calls] == [good]
    stored = get(table, bad)
    assert stored["status"] == {"S": "failed"} and stored["error"]["S"] == f"malformed request: {reason}"
    assert get(table, good)["status"] == {"S": "sent"}


def test_record_without_an_image_or_id_is_logged_and_skipped(
    distribution_id, table, cloudfront_calls, caplog
):
    caplog.set_level("INFO", logger="invalidator")
    records = [
        {"eventID": "1", "eventName": "INSERT", "dynamodb": {}},
        {"eventID": "2", "eventName": "INSERT", "dynamodb": {"NewImage": {"status": {"S": "requested"}}}},
        {"eventID": "3", "eventName": "INSERT", "dynamodb": {"NewImage": {"id": {"Q": "?"}}}},
    ]

    counts = invalidator.handler({"Records": records})

    assert counts["malformed"] == 3 and cloudfront_calls == []
    assert caplog.text.count("malformed record skipped") == 3


def test_unknown_distribution_marks_the_request_failed(distribution_id, table, monkeypatch):
    monkeypatch.setenv("DISTRIBUTION_ID", "EDOESNOTEXIST")
    item_id = put(table, request_item())["id"]["S"]

    counts = invalidator.handler({"Records": stream_records(table)})

    assert counts["failed"] == 1
    stored = get(table, item_id)
    assert stored["status"] == {"S": "failed"} and stored["error"]["S"].startswith("NoSuchDistribution")


class _FailingCloudFront:
    def __init__(self, code: str, status: int):
        self.error = ClientError(
            {"Error": {"Code": code, "Message": "slow down"}, "ResponseMetadata": {"HTTPStatusCode": status}},
            "CreateInvalidation",
        )

    def create_invalidation(self, **kwargs):
        raise self.error


@pytest.mark.parametrize(
    "code, status",
    [
        ("Throttling", 400),
        ("TooManyInvalidationsInProgress", 400),
        ("ServiceUnavailable", 503),
        ("InternalError", 500),
    ],
)
def test_throttling_and_server_errors_raise_so_the_stream_retries(table, aws, monkeypatch, code, status):
    monkeypatch.setenv("DISTRIBUTION_ID", "E2EXAMPLE12345")
    real_client = boto3.client
    monkeypatch.setattr(
        invalidator.boto3,
        "client",
        lambda service, *a, **k: (
            _FailingCloudFront(code, status) if service == "cloudfront" else real_client(service, *a, **k)
        ),
    )
    item_id = put(table, request_item())["id"]["S"]

    with pytest.raises(ClientError):
        invalidator.handler({"Records": stream_records(table)})

    assert get(table, item_id)["status"] == {"S": "requested"}  # untouched: the retry decides


def test_a_late_failure_never_overwrites_a_sent_request(distribution_id, table):
    item_id = put(table, request_item())["id"]["S"]
    dynamodb = boto3.client("dynamodb")
    invalidator._record_outcome(dynamodb, table, item_id, invalidation_id="I1")

    invalidator._record_outcome(dynamodb, table, item_id, error="AccessDenied: no")

    stored = get(table, item_id)
    assert (
        stored["status"] == {"S": "sent"}
        and stored["invalidation_id"] == {"S": "I1"}
        and "error" not in stored
    )


def test_an_expired_item_is_not_brought_back(distribution_id, table):
    invalidator._record_outcome(boto3.client("dynamodb"), table, "gone", invalidation_id="I1")

    assert "Item" not in boto3.client("dynamodb").get_item(TableName=table, Key={"id": {"S": "gone"}})
