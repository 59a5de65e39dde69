"""The daily repair that Zappa schedules (zappa_settings.json) really repairs."""

import json
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError

from gallery import services
from imageplatform import events
from imageplatform.tests.test_faults import Outage, assert_consistent

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_stage_schedules_the_repair():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    for stage in settings.values():
        scheduled = [
            e for e in stage["events"] if e.get("function") == "imageplatform.events.repair_scheduled"
        ]
        assert scheduled and scheduled[0]["expression"] == "rate(1 day)"


def test_the_scheduled_repair_fixes_a_failed_upload(stores, user, make_jpeg, monkeypatch, settings):
    Outage(monkeypatch, "s3", {"PutObject"}, after=2)
    with pytest.raises(EndpointConnectionError):
        services.image_upload(owner=str(user.pk), data=make_jpeg(120, 90))
    monkeypatch.undo()
    summary = events.repair_scheduled({"detail-type": "Scheduled Event", "source": "aws.events"}, None)
    assert summary["found"]["stuck or failed"] == 1 and summary["fixed"]["stuck or failed"] == 1
    assert summary["failed"] == 0
    assert_consistent()
