"""Stores across apps: created idempotently, checked by /healthz."""

import pytest

from imageplatform.stores import stores_check, stores_ensure

pytestmark = pytest.mark.django_db


def test_stores_check_reports_every_store(stores):
    assert stores_check() == {"s3": "ok", "images_table": "ok", "shortlinks_table": "ok", "database": "ok"}


def test_stores_ensure_is_idempotent(stores):
    assert not any(stores_ensure().values())


def test_healthz_names_the_store_that_is_down(stores, client, settings):
    settings.SHORTLINKS_TABLE = "no-such-table"
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["shortlinks_table"].startswith("error") and checks["images_table"] == "ok"
