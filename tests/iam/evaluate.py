"""Judge recorded AWS calls against the Lambda role's policies.

    python -m tests.iam.evaluate RECORD.jsonl [--env staging] [--policy FILE] [--map local=terraform]

RECORD.jsonl is what tests/iam/recorder.py wrote (``IAM_RECORD_FILE``). The policy is the
one Terraform renders for ``--env`` (tests/iam/policies.py; needs terraform) or a JSON file
(``--policy``: the extractor's output, or a bare policy document).

Prints ``M AWS calls, all allowed`` (exit 0) or the denied ones (exit 1), then the grants
no call used. Local resource names (moto's ``test-gallery-moto``) are mapped onto
Terraform's through the settings they came from (GALLERY_BUCKET -> the media bucket, ...),
recorded with each call, plus any ``--map local=terraform`` given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.iam import actions
from tests.iam.policy import PolicySet, Request

# Used by AWS on the role's behalf, never by the app's own calls (so no recorder sees them):
# Lambda writes the function's logs with the role and manages the network interfaces of a
# function in a VPC with it; API Gateway (Zappa's integration, whose trust policy names
# apigateway.amazonaws.com) invokes the function with it.
AWS_SIDE_ACTIONS = (
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "lambda:InvokeFunction",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)


@dataclass
class Report:
    calls: int = 0
    requests: int = 0
    presigned: int = 0
    denied: list = field(default_factory=list)  # (Request, reason, [records])
    errors: list = field(default_factory=list)  # (record, message)
    unused: list = field(default_factory=list)
    by_operation: Counter = field(default_factory=Counter)
    policy_note: str = ""

    @property
    def ok(self) -> bool:
        return not self.denied and not self.errors

    def text(self, *, unused: bool = True) -> str:
        lines = []
        if self.policy_note:
            lines.append(self.policy_note)
        extra = f" ({self.requests} authorisations, {self.presigned} of them presigned URLs/POSTs)"
        if self.ok:
            lines.append(f"{self.calls} AWS calls, all allowed{extra}")
        else:
            lines.append(
                f"{self.calls} AWS calls{extra}: {len(self.denied)} denied, {len(self.errors)} not checkable"
            )
            for request, reason, recs in self.denied:
                ops = sorted(
                    {
                        f"{r['service']}:{r['operation']}" + (" (presigned)" if r.get("presigned") else "")
                        for r in recs
                    }
                )
                tests = sorted({r.get("test") for r in recs if r.get("test")})
                where = f"; e.g. in {tests[0]}" if tests else ""
                lines.append(
                    f"  DENIED ({reason}) {request}  <- {', '.join(ops)}, {len(recs)} call(s){where}"
                )
            for rec, message in self.errors:
                lines.append(f"  ERROR {rec.get('service')}:{rec.get('operation')}: {message}")
        if unused:
            if self.unused:
                lines.append(
                    "grants no recorded call used (remove them, or justify each in the Terraform policy):"
                )
                for u in self.unused:
                    if u["actions"]:
                        lines.append(f"  {u['sid']}: actions {', '.join(u['actions'])}")
                    if u["resources"]:
                        lines.append(f"  {u['sid']}: resources {', '.join(u['resources'])}")
            else:
                lines.append("every grant was used")
            lines.append(
                f"(not judged as unused: {', '.join(AWS_SIDE_ACTIONS)} - used by AWS on the role's behalf)"
            )
        return "\n".join(lines)


def load_records(path) -> list[dict]:
    records = []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise SystemExit(f"{path}:{n}: not JSON: {exc}") from None
    return records


def load_policy(*, env: str = "staging", policy_file: str | None = None) -> dict:
    """The extractor's result shape: documents, names, region, account, partition."""
    if policy_file:
        data = json.loads(Path(policy_file).read_text())
        if "Statement" in data:
            data = {"documents": [{"address": policy_file, "document": data}]}
        data.setdefault("names", {})
        data.setdefault("region", "us-east-1")
        data.setdefault("account", "123456789012")
        data.setdefault("partition", "aws")
        data.setdefault("note", f"policy from {policy_file}")
        return data
    from tests.iam.policies import describe, extract

    data = extract(env)
    data["note"] = describe(data)
    return data


def evaluate_records(records: list[dict], policy: dict, *, extra_map: dict | None = None) -> Report:
    ps = PolicySet([d["document"] for d in policy["documents"]])
    tf_names = policy.get("names", {})
    report = Report(policy_note=policy.get("note", ""))
    grouped: dict = defaultdict(list)  # (action, resource, reason) -> records
    first_request: dict = {}
    for rec in records:
        report.calls += 1
        report.by_operation[f"{rec['service']}:{rec['operation']}"] += 1
        if rec.get("presigned"):
            report.presigned += 1
        if rec.get("error"):
            report.errors.append((rec, rec["error"]))
            continue
        mapping = {local: tf_names[s] for s, local in (rec.get("names") or {}).items() if s in tf_names}
        mapping.update(extra_map or {})
        arns = actions.Arns(
            region=policy["region"],
            account=policy["account"],
            partition=policy.get("partition", "aws"),
            rename=lambda name, m=mapping: m.get(name, name),
        )
        try:
            needed = actions.requests_for(rec["service"], rec["operation"], rec.get("params") or {}, arns)
        except (actions.UnmappedOperation, KeyError, ValueError) as exc:
            report.errors.append((rec, str(exc)))
            continue
        for action, resource, context in needed:
            report.requests += 1
            ctx = {"aws:SecureTransport": "true", "aws:RequestedRegion": policy["region"], **context}
            request = Request(action, resource, ctx)
            decision = ps.evaluate(request)
            if not decision.allowed:
                key = (action, resource, json.dumps(context, sort_keys=True, default=str), decision.reason)
                grouped[key].append(rec)
                first_request.setdefault(key, request)
    report.denied = [(first_request[k], k[3], recs) for k, recs in grouped.items()]
    report.unused = ps.unused(ignore_actions=AWS_SIDE_ACTIONS)
    return report


def evaluate_file(path, *, env: str = "staging", policy_file: str | None = None, extra_map=None) -> dict:
    """For tools (make rehearse): the verdict on a record file as plain data.

    ``{"calls": int, "denied": [text, ...], "errors": [text, ...], "unused": [text, ...],
    "ok": bool, "text": the full report}``. Raises TerraformMissing without terraform.
    """
    report = evaluate_records(
        load_records(path), load_policy(env=env, policy_file=policy_file), extra_map=extra_map
    )
    lines = report.text().splitlines()
    return {
        "calls": report.calls,
        "denied": [line.strip() for line in lines if line.strip().startswith("DENIED")]
        + [line.strip() for line in lines if line.strip().startswith("ERROR")],
        "errors": [f"{r.get('service')}:{r.get('operation')}: {m}" for r, m in report.errors],
        "unused": [f"{u['sid']}: {', '.join(u['actions'] + u['resources'])}" for u in report.unused],
        "ok": report.ok,
        "text": report.text(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Judge recorded AWS calls against the Lambda role's policies.")
    ap.add_argument("record", help="JSON lines written by tests/iam/recorder.py")
    ap.add_argument("--env", default="staging", help="terraform/envs/<env> (default: staging)")
    ap.add_argument("--policy", help="a policy JSON file instead of rendering the Terraform")
    ap.add_argument(
        "--map", action="append", default=[], metavar="LOCAL=TERRAFORM", help="map a resource name"
    )
    ap.add_argument("--allow-skip", action="store_true", help="exit 0 (not 2) when terraform is missing")
    ap.add_argument("--no-unused", action="store_true", help="do not list unused grants")
    args = ap.parse_args(argv)
    extra = dict(m.split("=", 1) for m in args.map)
    try:
        policy = load_policy(env=args.env, policy_file=args.policy)
    except Exception as exc:
        from tests.iam.policies import TerraformMissing

        if isinstance(exc, TerraformMissing):
            print(f"IAM check skipped: {exc}", file=sys.stderr)
            return 0 if args.allow_skip else 2
        raise
    report = evaluate_records(load_records(args.record), policy, extra_map=extra)
    print(report.text(unused=not args.no_unused))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
