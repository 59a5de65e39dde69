"""Binds PynamoDB models to Django settings lazily.

PynamoDB reads ``Meta.table_name``, ``host`` and ``region`` when it first connects. These
properties read them from django.conf.settings at that moment, not at import time, so
tests and the local stack can point the same models at moto or a local server.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

DEFINITION = Path(__file__).with_name("dynamodb.json")


@cache
def table_definitions() -> dict:
    """The one definition of tables, indexes and S3 prefixes (also read by Terraform)."""
    return json.loads(DEFINITION.read_text())


class SettingsMeta(type):
    """Metaclass for a model's ``Meta``: ``table_setting`` names the setting with the table name."""

    @property
    def table_name(cls) -> str:
        return getattr(settings, cls.table_setting)

    @property
    def host(cls) -> str | None:
        return settings.DYNAMODB_ENDPOINT_URL

    @property
    def region(cls) -> str:
        return settings.AWS_REGION

    @property
    def aws_access_key_id(cls) -> str | None:
        return settings.LOCAL_AWS_ACCESS_KEY_ID if settings.DYNAMODB_ENDPOINT_URL else None

    @property
    def aws_secret_access_key(cls) -> str | None:
        return settings.LOCAL_AWS_SECRET_ACCESS_KEY if settings.DYNAMODB_ENDPOINT_URL else None

    @property
    def aws_session_token(cls) -> None:
        return None


def reset_connections(*models) -> None:
    """Forget cached connections (after settings changed, e.g. between test backends)."""
    for model in models:
        model._connection = None
