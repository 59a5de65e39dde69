#!/usr/bin/env python3
"""Monthly cost estimate of one environment from an offline plan.

    cost.py ENV PLAN_JSON [USAGE_JSON]

PLAN_JSON is `terraform show -json` of a plan; USAGE_JSON (default: usage.json
beside this script) holds the usage profile of each environment. Only what the
plan creates is priced (a bucket, table, alarm... that the plan lacks costs
nothing); usage-driven amounts come from the profile. Lambda and API Gateway,
which Zappa deploys, are shown apart for reference.

Prices: AWS list prices for us-east-1 (on-demand, no free tier, no savings
plans), as published on the AWS pricing pages in May 2025 (Aurora: the Aurora
Standard configuration). In CI/CD, where the
pricing API is reachable, Infracost gives the authoritative figures.
"""

from __future__ import annotations

import json
import pathlib
import sys

PRICES_AS_OF = "2025-05 (us-east-1 list prices)"

PRICE = {
    # Amazon S3 Standard
    "s3_storage_gb_month": 0.023,  # first 50 TB / month
    "s3_put_per_1k": 0.005,  # PUT, COPY, POST, LIST
    "s3_get_per_1k": 0.0004,  # GET, SELECT and other
    "s3_acceleration_gb": 0.04,  # Transfer Acceleration, US/EU/JP edge
    # Amazon DynamoDB, on-demand (prices after the Nov 2024 reduction)
    "ddb_write_per_million": 0.625,
    "ddb_read_per_million": 0.125,
    "ddb_storage_gb_month": 0.25,
    "ddb_pitr_gb_month": 0.20,
    # Amazon CloudFront (North America / Europe)
    "cf_transfer_gb": 0.085,  # first 10 TB / month to the internet
    "cf_https_per_10k": 0.01,
    "cf_function_per_million": 0.10,
    "cf_invalidation_path": 0.005,  # after the first 1,000 paths a month
    # AWS WAF
    "waf_web_acl_month": 5.00,
    "waf_rule_month": 1.00,  # each rule or rule group in the web ACL
    "waf_requests_per_million": 0.60,
    # Amazon CloudWatch
    "logs_ingest_gb": 0.50,
    "logs_vended_ingest_gb": 0.50,  # WAF logs, first 10 TB
    "logs_storage_gb_month": 0.03,
    "alarm_metric_month": 0.10,  # standard resolution, per metric in the alarm
    # Amazon Aurora PostgreSQL, Aurora Standard configuration
    "aurora_acu_hour": 0.12,  # Serverless v2, per ACU-hour (0 while paused)
    "aurora_storage_gb_month": 0.10,
    "aurora_io_per_million": 0.20,
    # Amazon VPC
    "vpce_interface_az_hour": 0.01,  # per interface endpoint, per zone it spans
    "vpce_interface_gb": 0.01,  # data processed, first PB
    "flow_logs_s3_gb": 0.25,  # vended logs delivered to S3, first 10 TB
    # AWS Secrets Manager
    "secret_month": 0.40,
    "secrets_api_per_10k": 0.05,
    # Amazon SNS
    "sns_email_per_100k": 2.00,
    # Amazon SQS (the scanner's findings queue), standard queue, after the first 1M free
    "sqs_requests_per_million": 0.40,
    # Amazon GuardDuty Malware Protection for S3 (as published in 2026, us-east-1)
    "guardduty_s3_gb": 0.09,  # data scanned
    "guardduty_s3_per_1k_objects": 0.215,  # objects evaluated
    # Outside Terraform (Zappa), for reference
    "lambda_requests_per_million": 0.20,
    "lambda_gb_second": 0.0000166667,  # x86
    "apigw_rest_per_million": 3.50,  # first 333 million
}


def resources(plan: dict) -> list[dict]:
    """Resources the plan creates or keeps, with their planned values."""
    out = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode") != "managed" or "delete" in rc["change"]["actions"] and "create" not in rc["change"]["actions"]:
            continue
        out.append({"type": rc["type"], "address": rc["address"], "values": rc["change"].get("after") or {}})
    return out


def of_type(res: list[dict], rtype: str) -> list[dict]:
    return [r for r in res if r["type"] == rtype]


def estimate(plan: dict, usage: dict) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]]]:
    res = resources(plan)
    lines: list[tuple[str, str, float]] = []
    p = PRICE

    # S3: storage per bucket role (the name's last segment), requests on the media bucket.
    for b in of_type(res, "aws_s3_bucket"):
        name = b["values"].get("bucket") or b["address"]
        role = name.rsplit("-", 1)[-1]
        gb = float(usage["s3_storage_gb"].get(role, 0))
        lines.append(("S3", f"{role} bucket storage, {gb:g} GB", gb * p["s3_storage_gb_month"]))
    if of_type(res, "aws_s3_bucket"):
        lines.append(("S3", f"PUT/POST/LIST requests, {usage['s3_put_requests']:,}", usage["s3_put_requests"] / 1000 * p["s3_put_per_1k"]))
        lines.append(("S3", f"GET requests (CloudFront misses), {usage['s3_get_requests']:,}", usage["s3_get_requests"] / 1000 * p["s3_get_per_1k"]))
    if of_type(res, "aws_s3_bucket_accelerate_configuration"):
        gb = float(usage.get("accelerated_upload_gb", 0))
        lines.append(("S3", f"Transfer Acceleration, {gb:g} GB", gb * p["s3_acceleration_gb"]))

    # DynamoDB: the profile's totals split evenly over the tables the plan creates.
    tables = of_type(res, "aws_dynamodb_table")
    if tables:
        d = usage["dynamodb"]
        lines.append(("DynamoDB", f"write request units, {d['write_request_units']:,}", d["write_request_units"] / 1e6 * p["ddb_write_per_million"]))
        lines.append(("DynamoDB", f"read request units, {d['read_request_units']:,}", d["read_request_units"] / 1e6 * p["ddb_read_per_million"]))
        lines.append(("DynamoDB", f"storage, {d['storage_gb']:g} GB in {len(tables)} tables", d["storage_gb"] * p["ddb_storage_gb_month"]))
        pitr = [t for t in tables if any(x.get("enabled") for x in t["values"].get("point_in_time_recovery") or [])]
        if pitr:
            share = d["storage_gb"] * len(pitr) / len(tables)
            lines.append(("DynamoDB", f"point-in-time recovery, {share:g} GB", share * p["ddb_pitr_gb_month"]))

    # CloudFront
    if of_type(res, "aws_cloudfront_distribution"):
        c = usage["cloudfront"]
        lines.append(("CloudFront", f"data transfer out, {c['data_transfer_gb']:,} GB", c["data_transfer_gb"] * p["cf_transfer_gb"]))
        lines.append(("CloudFront", f"HTTPS requests, {c['requests']:,}", c["requests"] / 1e4 * p["cf_https_per_10k"]))
    if of_type(res, "aws_cloudfront_function"):
        c = usage["cloudfront"]
        lines.append(("CloudFront", f"function invocations (app requests), {c['app_requests']:,}", c["app_requests"] / 1e6 * p["cf_function_per_million"]))

    # WAF: web ACL, each rule, requests (every CloudFront request is inspected).
    for acl in of_type(res, "aws_wafv2_web_acl"):
        rules = len(acl["values"].get("rule") or [])
        lines.append(("WAF", "web ACL", p["waf_web_acl_month"]))
        lines.append(("WAF", f"{rules} rules and managed rule groups", rules * p["waf_rule_month"]))
        reqs = usage["cloudfront"]["requests"]
        lines.append(("WAF", f"requests inspected, {reqs:,}", reqs / 1e6 * p["waf_requests_per_million"]))

    # Aurora Serverless v2: ACU-hours (zero while paused), storage, I/O.
    for c in of_type(res, "aws_rds_cluster"):
        d = usage["database"]
        scaling = (c["values"].get("serverlessv2_scaling_configuration") or [{}])[0]
        lo, hi = scaling.get("min_capacity"), scaling.get("max_capacity")
        floor_hours = 730 * float(lo or 0)  # the minimum runs around the clock unless it is 0
        acu_hours = max(float(d["acu_hours"]), floor_hours)
        note = f"{acu_hours:,.0f} ACU-hours ({lo}-{hi} ACU{', paused when idle' if lo == 0 else ''})"
        lines.append(("Aurora", note, acu_hours * p["aurora_acu_hour"]))
        lines.append(("Aurora", f"storage, {d['storage_gb']:g} GB", d["storage_gb"] * p["aurora_storage_gb_month"]))
        lines.append(("Aurora", f"I/O requests, {d['io_requests']:,}", d["io_requests"] / 1e6 * p["aurora_io_per_million"]))
        if c["values"].get("enabled_cloudwatch_logs_exports"):
            gb = float(usage["logs_ingested_gb"].get("database", 0))
            lines.append(("CloudWatch", f"database logs ingested and stored, {gb:g} GB", gb * (p["logs_ingest_gb"] + p["logs_storage_gb_month"])))

    # VPC endpoints: gateway endpoints (S3, DynamoDB) are free; interface endpoints cost
    # per zone-hour and per GB processed.
    endpoints = of_type(res, "aws_vpc_endpoint")
    gateways = [e for e in endpoints if e["values"].get("vpc_endpoint_type") == "Gateway"]
    if gateways:
        names = ", ".join(sorted(e["values"].get("service_name", "").rsplit(".", 1)[-1] for e in gateways))
        lines.append(("VPC", f"gateway endpoints ({names})", 0.0))
    for e in endpoints:
        if e["values"].get("vpc_endpoint_type") != "Interface":
            continue
        service = e["values"].get("service_name", "").rsplit(".", 1)[-1]
        zones = len(e["values"].get("subnet_ids") or []) or int((e["values"].get("tags") or {}).get("Zones", 2))
        gb = float(usage.get("interface_endpoint_gb", {}).get(service, 0))
        lines.append(("VPC", f"{service} interface endpoint, {zones} zone(s) x 730 h", zones * 730 * p["vpce_interface_az_hour"]))
        lines.append(("VPC", f"{service} interface endpoint, {gb:g} GB processed", gb * p["vpce_interface_gb"]))
    for _ in of_type(res, "aws_flow_log"):
        gb = float(usage.get("flow_logs_gb", 0))
        lines.append(("VPC", f"flow logs to S3, {gb:g} GB", gb * p["flow_logs_s3_gb"]))

    # Secrets Manager: the app secret, and the one RDS manages for the master user.
    secrets = len(of_type(res, "aws_secretsmanager_secret"))
    secrets += sum(1 for c in of_type(res, "aws_rds_cluster") if c["values"].get("manage_master_user_password"))
    if secrets:
        calls = int(usage.get("secrets_api_calls", 0))
        lines.append(("Secrets Manager", f"{secrets} secrets", secrets * p["secret_month"]))
        lines.append(("Secrets Manager", f"GetSecretValue calls (cold starts), {calls:,}", calls / 1e4 * p["secrets_api_per_10k"]))

    # CloudWatch Logs: ingestion and one month of storage per log group.
    for lg in of_type(res, "aws_cloudwatch_log_group"):
        name = lg["values"].get("name", "")
        kind = "waf" if name.startswith("aws-waf-logs-") else "invalidator" if name.endswith("-invalidator") else "lambda"
        gb = float(usage["logs_ingested_gb"].get(kind, 0))
        price = p["logs_vended_ingest_gb"] if kind == "waf" else p["logs_ingest_gb"]
        lines.append(("CloudWatch", f"{kind} logs ingested, {gb:g} GB", gb * price))
        lines.append(("CloudWatch", f"{kind} logs stored, {gb:g} GB", gb * p["logs_storage_gb_month"]))

    # Alarms: billed per metric an alarm evaluates.
    metrics = 0
    alarms = of_type(res, "aws_cloudwatch_metric_alarm")
    for a in alarms:
        queries = [q for q in a["values"].get("metric_query") or [] if q.get("metric")]
        metrics += len(queries) or 1
    if alarms:
        lines.append(("CloudWatch", f"{len(alarms)} alarms over {metrics} metrics", metrics * p["alarm_metric_month"]))

    # The takedown invalidator (the one function Terraform deploys): one invocation per
    # batch of invalidation requests.
    for fn in of_type(res, "aws_lambda_function"):
        n = int(usage.get("invalidator_invocations", 0))
        memory = int(fn["values"].get("memory_size") or 128)
        gb_s = n * 1.0 * memory / 1024  # about a second each (CloudFront's API)
        lines.append(("Lambda", f"takedown invalidator, {n:,} invocations, {gb_s:,.0f} GB-s", n / 1e6 * p["lambda_requests_per_million"] + gb_s * p["lambda_gb_second"]))
        paths = n * 3  # renditions/<id>/*, originals/<id>/*, the share page
        lines.append(("CloudFront", f"invalidation paths, {paths:,}", paths * p["cf_invalidation_path"]))

    # Malware scanning of direct uploads: GuardDuty per object and GB scanned; the
    # findings queue per request (the function's poller long-polls it around the clock).
    if of_type(res, "aws_guardduty_malware_protection_plan"):
        scans = usage.get("malware_scans", {})
        objects, gb = int(scans.get("objects", 0)), float(scans.get("gb", 0))
        lines.append(("GuardDuty", f"Malware Protection for S3, {objects:,} objects", objects / 1000 * p["guardduty_s3_per_1k_objects"]))
        lines.append(("GuardDuty", f"Malware Protection for S3, {gb:g} GB scanned", gb * p["guardduty_s3_gb"]))
    queues = [q for q in of_type(res, "aws_sqs_queue") if not q["values"].get("name", "").endswith("-dlq")]
    if queues:
        n = int(usage.get("sqs_requests", 0))
        lines.append(("SQS", f"requests (findings and the function's polling), {n:,}", n / 1e6 * p["sqs_requests_per_million"]))

    if of_type(res, "aws_sns_topic"):
        n = usage.get("alarm_notifications", 0)
        lines.append(("SNS", f"email notifications, {n:,}", n / 1e5 * p["sns_email_per_100k"]))

    # For reference: what Zappa deploys on top.
    lam = usage["lambda"]
    gb_s = lam["requests"] * lam["avg_duration_ms"] / 1000 * lam["memory_mb"] / 1024
    ref = [
        ("Lambda", f"requests, {lam['requests']:,}", lam["requests"] / 1e6 * p["lambda_requests_per_million"]),
        ("Lambda", f"compute, {gb_s:,.0f} GB-s", gb_s * p["lambda_gb_second"]),
        ("API Gateway", f"REST requests, {usage['cloudfront']['app_requests']:,}", usage["cloudfront"]["app_requests"] / 1e6 * p["apigw_rest_per_million"]),
    ]
    return lines, ref


def render(env: str, profile: str, lines, ref) -> str:
    width = max(len(f"{s}: {d}") for s, d, _ in lines + ref) + 2
    out = [f"Monthly estimate, {env}: {profile}", f"Prices: {PRICES_AS_OF}", "-" * (width + 12)]
    for s, d, c in lines:
        out.append(f"{s + ': ' + d:<{width}}{c:>10.2f} $")
    total = sum(c for _, _, c in lines)
    out += ["-" * (width + 12), f"{'Total, resources in this plan':<{width}}{total:>10.2f} $"]
    out.append("")
    for s, d, c in ref:
        out.append(f"{s + ': ' + d:<{width}}{c:>10.2f} $")
    ref_total = sum(c for _, _, c in ref)
    out += [f"{'Zappa-deployed (not in this plan)':<{width}}{ref_total:>10.2f} $", f"{'Total with Lambda and API Gateway':<{width}}{total + ref_total:>10.2f} $"]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    env, plan_path = argv[1], argv[2]
    usage_path = pathlib.Path(argv[3]) if len(argv) == 4 else pathlib.Path(__file__).with_name("usage.json")
    plan = json.loads(pathlib.Path(plan_path).read_text())
    usage_all = json.loads(usage_path.read_text())
    if env not in usage_all:
        print(f"no usage profile for {env!r} in {usage_path}", file=sys.stderr)
        return 2
    lines, ref = estimate(plan, usage_all[env])
    if not lines:
        print(f"the plan for {env} creates nothing that is priced", file=sys.stderr)
        return 1
    print(render(env, usage_all[env]["description"], lines, ref))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
