"""imageplatform.settings.production: secrets from Secrets Manager, the public origin, the lock."""

import json
import os
import runpy
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto import mock_aws

from imageplatform import secrets

APP = {
    "django_secret_key": "k" * 60,
    "origin_verify_current": "current-value",
    "origin_verify_previous": "previous-value",
}
DB = {"username": "imageplatform", "password": "db-password-1"}
BASE_ENV = {
    "PUBLIC_ORIGIN": "https://images.example.com",
    "GALLERY_BUCKET": "media",
    "GALLERY_TABLE": "images",
    "SHORTLINKS_TABLE": "links",
    "DATABASE_HOST": "db.cluster.example",
    "DATABASE_PORT": "5432",
    "DATABASE_NAME": "imageplatform",
}
CLEARED = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "DJANGO_SECRETS_FROM_ENV",
    "APP_SECRET_ARN",
    "DATABASE_SECRET_ARN",
    "CLOUDFRONT_KEY_ID",
    "CLOUDFRONT_DOMAIN",
    "CLOUDFRONT_PRIVATE_KEY",
    "CLOUDFRONT_PRIVATE_KEY_PARAMETER",
    "AWS_S3_ENDPOINT_URL",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
)


@pytest.fixture
def aws(monkeypatch):
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        **BASE_ENV,
    }.items():
        monkeypatch.setenv(name, value)
    secrets.forget()
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        monkeypatch.setenv(
            "APP_SECRET_ARN",
            client.create_secret(Name=f"app-{uuid.uuid4().hex}", SecretString=json.dumps(APP))["ARN"],
        )
        monkeypatch.setenv(
            "DATABASE_SECRET_ARN",
            client.create_secret(Name=f"db-{uuid.uuid4().hex}", SecretString=json.dumps(DB))["ARN"],
        )
        yield client
    secrets.forget()


def _load() -> dict:
    return runpy.run_module("imageplatform.settings.production")


def test_secrets_come_from_secrets_manager(aws):
    conf = _load()
    assert conf["SECRET_KEY"] == APP["django_secret_key"]
    assert conf["ORIGIN_VERIFY_VALUES"] == ("current-value", "previous-value")
    db = conf["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.cluster.example", "5432", "imageplatform")
    assert (db["USER"], db["PASSWORD"]) == ("imageplatform", "db-password-1")
    assert db["OPTIONS"]["sslmode"] == "require"
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] is True
    environ = "\n".join(os.environ.values())
    assert APP["django_secret_key"] not in environ and DB["password"] not in environ


def test_hosts_and_csrf_come_from_the_public_origin(aws):
    conf = _load()
    assert conf["ALLOWED_HOSTS"] == ["images.example.com"]
    assert conf["CSRF_TRUSTED_ORIGINS"] == ["https://images.example.com"]
    assert conf["USE_X_FORWARDED_HOST"] is True
    assert conf["STATIC_URL"] == "https://images.example.com/static/"
    assert not any("execute-api" in h for h in conf["ALLOWED_HOSTS"])


def test_origin_lock_sits_right_after_the_request_log(aws):
    middleware = _load()["MIDDLEWARE"]
    assert middleware[:2] == [
        "imageplatform.logging.RequestLogMiddleware",
        "imageplatform.origin.OriginVerifyMiddleware",
    ]


def test_without_cloudfront_key_files_get_s3_presigned_urls(aws):
    options = _load()["STORAGES"]["default"]["OPTIONS"]
    assert "cloudfront_signer" not in options and "custom_domain" not in options
    assert options["querystring_auth"] is True and options["bucket_name"] == "media"


def test_with_cloudfront_key_files_get_cloudfront_signed_urls(aws, monkeypatch):
    monkeypatch.setenv("CLOUDFRONT_KEY_ID", "K2ABC")
    monkeypatch.setenv("CLOUDFRONT_DOMAIN", "d111.cloudfront.net")
    monkeypatch.setenv("CLOUDFRONT_PRIVATE_KEY_PARAMETER", "/imageplatform/production/cloudfront-private-key")
    options = _load()["STORAGES"]["default"]["OPTIONS"]
    assert options["custom_domain"] == "d111.cloudfront.net"
    assert "K2ABC" in repr(options["cloudfront_signer"])


def test_missing_secret_arns_refuse_to_start(aws, monkeypatch):
    monkeypatch.delenv("APP_SECRET_ARN")
    with pytest.raises(ImproperlyConfigured, match="APP_SECRET_ARN"):
        _load()


def test_env_secrets_only_with_the_explicit_switch(aws, monkeypatch):
    monkeypatch.delenv("APP_SECRET_ARN")
    monkeypatch.delenv("DATABASE_SECRET_ARN")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    with pytest.raises(ImproperlyConfigured):
        _load()
    monkeypatch.setenv("DJANGO_SECRETS_FROM_ENV", "true")
    monkeypatch.setenv("ORIGIN_VERIFY_VALUES", "a,b")
    conf = _load()
    assert conf["SECRET_KEY"] == "x" * 60 and conf["ORIGIN_VERIFY_VALUES"] == ("a", "b")


@pytest.mark.parametrize(
    "origin", ["http://images.example.com", "images.example.com", "https://x.example/path"]
)
def test_public_origin_must_be_an_https_origin(aws, monkeypatch, origin):
    monkeypatch.setenv("PUBLIC_ORIGIN", origin)
    with pytest.raises(ImproperlyConfigured, match="PUBLIC_ORIGIN"):
        _load()
