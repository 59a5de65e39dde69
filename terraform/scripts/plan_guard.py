#!/usr/bin/env python3
"""Properties of a whole environment's plan that no single module test can see.

    plan_guard.py ENV PLAN_JSON

PLAN_JSON is `terraform show -json` of a plan (scripts/check.sh makes one offline per
environment). Exits 1, listing every breach, when the plan:

- creates a NAT gateway, an internet gateway (or egress-only one) or an Elastic IP:
  the VPC is private, and AWS services are reached through VPC endpoints;
- gives a subnet public addresses, or routes a route table anywhere but inside the VPC
  (routes of gateway endpoints are added by AWS, not planned);
- declares an S3 bucket notification, a Lambda permission, an SNS subscription delivering
  to a function, or an EventBridge target that is a function: Zappa owns the function's
  event wiring (zappa_settings.json "events"); a bucket notification here would overwrite
  Zappa's on every apply, and `zappa update` deletes every EventBridge rule targeting its
  function and every events.amazonaws.com permission on it. Scan findings reach the
  function through an SQS queue (SNS subscriptions with protocol sqs to a queue of this
  plan, and alarm e-mails, are the only subscriptions allowed);
- puts the takedown invalidator (a function named ``*-invalidator``) in a VPC: it exists
  to reach CloudFront's API, which the VPC (no NAT) cannot;
- creates a CloudFront public key or key group: file URLs are not CloudFront-signed;
- leaves an Aurora cluster unencrypted or publicly accessible.
"""

from __future__ import annotations

import json
import pathlib
import sys

FORBIDDEN_TYPES = {
    "aws_nat_gateway": "no NAT gateway: the function reaches AWS through VPC endpoints",
    "aws_internet_gateway": "no internet gateway: the subnets are private",
    "aws_egress_only_internet_gateway": "no egress-only internet gateway: the subnets are private",
    "aws_eip": "no Elastic IP: nothing here is reachable from the internet",
    "aws_s3_bucket_notification": "Zappa owns the bucket's event wiring (zappa_settings.json events)",
    "aws_lambda_permission": "Zappa adds the function's invoke permissions with its events",
    "aws_sns_topic_subscription": None,  # allowed for alarm emails; checked below
    "aws_cloudfront_public_key": "file URLs are not CloudFront-signed (S3 presigned URLs instead)",
    "aws_cloudfront_key_group": "file URLs are not CloudFront-signed (S3 presigned URLs instead)",
}


def planned(plan: dict) -> list[dict]:
    out = []
    for rc in plan.get("resource_changes", []):
        actions = rc["change"]["actions"]
        if rc.get("mode") != "managed" or actions == ["delete"]:
            continue
        out.append({"type": rc["type"], "address": rc["address"], "values": rc["change"].get("after") or {}})
    return out


def breaches(plan: dict) -> list[str]:
    found = []
    for r in planned(plan):
        t, a, v = r["type"], r["address"], r["values"]
        reason = FORBIDDEN_TYPES.get(t)
        if reason:
            found.append(f"{a}: {reason}")
        if t == "aws_sns_topic_subscription" and v.get("protocol") not in ("email", "sqs"):
            found.append(
                f"{a}: only alarm e-mails and the findings queue subscribe here; never the function"
            )
        if t == "aws_cloudwatch_event_target" and ":lambda:" in str(v.get("arn") or ""):
            found.append(f"{a}: `zappa update` deletes rules that target a function; target a queue")
        if t == "aws_lambda_function" and str(v.get("function_name", "")).endswith("-invalidator") and v.get("vpc_config"):
            found.append(f"{a}: the invalidator runs outside the VPC (CloudFront's API has no endpoint)")
        if t == "aws_subnet" and v.get("map_public_ip_on_launch"):
            found.append(f"{a}: subnets are private (map_public_ip_on_launch = false)")
        if t in ("aws_route_table", "aws_default_route_table") and v.get("route"):
            found.append(f"{a}: private route tables have no routes of their own")
        if t == "aws_route":
            found.append(f"{a}: private route tables have no routes of their own")
        if t == "aws_rds_cluster" and not v.get("storage_encrypted"):
            found.append(f"{a}: storage must be encrypted")
        if t in ("aws_rds_cluster_instance", "aws_db_instance") and v.get("publicly_accessible"):
            found.append(f"{a}: never publicly accessible")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    env, path = argv[1], argv[2]
    plan = json.loads(pathlib.Path(path).read_text())
    found = breaches(plan)
    if found:
        print(f"plan guard, {env}: {len(found)} breach(es)", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    types = {r["type"] for r in planned(plan)}
    print(
        f"plan guard, {env}: no NAT or internet gateway, private subnets and routes, "
        f"no bucket notification or function event wiring, invalidator outside the VPC, "
        f"no URL-signing keys ({len(types)} resource types checked)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
