"""Fixtures shared by every test.

``stores`` runs a test twice: on moto (fast, in memory) and, marked ``integration``, on
the real local servers (dynalite + s3rver) that `make run` uses. Both go through the same
settings-driven code path (django-storages S3Storage and the PynamoDB models).
"""

import io
import os
import tempfile
import uuid
from pathlib import Path

import pytest

PHOTOS = Path(__file__).parent / "gallery" / "tests" / "photos"

# The helpers live in an importable module: other conftest.py files shadow "conftest".
from tests.support import _clients_match_settings, _point_at, _reset_clients  # noqa: E402, F401


@pytest.fixture(scope="session")
def local_servers(tmp_path_factory):
    """One dynalite + s3rver pair for the whole session, on free ports."""
    from devstack.servers import LocalServers, free_port

    servers = LocalServers(
        data_dir=tmp_path_factory.mktemp("localstack"), dynalite_port=free_port(), s3rver_port=free_port()
    ).start()
    yield servers
    servers.stop()


_MOTO_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def _moto_session():
    """One mocked AWS per test worker: starting moto resets every backend, which costs
    about a second; tests share it and ``moto_stores`` empties the stores after each.
    Requests to the local servers (127.0.0.1) do not match moto's AWS URLs and pass through."""
    from moto import mock_aws

    saved = {name: os.environ.get(name) for name in _MOTO_ENV}
    os.environ.update(_MOTO_ENV)
    mock = mock_aws()
    mock.start()
    yield mock
    mock.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


_moto_clients = {}


def _moto_client(service: str):
    """One boto3 client per service for the whole session (creating one costs ~0.1 s)."""
    if service not in _moto_clients:
        import boto3

        _moto_clients[service] = boto3.client(service, region_name="us-east-1")
    return _moto_clients[service]


def _moto_tables(settings) -> tuple[str, ...]:
    """Every table of imageplatform/dynamodb.json, by the setting that names it."""
    from imageplatform.dynamo import table_definitions

    return tuple(getattr(settings, t["setting"]) for t in table_definitions()["tables"].values())


def _empty_moto_stores(settings):
    """Delete every item and object the test left (a few, on moto: cheap)."""
    dynamodb = _moto_client("dynamodb")
    for table in _moto_tables(settings):
        try:
            key_names = [
                k["AttributeName"] for k in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
            ]
        except dynamodb.exceptions.ResourceNotFoundException:
            continue
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={k: item[k] for k in key_names})
    s3 = _moto_client("s3")
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.GALLERY_BUCKET):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=settings.GALLERY_BUCKET, Delete={"Objects": keys})
    except s3.exceptions.NoSuchBucket:
        pass


def _moto_stores_exist(settings) -> bool:
    """The session's bucket and tables are still there (a test may have removed one)."""
    try:
        _moto_client("s3").head_bucket(Bucket=settings.GALLERY_BUCKET)
        names = set(_moto_client("dynamodb").list_tables()["TableNames"])
    except Exception:
        return False
    return set(_moto_tables(settings)) <= names


@pytest.fixture
def moto_stores(settings, _moto_session):
    _point_at(settings, s3_url=None, dynamodb_url=None, access_key=None, secret_key=None, suffix="moto")
    if not _clients_match_settings():
        _reset_clients()
    if not _moto_stores_exist(settings):
        from imageplatform.stores import stores_ensure

        stores_ensure()
    yield "moto"
    _empty_moto_stores(settings)
    if not _clients_match_settings():
        _reset_clients()


@pytest.fixture
def local_stores(settings, request):
    servers = request.getfixturevalue("local_servers")
    _point_at(
        settings,
        s3_url=servers.s3_url,
        dynamodb_url=servers.dynamodb_url,
        access_key="S3RVER",
        secret_key="S3RVER",
        suffix=uuid.uuid4().hex[:8],
    )
    _reset_clients()
    from imageplatform.stores import stores_ensure

    stores_ensure()
    yield "local"
    _reset_clients()


@pytest.fixture(params=["moto", pytest.param("local", marks=pytest.mark.integration)])
def stores(request):
    """The S3 + DynamoDB stores, once on moto and once on the local servers."""
    return request.getfixturevalue(f"{request.param}_stores")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="correct horse battery staple")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="correct horse battery staple")


@pytest.fixture
def photo():
    """Bytes of a committed test photo: photo('name.jpg')."""

    def read(name: str) -> bytes:
        return (PHOTOS / name).read_bytes()

    return read


@pytest.fixture
def make_jpeg():
    """A small JPEG built in memory (like Wagtail's get_test_image_file)."""
    from PIL import Image

    def build(width=640, height=480, color=(200, 80, 40), fmt="JPEG") -> bytes:
        buf = io.BytesIO()
        Image.new("RGB", (width, height), color).save(buf, fmt)
        return buf.getvalue()

    return build


@pytest.fixture(autouse=True)
def _isolated_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path


os.environ.setdefault("TMPDIR", tempfile.gettempdir())


def pytest_collection_modifyitems(config, items):
    """The Lambda package tests build and unzip the package and drive it against the local
    servers, and the IAM plugin and CLI tests run pytest and the evaluator in subprocesses:
    integration tests, not part of the fast unit run."""
    for item in items:
        path = str(item.fspath)
        if "/tests/lambda/" in path or path.endswith("/tests/iam/test_plugin_and_cli.py"):
            item.add_marker(pytest.mark.integration)
