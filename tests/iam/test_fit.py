"""The Lambda role allows exactly the calls the app makes (issue 11: "IAM fit, proved").

A slice of real app operations runs on moto with the recorder on, as a cold start would
(fresh clients), and every recorded call is judged against the policy Terraform renders
for the environment. A denied call fails the test; grants no call used are printed (run
with ``-rA`` or ``-s`` to see them).
"""

import copy

import pytest

from tests.iam import recorder
from tests.iam.evaluate import evaluate_records, load_records

pytestmark = pytest.mark.django_db


def _cold_start():
    """Forget cached clients, as a new Lambda container starts without them."""
    from django.core.files.storage import storages

    from gallery.models import ImageItem
    from imageplatform.dynamo import reset_connections
    from shortlinks.models import ShortLinkItem

    reset_connections(ImageItem, ShortLinkItem)
    storages._storages.clear()


def _stores_check():
    try:
        from imageplatform.stores import stores_check
    except ImportError:  # before the lead's refactor landed
        from gallery.services import stores_check
    return stores_check()


def _app_slice(owner, jpeg):
    """Upload, list, share, resolve a short link, look at the image, delete it."""
    from gallery import services as gallery
    from shortlinks import services as shortlinks

    image = gallery.image_upload(
        owner=owner, data=jpeg, filename="photo.jpg", title="t", visibility="unlisted"
    )
    assert image.status == "ready"
    assert [i.id for i in gallery.image_list(owner=owner).images] == [image.id]
    link = shortlinks.shortlink_create(image_id=image.id, owner=owner)
    assert shortlinks.shortlink_resolve(code=link.code)
    shown = gallery.image_get(image_id=image.id, owner=owner)  # with URLs: presigned GETs
    assert shown.renditions
    gallery.image_delete(image_id=image.id, owner=owner)


@pytest.fixture
def slice_records(moto_stores, user, make_jpeg, tmp_path):
    path = tmp_path / "calls.jsonl"
    with recorder.recording(path):
        _cold_start()
        _app_slice(str(user.pk), make_jpeg(800, 600))
    return load_records(path)


@pytest.fixture
def health_records(moto_stores, tmp_path):
    path = tmp_path / "calls.jsonl"
    with recorder.recording(path):
        _cold_start()
        checks = _stores_check()
    assert checks["s3"] == "ok" and checks["images_table"] == "ok", checks
    return load_records(path)


def _judge(records, policy):
    report = evaluate_records(records, policy)
    print(report.text())
    return report


EXPECTED_OPERATIONS = {
    "s3:PutObject",  # original and renditions
    "s3:GetObject",  # presigned URLs of the renditions (the browser's GET, signed by the role)
    "s3:DeleteObjects",
    "dynamodb:PutItem",
    "dynamodb:GetItem",
    "dynamodb:Query",  # the owner's gallery on its index, the image's links
    "dynamodb:UpdateItem",  # the visit count
}


@pytest.mark.parametrize("env", ["staging", "production"])
def test_app_calls_fit_the_role(env, slice_records, request):
    policy = request.getfixturevalue(f"{env}_policy")
    report = _judge(slice_records, policy)
    seen = set(report.by_operation)
    assert seen >= EXPECTED_OPERATIONS, f"the slice no longer makes {EXPECTED_OPERATIONS - seen}"
    assert report.ok, report.text()


def test_the_check_goes_red_when_a_grant_is_missing(slice_records, staging_policy):
    """Remove one grant at a time from a copy of the policy: each removal is caught."""
    assert _judge(slice_records, staging_policy).ok
    for action in (
        "s3:PutObject",
        "s3:GetObject",
        "s3:DeleteObject",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:GetItem",
    ):
        policy = copy.deepcopy(staging_policy)
        for doc in policy["documents"]:
            for st in doc["document"]["Statement"]:
                actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                st["Action"] = [a for a in actions if a != action] or ["none:Nothing"]
        report = evaluate_records(slice_records, policy)
        assert not report.ok, f"removing {action} went unnoticed"
        assert {r.action for r, _, _ in report.denied} == {action}


def test_index_grants_are_needed(slice_records, staging_policy):
    policy = copy.deepcopy(staging_policy)
    for doc in policy["documents"]:
        for st in doc["document"]["Statement"]:
            if isinstance(st["Resource"], list):
                st["Resource"] = [r for r in st["Resource"] if not r.endswith("/index/*")]
    report = evaluate_records(slice_records, policy)
    assert {r.action for r, _, _ in report.denied} == {"dynamodb:Query"}
    assert all("/index/" in r.resource for r, _, _ in report.denied)


def test_health_check_denies_nothing_but_head_bucket(health_records, staging_policy):
    """Whatever happens to the finding below, nothing else in /healthz may be denied."""
    report = evaluate_records(health_records, staging_policy)
    assert not report.errors
    for _, _, recs in report.denied:
        assert {(r["service"], r["operation"]) for r in recs} == {("s3", "HeadBucket")}, report.text()


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Finding: /healthz's S3 probe is HeadBucket = s3:ListBucket with no s3:prefix, but the "
        "role grants ListBucket only under StringLike s3:prefix (ListMediaPrefixes). Fix is in "
        "terraform/modules/platform/main.tf (Terraform engineer) or gallery/storage.py's "
        "bucket_reachable (lead); not landed yet."
    ),
)
def test_health_check_fits_the_staging_role(health_records, staging_policy):
    report = _judge(health_records, staging_policy)
    assert report.ok, report.text()
