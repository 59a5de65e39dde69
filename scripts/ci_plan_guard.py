"""Refuse a Terraform plan that CI must not apply on its own.

    terraform show -json tfplan > plan.json
    python scripts/ci_plan_guard.py plan.json [--allow-destroy]

Prints the plan's changes by action, then fails (exit 1) when the plan
- deletes or replaces a stateful resource (tables, buckets, the database, keys, secrets,
  the distribution): data would be lost, so an engineer applies it by hand, or a commit
  sets ``--allow-destroy`` for one run (ALLOW_DESTROY=1 in the workflow's environment);
- changes the CI roles themselves (``module.github_oidc``): the deploy role cannot grant
  itself more rights; an administrator applies those with ``-target=module.github_oidc``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

STATEFUL_TYPES = frozenset(
    {
        "aws_dynamodb_table",
        "aws_s3_bucket",
        "aws_cloudfront_distribution",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_db_instance",
        "aws_kms_key",
        "aws_secretsmanager_secret",
        "aws_ssm_parameter",
        "aws_cloudfront_public_key",
    }
)
SELF_MODULE = "module.github_oidc"


def action_of(actions: list[str]) -> str:
    if actions == ["no-op"] or actions == ["read"]:
        return "no-op"
    if "delete" in actions and "create" in actions:
        return "replace"
    return actions[0] if len(actions) == 1 else "+".join(actions)


def review(plan: dict, *, allow_destroy: bool = False) -> tuple[Counter, list[str]]:
    counts: Counter = Counter()
    problems = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode") == "data":
            continue
        action = action_of(rc["change"]["actions"])
        counts[action] += 1
        if action == "no-op":
            continue
        address = rc["address"]
        if (
            address == SELF_MODULE
            or address.startswith(SELF_MODULE + ".")
            or address.startswith(SELF_MODULE + "[")
        ):
            problems.append(
                f"{address} would be {action}d: CI roles are changed by an administrator (docs/ci-cd.md)"
            )
        elif action in ("delete", "replace") and rc["type"] in STATEFUL_TYPES and not allow_destroy:
            problems.append(f"{address} ({rc['type']}) would be {action}d: data would be lost")
    return counts, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan_json", type=Path, help="terraform show -json of the saved plan")
    parser.add_argument(
        "--allow-destroy", action="store_true", default=os.environ.get("ALLOW_DESTROY") == "1"
    )
    args = parser.parse_args(argv)
    counts, problems = review(json.loads(args.plan_json.read_text()), allow_destroy=args.allow_destroy)
    summary = ", ".join(f"{n} {a}" for a, n in sorted(counts.items()) if a != "no-op") or "no changes"
    print(f"plan: {summary} ({counts['no-op']} unchanged)")
    for problem in problems:
        print(f"refused: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
