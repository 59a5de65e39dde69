"""The recorder sees every kind of client the app makes: boto3 clients and resources,
PynamoDB's own botocore session, presigned URLs and POSTs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.iam import recorder

pytestmark = pytest.mark.django_db


def read(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


@pytest.fixture
def aws(monkeypatch):
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def test_boto3_clients_resources_and_presigning(aws, tmp_path):
    import boto3

    path = tmp_path / "calls.jsonl"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="iam-recorder-test")  # not recorded: outside the block
    with recorder.recording(path):
        s3.put_object(Bucket="iam-recorder-test", Key="originals/a/original.jpg", Body=b"x")
        boto3.resource("s3").Object("iam-recorder-test", "renditions/a/w320.webp").put(Body=b"y")
        s3.generate_presigned_url(
            "get_object", Params={"Bucket": "iam-recorder-test", "Key": "originals/a/original.jpg"}
        )
        s3.generate_presigned_post(
            "iam-recorder-test", "uploads/a/${filename}", Conditions=[["content-length-range", 1, 10]]
        )
        s3.head_bucket(Bucket="iam-recorder-test")
    s3.head_bucket(Bucket="iam-recorder-test")  # not recorded either
    calls = read(path)
    assert [(c["operation"], c["presigned"]) for c in calls] == [
        ("PutObject", False),
        ("PutObject", False),
        ("GetObject", True),
        ("PresignedPost", True),
        ("HeadBucket", False),
    ]
    assert calls[3]["requests"] == [
        {
            "action": "s3:PutObject",
            "resource": "arn:aws:s3:::iam-recorder-test/uploads/a/${filename}",
            "context": {},
        }
    ]
    assert "Body" not in json.dumps(calls)


def test_pynamodb_calls_are_recorded_with_the_settings_names(moto_stores, settings, tmp_path):
    from gallery.models import ImageItem
    from imageplatform.dynamo import reset_connections

    path = tmp_path / "calls.jsonl"
    with recorder.recording(path):
        reset_connections(ImageItem)  # a cold start: a new connection, a new botocore client
        with pytest.raises(ImageItem.DoesNotExist):
            ImageItem.get("nothing-here")
        # PynamoDB 6 builds its table metadata from the model: DescribeTable only on demand.
        assert ImageItem.exists()
    calls = read(path)
    assert [c["operation"] for c in calls] == ["GetItem", "DescribeTable"]
    assert calls[1]["requests"][0]["action"] == "dynamodb:DescribeTable"
    calls = calls[:1]
    assert calls[0]["names"]["GALLERY_TABLE"] == settings.GALLERY_TABLE == "test-images-moto"
    assert calls[0]["requests"][0]["context"] == {"dynamodb:LeadingKeys": ["nothing-here"]}


def test_activated_by_environment_variable_in_another_process(tmp_path):
    """What the Lambda handler runner does: load recorder.py by path, no tests package."""
    path = tmp_path / "calls.jsonl"
    code = (
        "import sys; sys.path.append(sys.argv[1]); import recorder; assert recorder.install_from_env()\n"
        "import boto3\n"
        "from moto import mock_aws\n"
        "with mock_aws():\n"
        "    boto3.client('dynamodb', region_name='eu-west-1').list_tables()\n"
    )
    env = {**os.environ, "IAM_RECORD_FILE": str(path), "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t"}
    subprocess.run(
        [sys.executable, "-c", code, str(Path(recorder.__file__).parent)], env=env, check=True, cwd=tmp_path
    )
    (call,) = read(path)
    assert (call["service"], call["operation"], call["region"]) == ("dynamodb", "ListTables", "eu-west-1")
    assert call["requests"] == [{"action": "dynamodb:ListTables", "resource": "*", "context": {}}]
