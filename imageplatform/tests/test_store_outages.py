"""A store outage (S3 or DynamoDB unreachable, timing out, failing or throttling) answers
503 with Retry-After: JSON under /api/, the friendly error page elsewhere, and one log
line naming the store. Never a 500 with a traceback."""

import logging
import socket

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import DoesNotExist, GetError, PutError, QueryError, UpdateError

from accounts.services import token_create
from imageplatform import outages

pytestmark = pytest.mark.django_db


def client_error(code: str, status: int, operation: str = "GetItem") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, operation
    )


def chained(outer: Exception, inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception:
            raise outer  # noqa: B904 - implicit context, as boto3's S3UploadFailedError does
    except Exception as exc:
        return exc


# --------------------------------------------------------------------------- classification
@pytest.mark.parametrize(
    ("exc", "store"),
    [
        (EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/"), "dynamodb"),
        (EndpointConnectionError(endpoint_url="https://bucket.s3.amazonaws.com/key"), "s3"),
        (ConnectTimeoutError(endpoint_url="https://s3.us-east-1.amazonaws.com/"), "s3"),
        (ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/"), "dynamodb"),
        (client_error("InternalServerError", 500), "dynamodb"),
        (client_error("ServiceUnavailable", 503, "PutObject"), "s3"),
        (client_error("SlowDown", 503, "PutObject"), "s3"),
        (client_error("ProvisionedThroughputExceededException", 400), "dynamodb"),
        (client_error("ThrottlingException", 400, "Query"), "dynamodb"),
        (
            GetError("Failed to get item", EndpointConnectionError(endpoint_url="http://127.0.0.1:1")),
            "dynamodb",
        ),
        (QueryError("Failed to query", client_error("ThrottlingException", 400, "Query")), "dynamodb"),
        (PutError("Failed to put", ReadTimeoutError(endpoint_url="http://x")), "dynamodb"),
        (UpdateError("Failed to update", client_error("InternalServerError", 500)), "dynamodb"),
        (chained(RuntimeError("Failed to upload"), client_error("SlowDown", 503, "PutObject")), "s3"),
    ],
)
def test_outages_are_recognised_with_their_store(exc, store):
    assert outages.outage(exc) == store


@pytest.mark.parametrize(
    "exc",
    [
        client_error("ConditionalCheckFailedException", 400, "PutItem"),
        client_error("ValidationException", 400, "Query"),
        client_error("NoSuchKey", 404, "GetObject"),
        client_error("AccessDenied", 403, "PutObject"),
        PutError("Failed to put", client_error("ConditionalCheckFailedException", 400, "PutItem")),
        QueryError("Failed to query", client_error("ValidationException", 400, "Query")),
        DoesNotExist(),
        RuntimeError("a bug"),
        ValueError("bad"),
    ],
)
def test_other_errors_are_not_outages(exc):
    assert outages.outage(exc) is None


# --------------------------------------------------------------------------- API and pages
@pytest.fixture
def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t').token}"}


@pytest.fixture
def botocore_raises(moto_stores):
    """Every AWS call from now on raises ``exc`` (until the test ends, before the stores
    are emptied)."""
    with pytest.MonkeyPatch.context() as patch:

        def install(exc: Exception):
            def fail(self, operation_name, api_params):
                raise exc

            patch.setattr("botocore.client.BaseClient._make_api_call", fail)

        yield install


def assert_503_json(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "store_unavailable" and response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def assert_503_page(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content and b"try again" in response.content
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/"),
        client_error("ProvisionedThroughputExceededException", 400, "Query"),
        client_error("InternalServerError", 500, "Query"),
    ],
)
def test_api_answers_503_json_while_dynamodb_is_down(moto_stores, client, auth, botocore_raises, exc, caplog):
    botocore_raises(exc)
    with caplog.at_level(logging.WARNING, logger="imageplatform.outages"):
        response = client.get("/api/v1/images", **auth)
    assert_503_json(response)
    lines = [r for r in caplog.records if r.name == "imageplatform.outages"]
    assert len(lines) == 1 and lines[0].store == "dynamodb"
    assert lines[0].error.split(":")[0].endswith("Error")  # the botocore error, not PynamoDB's wrapper
    assert not [r for r in caplog.records if r.name == "django.request"]  # one line, not two


def test_api_upload_answers_503_while_s3_is_down(moto_stores, client, auth, botocore_raises, make_jpeg):
    from django.core.files.uploadedfile import SimpleUploadedFile

    botocore_raises(client_error("SlowDown", 503, "PutObject"))
    response = client.post("/api/v1/images", {"file": SimpleUploadedFile("a.jpg", make_jpeg(40, 30))}, **auth)
    assert_503_json(response)


def test_pages_answer_a_503_page_while_dynamodb_is_down(moto_stores, client, user, botocore_raises):
    client.force_login(user)
    botocore_raises(EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com/"))
    assert_503_page(client.get("/"))
    assert_503_page(client.get("/images/abcdef/"))


def test_a_bug_is_still_a_500_page_not_a_503(moto_stores, client, user, botocore_raises):
    client.force_login(user)
    client.raise_request_exception = False
    botocore_raises(RuntimeError("a bug"))
    response = client.get("/")
    assert response.status_code == 500 and "Retry-After" not in response


# --------------------------------------------------------------------------- real sockets
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def stores_unreachable(settings, user):
    """The endpoints point at a port nobody listens on, with few retries."""
    from tests.support import _point_at, _reset_clients

    url = f"http://127.0.0.1:{closed_port()}"
    _point_at(settings, s3_url=url, dynamodb_url=url, access_key="k", secret_key="s", suffix="down")
    _reset_clients()
    yield url
    _reset_clients()


def test_unreachable_stores_answer_503_on_the_api_and_on_pages(
    stores_unreachable, client, auth, user, make_jpeg
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert_503_json(client.get("/api/v1/images", **auth))
    assert_503_json(client.get("/api/v1/images/abcdef", **auth))
    assert_503_json(
        client.post("/api/v1/images", {"file": SimpleUploadedFile("a.jpg", make_jpeg(40, 30))}, **auth)
    )
    client.force_login(user)
    assert_503_page(client.get("/"))
