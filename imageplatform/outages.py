"""Is an exception a store outage? S3 or DynamoDB unreachable, timing out, failing on
its side (5xx) or throttling us: the request may succeed if sent again later, so the
interfaces answer 503 with ``Retry-After`` instead of a 500 and a traceback.

Used by the API's exception handlers (imageplatform.api) and by the pages' middleware
(imageplatform.middleware.StoreOutageMiddleware), so both classify alike.
"""

import logging

from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from botocore.exceptions import ConnectionError as BotoConnectionError
from pynamodb.exceptions import PynamoDBConnectionError

log = logging.getLogger("imageplatform.outages")

RETRY_AFTER = 5  # seconds a client waits before trying again (the Retry-After header)

# Error codes AWS uses for "slow down" (DynamoDB, S3 and the generic ones) and for its
# own failures, whatever HTTP status a local server answers them with.
RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingError",
        "SlowDown",
        "BandwidthLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
_MAX_LINKS = 18  # exceptions looked at in one chain


def _chain(exc: BaseException):
    """The exception, PynamoDB's ``cause`` and the Python cause/context chain."""
    seen = set()
    todo = [exc]
    while todo and len(seen) < _MAX_LINKS:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([getattr(current, "cause", None), current.__cause__, current.__context__])


def _is_outage_client_error(exc: ClientError) -> bool:
    response = getattr(exc, "response", None) or {}
    code = (response.get("Error") or {}).get("Code")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
    return code in RETRYABLE_CODES or (isinstance(status, int) and status >= 500)


def _store_of(exc: BaseException, wrapped_by_pynamodb: bool) -> str:
    if wrapped_by_pynamodb:
        return "dynamodb"
    from django.conf import settings

    url = str(getattr(exc, "kwargs", {}).get("endpoint_url") or "")
    dynamodb_url = settings.DYNAMODB_ENDPOINT_URL or ""
    s3_url = settings.AWS_S3_ENDPOINT_URL or ""
    if url:
        if dynamodb_url and url.startswith(dynamodb_url):
            return "dynamodb"
        if s3_url and url.startswith(s3_url):
            return "s3"
        return "dynamodb" if "dynamodb" in url else "s3" if "s3" in url else "aws"
    operation = getattr(exc, "operation_name", "") or ""
    if operation in {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"}:
        return "dynamodb"
    return "s3" if operation else "aws"


def classify(exc: BaseException) -> tuple[str, BaseException] | None:
    """(store, the botocore error) when ``exc`` is an outage, else None. See ``outage``."""
    wrapped = False
    for current in _chain(exc):
        if isinstance(current, PynamoDBConnectionError):
            wrapped = True
            continue
        if isinstance(current, (BotoConnectionError, ReadTimeoutError, ConnectionClosedError)):
            return _store_of(current, wrapped), current
        if isinstance(current, ClientError):
            return (_store_of(current, wrapped), current) if _is_outage_client_error(current) else None
    return None


def outage(exc: BaseException) -> str | None:
    """The store that is down ("dynamodb", "s3", "aws") when ``exc`` is an outage, else None.

    Outages: botocore's connection errors (EndpointConnectionError, ConnectTimeoutError,
    closed connections) and read timeouts; a ClientError with a 5xx status or a throttling
    code; any of these as the cause of a PynamoDB error (GetError, QueryError, PutError,
    UpdateError, DeleteError, TableError, ...) or of a wrapper such as boto3's
    S3UploadFailedError. A conditional-check failure or a missing item never is.
    """
    found = classify(exc)
    return found[0] if found else None


def log_outage(exc: BaseException) -> None:
    """One line per refused request: which store, and what it said."""
    store, cause = classify(exc) or ("aws", exc)
    log.warning(
        "store unavailable",
        extra={"store": store, "error": f"{type(cause).__name__}: {cause}"[:500], "retry_after": RETRY_AFTER},
    )


def unavailable_headers(response):
    """Retry-After, and no second (ERROR) line from django.request for this 503."""
    response["Retry-After"] = str(RETRY_AFTER)
    response._has_been_logged = True
    return response


DETAIL = "A storage service is not reachable right now; try again in a moment."
