"""imageplatform.secrets: one GetSecretValue per secret and process, values never shown."""

import json
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto import mock_aws

from imageplatform import secrets


@pytest.fixture
def manager(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    secrets.forget()
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="eu-west-1")
    secrets.forget()


def test_reads_the_json_once_per_process(manager):
    arn = manager.create_secret(
        Name="app-" + uuid.uuid4().hex, SecretString=json.dumps({"django_secret_key": "k" * 50})
    )["ARN"]
    first = secrets.secret_json(arn, "eu-west-1")
    manager.put_secret_value(SecretId=arn, SecretString=json.dumps({"django_secret_key": "other"}))
    assert secrets.secret_json(arn, "eu-west-1") is first
    assert first["django_secret_key"] == "k" * 50


def test_repr_shows_keys_never_values(manager):
    arn = manager.create_secret(
        Name="db-" + uuid.uuid4().hex, SecretString=json.dumps({"username": "u", "password": "hunter2"})
    )["ARN"]
    value = secrets.secret_json(arn, "eu-west-1")
    assert "hunter2" not in repr(value) and "hunter2" not in str(value)
    assert "password" in repr(value)


def test_missing_secret_names_the_arn_only(manager):
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:nope-AbCdEf"
    with pytest.raises(ImproperlyConfigured, match="ResourceNotFoundException") as info:
        secrets.secret_json(arn, "eu-west-1")
    assert arn in str(info.value)


def test_non_json_secret_is_refused_without_echoing_it(manager):
    arn = manager.create_secret(Name="plain-" + uuid.uuid4().hex, SecretString="s3cr3t-plain")["ARN"]
    with pytest.raises(ImproperlyConfigured) as info:
        secrets.secret_json(arn, "eu-west-1")
    assert "s3cr3t-plain" not in str(info.value)


def test_require_lists_missing_fields(manager):
    arn = manager.create_secret(
        Name="app2-" + uuid.uuid4().hex, SecretString=json.dumps({"django_secret_key": "k"})
    )["ARN"]
    with pytest.raises(ImproperlyConfigured, match="origin_verify_current"):
        secrets.secret_json(arn, "eu-west-1").require(
            "django_secret_key", "origin_verify_current", source=arn
        )
