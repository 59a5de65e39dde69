"""Fill a stage of zappa_settings.json from Terraform's outputs (the hand-off).

    terraform -chdir=terraform/envs/production output -json > /tmp/tf.json
    python scripts/zappa_settings.py production --outputs /tmp/tf.json
    # or let it run terraform itself:
    python scripts/zappa_settings.py dev                # reads terraform/envs/staging
    python scripts/zappa_settings.py production --check # exit 1 when the file is stale

Sets, for the stage: ``aws_region``, ``role_arn`` (with ``manage_roles: false``),
``s3_bucket`` (Zappa's package bucket), and ``aws_environment_variables`` from the
``lambda_environment`` map plus CLOUDFRONT_PRIVATE_KEY_PARAMETER and METRICS_STAGE.
Other keys of the stage (and other variables already set) are kept. Only names and
ARNs come from Terraform; secrets never pass through this file (docs/deployment.md).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "zappa_settings.json"
TERRAFORM_ENV = {"dev": "staging", "production": "production"}
PROJECT = "imageplatform"


def terraform_outputs(env: str) -> dict:
    out = subprocess.run(
        ["terraform", f"-chdir={ROOT / 'terraform' / 'envs' / env}", "output", "-json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def values(outputs: dict) -> dict:
    """``terraform output -json`` wraps each value as {"value": ..., "type": ...}."""
    return {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in outputs.items()}


def fill(settings: dict, stage: str, out: dict) -> tuple[dict, list[str]]:
    warnings = []
    required = ("lambda_environment", "lambda_role_arn", "aws_region", "deploy_bucket")
    missing = [k for k in required if not out.get(k)]
    if missing:
        raise SystemExit(f"error: Terraform outputs lack {', '.join(missing)} (was it applied?)")
    expected = f"{PROJECT}-{stage}"
    if out.get("lambda_function_name") and out["lambda_function_name"] != expected:
        warnings.append(
            f"Terraform made its role and log group for the function {out['lambda_function_name']!r}, "
            f"but Zappa's {stage!r} stage deploys {expected!r}: align the stage names."
        )
    conf = dict(settings.get(stage, {}))
    conf.update(
        aws_region=out["aws_region"],
        manage_roles=False,
        role_arn=out["lambda_role_arn"],
        s3_bucket=out["deploy_bucket"],
    )
    env = dict(
        conf.get("aws_environment_variables") or settings.get("dev", {}).get("aws_environment_variables", {})
    )
    env.update({k: str(v) for k, v in out["lambda_environment"].items()})
    if out.get("cloudfront_private_key_parameter"):
        env["CLOUDFRONT_PRIVATE_KEY_PARAMETER"] = out["cloudfront_private_key_parameter"]
    env["METRICS_STAGE"] = stage
    for secret in ("DJANGO_SECRET_KEY", "DATABASE_URL", "CLOUDFRONT_PRIVATE_KEY"):
        if env.pop(secret, None) is not None:
            warnings.append(f"dropped {secret}: secrets are set on the function, never in this file")
    conf["aws_environment_variables"] = dict(sorted(env.items()))
    return {**settings, stage: conf}, warnings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=sorted(TERRAFORM_ENV))
    parser.add_argument(
        "--outputs", type=Path, help="a saved `terraform output -json` (default: run terraform)"
    )
    parser.add_argument(
        "--env", help="terraform/envs/<ENV> to read (default: dev->staging, production->production)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when zappa_settings.json differs, change nothing"
    )
    args = parser.parse_args()

    raw = (
        json.loads(args.outputs.read_text())
        if args.outputs
        else terraform_outputs(args.env or TERRAFORM_ENV[args.stage])
    )
    current = json.loads(SETTINGS.read_text())
    updated, warnings = fill(current, args.stage, values(raw))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.check:
        if updated != current:
            print(
                f"zappa_settings.json is stale for {args.stage}: run scripts/zappa_settings.py {args.stage}"
            )
            return 1
        print(f"zappa_settings.json matches Terraform for {args.stage}")
        return 0
    SETTINGS.write_text(json.dumps(updated, indent=4) + "\n")
    print(f"updated the {args.stage} stage of zappa_settings.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
