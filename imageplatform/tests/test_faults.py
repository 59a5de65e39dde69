"""Store failures leave nothing behind that `repair` cannot find and fix.

Each test makes one store fail at one step of upload, processing, edit or delete (at the
client level: every botocore call goes through BaseClient._make_api_call, for S3 through
django-storages and for DynamoDB through PynamoDB alike), checks what the caller saw,
then runs `repair --apply` and checks the invariant with its own eyes (raw boto3, not the
repair code): every record's objects exist, every object has a record, nothing is left
pending, failed or half-deleted, and every ready image has its live default link.
Run on moto and on the local servers.
"""

from datetime import timedelta

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.core.management import call_command
from pynamodb.exceptions import PynamoDBException

from gallery import services
from imageplatform.repair import repair

pytestmark = pytest.mark.django_db


STORE_ERRORS = (EndpointConnectionError, PynamoDBException)


class Outage:
    """Calls to ``service`` (``operations`` of it, or all) fail like an unreachable
    endpoint, after letting ``after`` of them through."""

    def __init__(self, monkeypatch, service: str, operations=(), after: int = 0):
        self.service, self.operations, self.after = service, set(operations), after
        self.failed = 0
        real = BaseClient._make_api_call
        outage = self

        def call(client, operation_name, params):
            if client.meta.service_model.service_name == outage.service and (
                not outage.operations or operation_name in outage.operations
            ):
                if outage.after > 0:
                    outage.after -= 1
                else:
                    outage.failed += 1
                    raise EndpointConnectionError(endpoint_url=f"https://{outage.service}.invalid")
            return real(client, operation_name, params)

        monkeypatch.setattr(BaseClient, "_make_api_call", call)


def _clients():
    kwargs = {"region_name": settings.AWS_REGION}
    if settings.AWS_S3_ENDPOINT_URL:
        kwargs.update(
            aws_access_key_id=settings.LOCAL_AWS_ACCESS_KEY_ID,
            aws_secret_access_key=settings.LOCAL_AWS_SECRET_ACCESS_KEY,
        )
    s3 = boto3.client("s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, **kwargs)
    dynamodb = boto3.client("dynamodb", endpoint_url=settings.DYNAMODB_ENDPOINT_URL, **kwargs)
    return s3, dynamodb


def assert_consistent():
    """The invariant, read straight from the stores."""
    s3, dynamodb = _clients()
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.GALLERY_BUCKET):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    records = [
        item
        for page in dynamodb.get_paginator("scan").paginate(
            TableName=settings.GALLERY_TABLE, ConsistentRead=True
        )
        for item in page["Items"]
    ]
    referenced = set()
    for item in records:
        image_id, status = item["id"]["S"], item["status"]["S"]
        assert status in ("ready", "rejected"), f"{image_id} left {status}"
        assert "attention" not in item, f"{image_id} still needs attention"
        wanted = {item["original_key"]["S"]} | {
            r["M"]["key"]["S"] for r in item.get("renditions", {}).get("M", {}).values()
        }
        assert wanted <= keys, f"{image_id} misses {sorted(wanted - keys)}"
        referenced |= wanted
        if status == "ready":
            code = item.get("short_code", {}).get("S")
            assert code, f"{image_id} has no short link"
            link = dynamodb.get_item(TableName=settings.SHORTLINKS_TABLE, Key={"code": {"S": code}})["Item"]
            assert link["image_id"]["S"] == image_id and link["revoked"]["N"] == "0"
    assert keys == referenced, f"objects without a record: {sorted(keys - referenced)}"


def repair_everything():
    report = repair(apply=True, stuck_after=timedelta(0))
    assert report.failed == []
    assert repair(apply=False, stuck_after=timedelta(0)).problems == 0
    assert_consistent()
    return report


@pytest.fixture
def upload(stores, user, make_jpeg):
    def go(**kwargs):
        return services.image_upload(owner=str(user.pk), data=make_jpeg(900, 600), **kwargs)

    return go


# --------------------------------------------------------------------------- upload
@pytest.mark.parametrize(
    "service,operations,after,expect_fixed",
    [
        ("s3", {"PutObject"}, 0, None),  # the original cannot be stored: nothing happens
        ("dynamodb", {"PutItem"}, 0, "objects without a record"),  # record save fails, S3 clean-up ok
        ("s3", {"PutObject"}, 2, "stuck or failed"),  # a rendition cannot be stored: failed
        ("dynamodb", {"PutItem", "UpdateItem"}, 1, "stuck or failed"),  # result not saved, not even "failed"
        ("dynamodb", {"PutItem"}, 2, "ready images without a short link"),  # the link cannot be saved
    ],
)
def test_upload_with_a_store_down_at_each_step_is_repaired(
    upload, service, operations, after, expect_fixed, monkeypatch
):
    outage = Outage(monkeypatch, service, operations, after)
    if expect_fixed == "objects without a record":
        # The record save fails and so does the clean-up of the original: S3 goes down too.
        def s3_down_after_record(*args, **kwargs):
            raise EndpointConnectionError(endpoint_url="https://s3.invalid")

        monkeypatch.setattr("gallery.storage.delete_keys", s3_down_after_record)
    if expect_fixed == "ready images without a short link":
        image = upload()  # the image is ready; the link receiver failed and was logged
        assert image.status == "ready" and image.short_code is None
    else:
        with pytest.raises(STORE_ERRORS):
            upload()
    assert outage.failed >= 1
    monkeypatch.undo()
    report = repair_everything()
    if expect_fixed:
        assert report.fixed.get(expect_fixed, 0) >= 1, report


def test_failed_image_is_shown_to_its_owner_and_try_again_makes_it_ready(upload, user, monkeypatch):
    Outage(monkeypatch, "s3", {"PutObject"}, after=2)
    with pytest.raises(EndpointConnectionError):
        upload()
    monkeypatch.undo()
    [failed] = services.image_list(owner=str(user.pk)).images
    assert failed.status == "failed" and "Processing failed" in failed.reason
    ready = services.image_retry(image_id=failed.id, owner=str(user.pk))
    assert ready.status == "ready" and ready.renditions


# --------------------------------------------------------------------------- edit and delete
def test_edit_with_dynamodb_down_changes_nothing(upload, monkeypatch):
    image = upload(title="Before")
    Outage(monkeypatch, "dynamodb", {"PutItem"})
    with pytest.raises(STORE_ERRORS):
        services.image_update(image_id=image.id, owner=image.owner, title="After")
    monkeypatch.undo()
    assert services.image_get(image_id=image.id).title == "Before"
    repair_everything()


@pytest.mark.parametrize(
    "service,operations,after",
    [
        ("dynamodb", {"UpdateItem"}, 0),  # links cannot be revoked: nothing is removed
        ("s3", {"DeleteObjects"}, 0),  # objects cannot be removed: the record says "deleting"
        ("dynamodb", {"DeleteItem"}, 0),  # objects gone, record cannot be removed
    ],
)
def test_delete_with_a_store_down_is_finished_by_repair(upload, service, operations, after, monkeypatch):
    image = upload(visibility="unlisted")
    Outage(monkeypatch, service, operations, after)
    with pytest.raises(STORE_ERRORS):
        services.image_delete(image_id=image.id, owner=image.owner)
    monkeypatch.undo()
    repair_everything()


def test_repair_is_a_dry_run_by_default_and_prints_a_summary(upload, user, capsys, monkeypatch):
    Outage(monkeypatch, "s3", {"PutObject"}, after=2)
    with pytest.raises(EndpointConnectionError):
        upload()
    monkeypatch.undo()
    call_command("repair", "--stuck-after", "0")
    out = capsys.readouterr().out
    assert "stuck or failed: 1" in out and "dry run" in out
    [image] = services.image_list(owner=str(user.pk)).images
    assert image.status == "failed"  # a dry run changes nothing
    call_command("repair", "--stuck-after", "0", "--apply")
    out = capsys.readouterr().out
    assert "stuck or failed: 1, fixed 1" in out and "all repaired" in out
    assert_consistent()


def test_owner_sees_the_failure_and_the_try_again_button_works(upload, user, client, monkeypatch):
    Outage(monkeypatch, "s3", {"PutObject"}, after=2)
    with pytest.raises(EndpointConnectionError):
        upload()
    monkeypatch.undo()
    client.force_login(user)
    [image] = services.image_list(owner=str(user.pk)).images
    page = client.get(f"/images/{image.id}/").content.decode()
    assert "Processing failed" in page and "Try again" in page
    answer = client.post(f"/images/{image.id}/retry/", follow=True)
    assert answer.status_code == 200 and "is ready" in answer.content.decode()
    assert services.image_get(image_id=image.id).status == "ready"
    assert_consistent()
