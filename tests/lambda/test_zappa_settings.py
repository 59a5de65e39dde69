"""zappa_settings.json keeps the deployment rules, and the Terraform hand-off fills it."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = json.loads((ROOT / "zappa_settings.json").read_text())
SECRETS = ("DJANGO_SECRET_KEY", "DATABASE_URL", "CLOUDFRONT_PRIVATE_KEY")


def _generator():
    spec = importlib.util.spec_from_file_location(
        "zappa_settings_gen", ROOT / "scripts" / "zappa_settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stage(name: str) -> dict:
    conf = SETTINGS[name]
    return {**SETTINGS[conf["extends"]], **conf} if "extends" in conf else conf


def test_stages_follow_the_deployment_rules():
    assert set(SETTINGS) == {"dev", "production"}
    for name in SETTINGS:
        conf = _stage(name)
        assert conf["runtime"] == "python3.13"
        assert conf["manage_roles"] is False and conf["role_arn"].startswith("arn:aws:iam::")
        assert conf["keep_warm"] is True
        assert conf["debug"] is False  # tracebacks never go back to the browser
        assert conf["slim_handler"] is False
        assert "exclude" not in conf  # names at any depth: could remove parts of Django
        assert {"tests", "terraform", "node_modules", "var"} <= set(conf["exclude_glob"])
        assert isinstance(conf["events"], list)
        assert "environment_variables" not in conf  # those are baked into the zip
        assert not set(SECRETS) & set(conf["aws_environment_variables"])
        assert conf["django_settings"] == "imageplatform.settings.production"


def test_generator_fills_a_stage_from_terraform_outputs():
    outputs = {
        "aws_region": {"value": "eu-west-1", "type": "string"},
        "lambda_role_arn": {"value": "arn:aws:iam::123456789012:role/imageplatform-production-lambda"},
        "deploy_bucket": {"value": "acme-production-deploy"},
        "lambda_function_name": {"value": "imageplatform-production"},
        "cloudfront_private_key_parameter": {"value": "/imageplatform/production/cloudfront-private-key"},
        "lambda_environment": {
            "value": {
                "GALLERY_BUCKET": "acme-production-media",
                "STATIC_BUCKET": "acme-production-static",
                "GALLERY_TABLE": "imageplatform-production-images",
                "SHORTLINKS_TABLE": "imageplatform-production-shortlinks",
                "CLOUDFRONT_DOMAIN": "img.acme.example",
                "CLOUDFRONT_KEY_ID": "K2ABC",
            }
        },
    }
    gen = _generator()
    updated, warnings = gen.fill(SETTINGS, "production", gen.values(outputs))
    conf = updated["production"]
    assert warnings == []
    assert conf["aws_region"] == "eu-west-1" and conf["s3_bucket"] == "acme-production-deploy"
    assert conf["role_arn"].endswith("imageplatform-production-lambda") and conf["manage_roles"] is False
    env = conf["aws_environment_variables"]
    assert env["CLOUDFRONT_DOMAIN"] == "img.acme.example" and env["GALLERY_TABLE"].endswith("-images")
    assert env["CLOUDFRONT_PRIVATE_KEY_PARAMETER"] == "/imageplatform/production/cloudfront-private-key"
    assert env["METRICS_STAGE"] == "production"
    assert updated["production"]["extends"] == "dev" and updated["dev"] == SETTINGS["dev"]


def test_generator_warns_when_function_names_differ():
    gen = _generator()
    outputs = {
        "aws_region": "us-east-1",
        "lambda_role_arn": "arn:aws:iam::1:role/r",
        "deploy_bucket": "b",
        "lambda_function_name": "imageplatform-staging",
        "lambda_environment": {"GALLERY_BUCKET": "m", "DATABASE_URL": "postgres://leak"},
    }
    updated, warnings = gen.fill(SETTINGS, "dev", outputs)
    assert any("imageplatform-staging" in w for w in warnings)
    assert any("DATABASE_URL" in w for w in warnings)
    assert "DATABASE_URL" not in updated["dev"]["aws_environment_variables"]
