"""Takedown CDN invalidation, outside the VPC: DynamoDB stream -> CloudFront.

The web function sits in a VPC without NAT and cannot reach CloudFront's API. When a
moderator takes an image down, the app writes an item to the invalidations table
(PLATFORM_INVALIDATIONS_TABLE):

    id (S), image_id (S), paths (list of "/..." strings), requested_by (S),
    requested_at (ISO 8601 S), status = "requested"

The table's stream (NEW_IMAGE) feeds this function, which runs outside the VPC (plain
boto3, no Django). For each INSERT whose status is "requested" it calls
CreateInvalidation with CallerReference = the item's id, so a redelivered record gets
CloudFront's existing invalidation back instead of a new one, then records the outcome on
the item: status "sent" + invalidation_id, or status "failed" + error.

- MODIFY and REMOVE records (including the function's own updates) are ignored.
- A malformed record is logged and skipped; when it has an id, the item says why it failed.
- Throttling, CloudFront 5xx and network errors raise: Lambda retries the batch (Terraform
  bisects it, bounds the retries and sends what is left to an encrypted SQS queue).

Environment: DISTRIBUTION_ID, PLATFORM_INVALIDATIONS_TABLE. Permissions (Terraform,
modules/invalidator): cloudfront:CreateInvalidation on that distribution, dynamodb:UpdateItem
on that table, the stream read actions, its own logs, sqs:SendMessage to its failure queue.
"""

from __future__ import annotations

import json
import logging
import os

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger("invalidator")
logger.setLevel(logging.INFO)

MAX_PATHS = 3000  # CloudFront's limit of paths per invalidation batch
MAX_ERROR_CHARS = 500
# CloudFront answers these with a 4xx, yet they pass: retry rather than give up.
RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "TooManyInvalidationsInProgress",
        "ServiceUnavailable",
        "InternalError",
        "InternalFailure",
    }
)

_deserializer = TypeDeserializer()


class MalformedRecord(ValueError):
    """A stream record that does not carry a well-formed invalidation request."""

    def __init__(self, reason: str, item_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.item_id = item_id


def _log(message: str, **fields) -> None:
    logger.info(json.dumps({"message": message, **fields}, default=str, sort_keys=True))


def parse_request(record: dict) -> tuple[str, list[str]] | None:
    """(id, paths) of an INSERT of a requested invalidation; None for anything to ignore."""
    if record.get("eventName") != "INSERT":
        return None
    try:
        image = record["dynamodb"]["NewImage"]
        item = {name: _deserializer.deserialize(value) for name, value in image.items()}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MalformedRecord(f"no readable NewImage ({type(exc).__name__})") from None
    item_id = item.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise MalformedRecord("no id")
    if item.get("status") != "requested":
        return None
    paths = item.get("paths")
    if isinstance(paths, set):  # a string set, should the app ever write one
        paths = sorted(paths)
    if not isinstance(paths, list) or not paths:
        raise MalformedRecord("paths must be a non-empty list", item_id)
    if len(paths) > MAX_PATHS:
        raise MalformedRecord(f"more than {MAX_PATHS} paths", item_id)
    if not all(isinstance(p, str) and p.startswith("/") and len(p) > 1 for p in paths):
        raise MalformedRecord('every path is a string starting with "/"', item_id)
    return item_id, list(dict.fromkeys(paths))


def is_retryable(exc: Exception) -> bool:
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return code in RETRYABLE_CODES or status >= 500
    return isinstance(exc, BotoCoreError)  # connection errors, timeouts


def _record_outcome(
    dynamodb, table: str, item_id: str, *, invalidation_id: str = "", error: str = ""
) -> None:
    """status sent (from requested, or again on a redelivery) or failed (from requested only)."""
    if invalidation_id:
        update = "SET #status = :sent, invalidation_id = :inv REMOVE #error"
        condition = "attribute_exists(id) AND (#status = :requested OR #status = :sent)"
        names = {"#status": "status", "#error": "error"}
        values = {":sent": {"S": "sent"}, ":requested": {"S": "requested"}, ":inv": {"S": invalidation_id}}
    else:
        update = "SET #status = :failed, #error = :error"
        condition = "attribute_exists(id) AND #status = :requested"
        names = {"#status": "status", "#error": "error"}
        values = {
            ":failed": {"S": "failed"},
            ":requested": {"S": "requested"},
            ":error": {"S": error[:MAX_ERROR_CHARS]},
        }
    try:
        dynamodb.update_item(
            TableName=table,
            Key={"id": {"S": item_id}},
            UpdateExpression=update,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        _log(
            "outcome already recorded or item gone",
            id=item_id,
            outcome="sent" if invalidation_id else "failed",
        )


def invalidate(
    cloudfront, dynamodb, *, distribution_id: str, table: str, item_id: str, paths: list[str]
) -> str:
    """One request: CloudFront, then the item. Returns "sent" or "failed"; raises to retry."""
    try:
        response = cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": item_id,
            },
        )
    except (ClientError, BotoCoreError) as exc:
        if is_retryable(exc):
            _log("invalidation deferred: retrying", id=item_id, error=type(exc).__name__)
            raise
        code = exc.response["Error"].get("Code", "") if isinstance(exc, ClientError) else type(exc).__name__
        message = exc.response["Error"].get("Message", "") if isinstance(exc, ClientError) else str(exc)
        _record_outcome(dynamodb, table, item_id, error=f"{code}: {message}".strip(": "))
        _log("invalidation failed", id=item_id, error=code)
        return "failed"
    invalidation_id = response["Invalidation"]["Id"]
    _record_outcome(dynamodb, table, item_id, invalidation_id=invalidation_id)
    _log("invalidation sent", id=item_id, invalidation_id=invalidation_id, paths=len(paths))
    return "sent"


def handler(event, context=None) -> dict:
    distribution_id = os.environ["DISTRIBUTION_ID"]
    table = os.environ["PLATFORM_INVALIDATIONS_TABLE"]
    cloudfront = boto3.client("cloudfront")
    dynamodb = boto3.client("dynamodb")
    counts = {"sent": 0, "failed": 0, "ignored": 0, "malformed": 0}
    for record in event.get("Records") or []:
        try:
            request = parse_request(record)
        except MalformedRecord as exc:
            counts["malformed"] += 1
            _log(
                "malformed record skipped", reason=exc.reason, id=exc.item_id, event_id=record.get("eventID")
            )
            if exc.item_id:
                _record_outcome(dynamodb, table, exc.item_id, error=f"malformed request: {exc.reason}")
            continue
        if request is None:
            counts["ignored"] += 1
            continue
        item_id, paths = request
        outcome = invalidate(
            cloudfront, dynamodb, distribution_id=distribution_id, table=table, item_id=item_id, paths=paths
        )
        counts[outcome] += 1
    _log("batch done", **counts)
    return counts
