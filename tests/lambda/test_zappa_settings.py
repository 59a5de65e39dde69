"""zappa_settings.json is generated from Terraform's outputs and keeps the deployment rules."""

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "zappa_settings.json"
SETTINGS = json.loads(SETTINGS_FILE.read_text())
SECRETS = ("DJANGO_SECRET_KEY", "DATABASE_URL", "CLOUDFRONT_PRIVATE_KEY", "DJANGO_SECRETS_FROM_ENV")


def _generator():
    spec = importlib.util.spec_from_file_location(
        "zappa_settings_gen", ROOT / "scripts" / "zappa_settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _fixtures() -> dict:
    return {stage: json.loads(GEN.fixture_path(stage).read_text()) for stage in GEN.TERRAFORM_ENV}


def _stage(name: str) -> dict:
    conf = SETTINGS[name]
    return {**SETTINGS[conf["extends"]], **conf} if "extends" in conf else conf


def test_committed_file_is_what_the_generator_makes_from_the_outputs():
    """Edit scripts/zappa_settings.py or the outputs, then run it: never the JSON by hand."""
    assert SETTINGS_FILE.read_text() == GEN.render(GEN.generate(_fixtures())), (
        "zappa_settings.json drifted: run `python scripts/zappa_settings.py --fixtures`"
    )


def test_stages_follow_the_deployment_rules():
    assert set(SETTINGS) == {"dev", "production"}
    for name in SETTINGS:
        conf = _stage(name)
        assert conf["runtime"] == "python3.13"
        assert conf["manage_roles"] is False and conf["role_arn"].startswith("arn:aws:iam::")
        assert conf["keep_warm"] is True
        assert conf["debug"] is False  # tracebacks never go back to the browser
        assert conf["slim_handler"] is False
        assert conf["endpoint_configuration"] == ["REGIONAL"]
        assert "exclude" not in conf  # names at any depth: could remove parts of Django
        assert {"tests", "terraform", "node_modules", "var"} <= set(conf["exclude_glob"])
        assert "environment_variables" not in conf  # those are baked into the zip
        assert not set(SECRETS) & set(conf["aws_environment_variables"])
        assert conf["django_settings"] == "imageplatform.settings.production"
        assert conf["vpc_config"]["SubnetIds"] and conf["vpc_config"]["SecurityGroupIds"]


def test_each_stage_matches_its_terraform_root():
    for stage, outputs in _fixtures().items():
        out = GEN.values(outputs)
        conf = _stage(stage)
        assert f"{conf['project_name']}-{stage}" == out["lambda_function_name"]  # Zappa's function name
        assert conf["role_arn"] == out["lambda_role_arn"] and conf["s3_bucket"] == out["deploy_bucket"]
        assert conf["aws_region"] == out["aws_region"]
        assert conf["lambda_concurrency"] == out["lambda_reserved_concurrency"]
        assert conf["vpc_config"] == {
            "SubnetIds": out["vpc_subnet_ids"],
            "SecurityGroupIds": out["vpc_security_group_ids"],
        }
        env = conf["aws_environment_variables"]
        for name, value in out["lambda_environment"].items():
            assert env[name] == str(value)
        assert env["METRICS_STAGE"] == stage


def test_upload_events_reach_the_events_module():
    """Zappa maps the bucket's ARN to the function (AWS_EVENT_MAPPING in the package)."""
    for stage, outputs in _fixtures().items():
        (event,) = [
            e for e in _stage(stage)["events"] if ":s3:::" in e.get("event_source", {}).get("arn", "")
        ]
        assert event["function"] == "imageplatform.events.handle"
        assert event["event_source"] == {
            "arn": GEN.values(outputs)["gallery_bucket_arn"],
            "events": ["s3:ObjectCreated:*"],
            "prefix": "uploads/",  # Zappa's S3 source reads "prefix" (not kappa's key_filters)
        }


def test_the_package_keeps_the_api_models_the_app_calls():
    import fnmatch

    globs = _stage("dev")["exclude_glob"]
    for service in ("s3", "dynamodb", "secretsmanager", "ssm", "sts", "sso", "sso-oidc"):
        assert not any(fnmatch.fnmatch(f"botocore/data/{service}", g) for g in globs), service
    for service in ("securityhub", "ses", "sqs", "ec2", "dynamodbstreams", "s3control"):
        assert any(fnmatch.fnmatch(f"botocore/data/{service}", g) for g in globs), service


def test_secrets_in_lambda_environment_are_refused():
    outputs = copy.deepcopy(_fixtures())
    outputs["production"]["lambda_environment"]["value"]["DATABASE_URL"] = "postgres://u:p@h/db"
    with pytest.raises(SystemExit, match="DATABASE_URL"):
        GEN.generate(outputs)


def test_function_name_that_zappa_cannot_make_is_refused():
    outputs = copy.deepcopy(_fixtures())
    outputs["dev"]["lambda_function_name"]["value"] = "imageplatform-staging"
    with pytest.raises(SystemExit, match="zappa_stage"):
        GEN.generate(outputs)


def test_missing_outputs_are_named():
    outputs = copy.deepcopy(_fixtures())
    del outputs["production"]["vpc_subnet_ids"]
    with pytest.raises(SystemExit, match="vpc_subnet_ids"):
        GEN.generate(outputs)


def test_environment_falls_back_on_the_dedicated_outputs():
    outputs = copy.deepcopy(_fixtures())
    del outputs["dev"]["lambda_environment"]["value"]["PUBLIC_ORIGIN"]
    conf = GEN.generate(outputs)["dev"]
    assert conf["aws_environment_variables"]["PUBLIC_ORIGIN"] == outputs["dev"]["public_origin"]["value"]


def test_one_stage_can_be_regenerated_alone():
    """Only staging applied so far: production's stage stays as the file has it."""
    outputs = _fixtures()
    current = copy.deepcopy(SETTINGS)
    current["production"]["role_arn"] = "arn:aws:iam::111111111111:role/kept"
    updated = GEN.generate({"dev": outputs["dev"]}, current)
    assert updated["production"]["role_arn"] == "arn:aws:iam::111111111111:role/kept"
    assert updated["dev"] == GEN.generate(outputs)["dev"]
    with pytest.raises(SystemExit, match="production"):
        GEN.generate({"dev": outputs["dev"]}, {})
