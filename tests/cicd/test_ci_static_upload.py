import json

import boto3
import pytest
from moto import mock_aws

from tests.cicd.conftest import load_script

upload = load_script("ci_static_upload")


@pytest.fixture
def static_dir(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body{}")
    (tmp_path / "css" / "site.1a2b.css").write_text("body{}")
    (tmp_path / "robots.txt").write_text("User-agent: *")
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {"css/site.css": "css/site.1a2b.css"}}))
    return tmp_path


@pytest.fixture
def s3(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="static-bucket")
        yield client


def test_classify_splits_hashed_and_fixed_names_and_skips_the_manifest(static_dir):
    assert upload.classify(static_dir) == (["css/site.1a2b.css"], ["css/site.css", "robots.txt"])


def test_hashed_files_are_immutable_and_fixed_names_short_lived(static_dir, s3):
    counts = upload.upload(s3, static_dir, "static-bucket", "static/")
    assert counts == {"hashed": 1, "fixed": 2}
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="static-bucket")["Contents"]}
    assert keys == {"static/css/site.1a2b.css", "static/css/site.css", "static/robots.txt"}
    hashed = s3.head_object(Bucket="static-bucket", Key="static/css/site.1a2b.css")
    assert hashed["CacheControl"] == "public, max-age=31536000, immutable"
    assert hashed["ContentType"] == "text/css; charset=utf-8"
    original = s3.head_object(Bucket="static-bucket", Key="static/css/site.css")
    assert original["CacheControl"] == "public, max-age=300"


def test_hashed_files_are_uploaded_before_any_fixed_name(static_dir):
    calls = []

    class Recorder:
        def put_object(self, **kwargs):
            calls.append(kwargs["Key"])

    upload.upload(Recorder(), static_dir, "b", "static", workers=1)
    assert calls[0] == "static/css/site.1a2b.css"
    assert set(calls[1:]) == {"static/css/site.css", "static/robots.txt"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.js", "javascript; charset=utf-8"),
        ("a.png", "image/png"),
        ("a.unknownext", "application/octet-stream"),
    ],
)
def test_content_types(name, expected):
    assert upload.content_type(name).endswith(expected)


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        upload.classify(tmp_path)


def test_cli_uploads_with_credentials_from_the_environment(static_dir, s3, capsys):
    assert upload.main([str(static_dir), "--bucket", "static-bucket"]) == 0
    assert "uploaded 1 hashed files" in capsys.readouterr().out
