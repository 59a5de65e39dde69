"""Write zappa_settings.json from Terraform's outputs (the hand-off), every stage at once.

    python scripts/zappa_settings.py                      # runs `terraform output -json` in each env root
    python scripts/zappa_settings.py --stage dev          # only staging's root; production kept as is
    python scripts/zappa_settings.py --outputs dev=tf-staging.json --outputs production=tf-production.json
    python scripts/zappa_settings.py --check              # exit 1 when the committed file differs
    python scripts/zappa_settings.py --fixtures           # from tests/lambda/fixtures (what is committed)

The file is generated, never edited by hand: the fixed choices below (runtime, memory,
what the zip leaves out, ...) plus, per stage, what Terraform made: the function's name
(Zappa names it ``<project_name>-<stage>``, so ``project_name`` is derived from
``lambda_function_name``), ``role_arn`` with ``manage_roles: false``, ``s3_bucket``,
``vpc_config``, reserved concurrency (Zappa's ``lambda_concurrency``), the environment
(``lambda_environment``: names and ARNs, never a secret) and the ``events`` Zappa wires
to ``imageplatform.events.handle`` (the gallery bucket's ObjectCreated under
``uploads/``; the malware-findings queue when Terraform outputs one).

Stages and roots: Zappa's ``dev`` stage deploys into terraform/envs/staging (whose
function is ``imageplatform-dev``), ``production`` into terraform/envs/production.
tests/lambda/test_zappa_settings.py fails when the committed file differs from what this
script makes from the committed output fixtures.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "zappa_settings.json"
FIXTURES = ROOT / "tests" / "lambda" / "fixtures"
TERRAFORM_ENV = {"dev": "staging", "production": "production"}
EVENT_FUNCTION = "imageplatform.events.handle"
REPAIR_FUNCTION = "imageplatform.events.repair_scheduled"
UPLOADS_PREFIX = "uploads/"  # imageplatform/dynamodb.json's s3_prefixes.uploads
# Never in this file: secrets, and the switch that takes secrets from the environment.
FORBIDDEN = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_PASSWORD",
    "CLOUDFRONT_PRIVATE_KEY",
    "ORIGIN_VERIFY_VALUES",
    "DJANGO_SECRETS_FROM_ENV",
)
# lambda_environment must name these (or Terraform outputs them on their own).
REQUIRED_ENV = {
    "PUBLIC_ORIGIN": "public_origin",
    "GALLERY_BUCKET": "gallery_bucket",
    "GALLERY_TABLE": "gallery_table",
    "SHORTLINKS_TABLE": "shortlinks_table",
    "APP_SECRET_ARN": "app_secret_arn",
    "DATABASE_SECRET_ARN": "database_secret_arn",
    "DATABASE_HOST": "database_host",
    "DATABASE_PORT": "database_port",
    "DATABASE_NAME": "database_name",
}
REQUIRED_OUTPUTS = (
    "aws_region",
    "lambda_role_arn",
    "lambda_function_name",
    "deploy_bucket",
    "lambda_environment",
    "gallery_bucket_arn",
    "vpc_subnet_ids",
    "vpc_security_group_ids",
)

# Fixed choices, the same in every stage (docs/deployment.md explains them).
COMMON = {
    "django_settings": "imageplatform.settings.production",
    "runtime": "python3.13",
    "architecture": "x86_64",
    # Sized from `make bench-limits` (README, "Lambda sizing"): the heaviest accepted file
    # (a 100-megapixel PNG) peaks at about 500 MB in the pipeline alone and 1.6 s on a
    # 2-core laptop; 2048 MB gives 4x headroom and about 1.2 vCPU. Web requests are cut
    # at 29 s by API Gateway anyway; the S3 events of direct uploads get up to 60 s.
    "memory_size": 2048,
    "timeout_seconds": 60,
    "endpoint_configuration": ["REGIONAL"],
    "keep_warm": True,
    "keep_warm_expression": "rate(4 minutes)",
    "slim_handler": False,
    "use_precompiled_packages": False,
    "binary_support": True,
    "log_level": "INFO",
    "debug": False,
    "xray_tracing": False,
    "manage_roles": False,
    "exclude_glob": [
        ".ci",
        "invalidator",
        ".github",
        ".gitignore",
        ".pre-commit-config.yaml",
        "*.md",
        "Makefile",
        "bench",
        "conftest.py",
        "devstack",
        "dist",
        "docs",
        "loadtest",
        "node_modules",
        "package.json",
        "package-lock.json",
        "pyproject.toml",
        "requirements*.txt",
        "scripts",
        "seeds",
        "terraform",
        "tests",
        "*/tests",
        "var",
        "**/locale/*/LC_MESSAGES/*.po",
        "_distutils_hack",
        "distutils-precedence.pth",
        "argcomplete*",
        "cfn_clean",
        "cfn_flip*",
        "cfn_tools",
        "charset_normalizer*",
        "click",
        "click-*",
        "hjson*",
        "pip",
        "pip-*",
        "pkg_resources",
        "placebo*",
        "python_slugify*",
        "pyyaml-*",
        "PyYAML-*",
        "requests",
        "requests-*",
        "setuptools*",
        "slugify",
        "text_unidecode*",
        "toml",
        "toml-*",
        "tqdm*",
        "troposphere*",
        "wheel",
        "wheel-*",
        "yaml",
        "_yaml",
        "django/contrib/admin/static",
        "ninja/static",
        # botocore's API models: keep only the services the app calls (s3, dynamodb,
        # secretsmanager, ssm, sts, sso*), which halves botocore.
        "botocore/data/[abcfghiklmnoqrtuvwx]*",
        "botocore/data/d[aeilmors]*",
        "botocore/data/dynamodbs*",
        "botocore/data/e[bcfklmsv]*",
        "botocore/data/ent*",
        "botocore/data/endu*",
        "botocore/data/p[ceior]*",
        "botocore/data/pay*",
        "botocore/data/partn*",
        "botocore/data/s[achimnoquwy]*",
        "botocore/data/se[abd-z]*",
        "botocore/data/sec[a-qs-z]*",
        "botocore/data/s3[cfotv]*",
        "botocore/data/sdb*",
        "botocore/data/ssm-*",
        "botocore/data/sso-a*",
        "botocore/data/st[eo]*",
    ],
}
# A Lambda request carries at most 6 MB: larger files go straight to S3 (POST
# /api/v1/uploads), and the bucket's ObjectCreated event runs the pipeline.
STAGE_ENV = {
    "LOG_LEVEL": "INFO",
    "GALLERY_MAX_INLINE_UPLOAD_BYTES": "4000000",
    "GALLERY_UPLOAD_EVENTS": "true",
}


def values(outputs: dict) -> dict:
    """``terraform output -json`` wraps each value as {"value": ..., "type": ...}."""
    return {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in outputs.items()}


def terraform_outputs(env: str) -> dict:
    out = subprocess.run(
        ["terraform", f"-chdir={ROOT / 'terraform' / 'envs' / env}", "output", "-json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def fixture_path(stage: str) -> Path:
    return FIXTURES / f"terraform-outputs-{TERRAFORM_ENV[stage]}.json"


def stage_settings(stage: str, out: dict) -> dict:
    """One stage's Terraform-made values; raises SystemExit naming what is missing."""
    missing = [k for k in REQUIRED_OUTPUTS if out.get(k) in (None, "", [], {})]
    if missing:
        raise SystemExit(f"error: {stage}: Terraform outputs lack {', '.join(missing)} (was it applied?)")
    function = out["lambda_function_name"]
    suffix = f"-{stage}"
    if not function.endswith(suffix) or function == suffix:
        raise SystemExit(
            f"error: Terraform's function is {function!r}, but Zappa names the {stage!r} stage's "
            f"function '<project_name>{suffix}': set zappa_stage = {stage!r} in the Terraform root."
        )

    env = {k: str(v) for k, v in out["lambda_environment"].items()}
    leaked = sorted(set(env) & set(FORBIDDEN))
    if leaked:
        raise SystemExit(
            f"error: {stage}: lambda_environment carries {', '.join(leaked)}: never in this file"
        )
    for name, output in REQUIRED_ENV.items():
        if not env.get(name) and out.get(output) not in (None, ""):
            env[name] = str(out[output])
    absent = [name for name in REQUIRED_ENV if not env.get(name)]
    if absent:
        raise SystemExit(f"error: {stage}: no value for {', '.join(absent)} in Terraform's outputs")
    if out.get("origin_verify_header") and out["origin_verify_header"] != "X-Origin-Verify":
        env["ORIGIN_VERIFY_HEADER"] = out["origin_verify_header"]
    if env.get("CLOUDFRONT_KEY_ID") and out.get("cloudfront_private_key_parameter"):
        env.setdefault("CLOUDFRONT_PRIVATE_KEY_PARAMETER", out["cloudfront_private_key_parameter"])
    for name, value in STAGE_ENV.items():
        env.setdefault(name, value)
    env["METRICS_STAGE"] = stage

    events = [
        {
            "function": EVENT_FUNCTION,
            "event_source": {
                "arn": out["gallery_bucket_arn"],
                "events": ["s3:ObjectCreated:*"],
                "prefix": UPLOADS_PREFIX,
            },
        }
    ]
    # What failures left behind (manage.py repair), found and fixed once a day.
    events.append({"function": REPAIR_FUNCTION, "expression": "rate(1 day)"})
    # Malware-scan findings (BucketAV's SNS topic or GuardDuty's EventBridge rule) reach the
    # function through Terraform's SQS queue: Zappa keeps an SQS mapping as it is on update,
    # where it would re-subscribe an SNS topic unfiltered and delete EventBridge targets.
    if out.get("malware_findings_queue_arn"):
        events.append(
            {
                "function": EVENT_FUNCTION,
                "event_source": {"arn": out["malware_findings_queue_arn"], "batch_size": 1, "enabled": True},
            }
        )

    conf = {
        "project_name": function[: -len(suffix)],
        "aws_region": out["aws_region"],
        "role_arn": out["lambda_role_arn"],
        "s3_bucket": out["deploy_bucket"],
        "vpc_config": {
            "SubnetIds": list(out["vpc_subnet_ids"]),
            "SecurityGroupIds": list(out["vpc_security_group_ids"]),
        },
        "aws_environment_variables": dict(sorted(env.items())),
        "events": events,
    }
    # Always present (null: no reservation), since `extends` would otherwise pass dev's on.
    reserved = out.get("lambda_reserved_concurrency")
    conf["lambda_concurrency"] = None if reserved in (None, "", -1) else int(reserved)
    return conf


def stage_entry(stage: str, outputs: dict) -> dict:
    """``dev`` holds the fixed choices; ``production`` extends it (shallowly)."""
    base = COMMON if stage == "dev" else {"extends": "dev"}
    return {**base, **stage_settings(stage, values(outputs))}


def generate(outputs_by_stage: dict[str, dict], current: dict | None = None) -> dict:
    """The whole file; stages missing from ``outputs_by_stage`` are kept from ``current``."""
    settings = {}
    for stage in TERRAFORM_ENV:
        if stage in outputs_by_stage:
            settings[stage] = stage_entry(stage, outputs_by_stage[stage])
        elif current and stage in current:
            settings[stage] = current[stage]
        else:
            raise SystemExit(f"error: no Terraform outputs for the {stage!r} stage")
    return settings


def render(settings: dict) -> str:
    return json.dumps(settings, indent=4) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--outputs",
        action="append",
        default=[],
        metavar="STAGE=FILE",
        help="a saved `terraform output -json` for a stage (default: run terraform in its root)",
    )
    parser.add_argument("--fixtures", action="store_true", help="use tests/lambda/fixtures' outputs")
    parser.add_argument(
        "--stage",
        action="append",
        choices=sorted(TERRAFORM_ENV),
        help="only this stage (repeatable; the others are kept as they are in the file)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when zappa_settings.json differs")
    parser.add_argument("--print", action="store_true", help="print the file instead of writing it")
    args = parser.parse_args()

    given = dict(item.split("=", 1) for item in args.outputs)
    unknown = set(given) - set(TERRAFORM_ENV)
    if unknown:
        parser.error(f"unknown stage {', '.join(sorted(unknown))} (stages: {', '.join(TERRAFORM_ENV)})")
    outputs = {}
    current = json.loads(SETTINGS.read_text()) if SETTINGS.exists() else {}
    for stage, env in TERRAFORM_ENV.items():
        if args.stage and stage not in args.stage:
            continue
        if stage in given:
            outputs[stage] = json.loads(Path(given[stage]).read_text())
        elif args.fixtures:
            outputs[stage] = json.loads(fixture_path(stage).read_text())
        else:
            outputs[stage] = terraform_outputs(env)
    text = render(generate(outputs, current))
    if args.print:
        sys.stdout.write(text)
        return 0
    if args.check:
        if SETTINGS.read_text() != text:
            print("zappa_settings.json differs from Terraform's outputs: run scripts/zappa_settings.py")
            return 1
        print("zappa_settings.json matches Terraform's outputs")
        return 0
    SETTINGS.write_text(text)
    print(f"wrote zappa_settings.json (from Terraform: {', '.join(outputs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
