"""The Lambda role's policy documents, as Terraform renders them for one environment.

``extract("staging")`` works on a temporary copy of ``terraform/`` (nothing in the repo
changes), the way ``terraform/scripts/check.sh`` makes its offline plans: a CLI config with
the providers' filesystem mirror, an override file with a local backend and fake
credentials with every network check off. Then:

1. ``terraform plan`` + ``terraform show -json``: the Lambda role is the ``aws_iam_role``
   whose trust policy names ``lambda.amazonaws.com``; its policies are the
   ``aws_iam_role_policy`` / ``aws_iam_policy`` (+ attachments) whose ``role``/``roles``
   refer to it in the plan's configuration. When their ``policy`` is known in
   ``planned_values``, that is the answer.
2. When it is not known (it is computed from ARNs Terraform learns only on apply, such as
   ``aws_s3_bucket.this.arn``), the same configuration is applied against a *mocked* AWS
   provider with ``terraform test`` (no network either), where every unknown ARN of a
   bucket, table, log group, role, topic, parameter or secret is overridden with the ARN
   AWS would give it, built from its name in the plan, in account 123456789012 and the
   plan's region. The rendered policy is then read from the run's state
   (``terraform test -json -verbose``). ``substituted`` lists each value put in.

The result is cached under ``$IAM_POLICY_CACHE`` (default: ``<tmp>/imageplatform-iam``),
keyed by a hash of ``terraform/**`` (.tf, .tfvars, .hcl), ``imageplatform/dynamodb.json``
and this file, so repeated runs take no time. ``python -m tests.iam.policies staging``
prints it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"  # AWS's documented example account, as in terraform/tests/mocks
EXTRACT_TEST = "zz_iam_extract.tftest.hcl"

# Resource type -> how AWS builds its ARN from the planned values.
ARN_TEMPLATES = {
    "aws_s3_bucket": "arn:{partition}:s3:::{v[bucket]}",
    "aws_dynamodb_table": "arn:{partition}:dynamodb:{region}:{account}:table/{v[name]}",
    "aws_cloudwatch_log_group": "arn:{partition}:logs:{region}:{account}:log-group:{v[name]}",
    "aws_iam_role": "arn:{partition}:iam::{account}:role{v[path]}{v[name]}",
    "aws_iam_policy": "arn:{partition}:iam::{account}:policy{v[path]}{v[name]}",
    "aws_sns_topic": "arn:{partition}:sns:{region}:{account}:{v[name]}",
    "aws_sqs_queue": "arn:{partition}:sqs:{region}:{account}:{v[name]}",
    "aws_ssm_parameter": "arn:{partition}:ssm:{region}:{account}:parameter/{v[name_stripped]}",
    "aws_secretsmanager_secret": "arn:{partition}:secretsmanager:{region}:{account}:secret:{v[name]}-AbCdEf",
    "aws_lambda_function": "arn:{partition}:lambda:{region}:{account}:function:{v[function_name]}",
}
POLICY_TYPES = ("aws_iam_role_policy", "aws_iam_policy")
ATTACH_TYPES = ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment")


class TerraformMissing(RuntimeError):
    pass


class ExtractionError(RuntimeError):
    pass


# --------------------------------------------------------------------------- cache
def source_hash(repo: Path = REPO, rev: str | None = None) -> str:
    h = hashlib.sha256()
    if rev:
        trees = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", f"{rev}:terraform", f"{rev}:imageplatform/dynamodb.json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        h.update(trees.encode())
        h.update(Path(__file__).read_bytes())
        return h.hexdigest()
    files = [
        p
        for p in (repo / "terraform").rglob("*")
        if p.is_file() and p.suffix in (".tf", ".tfvars", ".hcl", ".pem")
    ]
    files = [p for p in files if ".terraform" not in p.parts]
    files += [repo / "imageplatform" / "dynamodb.json", Path(__file__).resolve()]
    for p in sorted(files):
        h.update(str(p.relative_to(repo) if p.is_relative_to(repo) else p.name).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cache_dir() -> Path:
    d = Path(os.environ.get("IAM_POLICY_CACHE") or Path(tempfile.gettempdir()) / "imageplatform-iam")
    d.mkdir(parents=True, exist_ok=True)
    return d


@contextlib.contextmanager
def _file_lock(path: Path):
    import fcntl

    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def extract(env: str, *, repo: Path = REPO, refresh: bool = False, rev: str | None = None) -> dict:
    """The Lambda role's policy documents of ``terraform/envs/<env>`` (cached).

    From the working tree, or from the commit ``rev`` (default: ``$IAM_POLICY_REV``, e.g.
    ``HEAD`` while someone else's uncommitted Terraform does not plan).
    """
    if not shutil.which("terraform"):
        raise TerraformMissing("terraform is not installed: the IAM policy cannot be rendered (CI has it)")
    rev = rev or os.environ.get("IAM_POLICY_REV") or None
    key = source_hash(repo, rev)[:20]
    cached = cache_dir() / f"{env}-{'rev-' if rev else ''}{key}.json"
    with _file_lock(cache_dir() / f"{env}.lock"):  # pytest-xdist workers: one renders, the others wait
        if cached.exists() and not refresh:
            result = json.loads(cached.read_text())
            result["cached"] = str(cached)
            return result
        result = _render(env, repo, rev)
        result["from"] = f"commit {rev}" if rev else "working tree"
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=1, sort_keys=True))
        tmp.replace(cached)
        result["cached"] = None
        return result


# --------------------------------------------------------------------------- terraform
def _mirror() -> str | None:
    candidates = [
        os.environ.get("TF_PLUGIN_MIRROR"),
        "/opt/tf-plugins",
        "/usr/share/terraform/plugins",
        str(Path.home() / ".terraform.d" / "plugins"),
    ]
    for c in candidates:
        if c and (Path(c) / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
            return c
    return None


def _terraform_env(work: Path) -> dict:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
    env.pop("TF_DATA_DIR", None)
    for name in [n for n in env if n.startswith("TF_VAR_") or n.startswith("AWS_")]:
        env.pop(name)  # nothing from the caller's shell (moto's fake keys, a profile) leaks in
    config = work / "terraformrc"
    mirror = _mirror()
    if mirror:
        providers = sorted(
            f'"{p.relative_to(mirror)}"' for p in Path(mirror).glob("registry.terraform.io/*/*") if p.is_dir()
        )
        inc = ", ".join(providers)
        config.write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = [{inc}]\n  }}\n'
            f"  direct {{\n    exclude = [{inc}]\n  }}\n}}\n"
        )
    else:
        config.write_text("")
    env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


OVERRIDE = """terraform {
  backend "local" {}
}
%s
"""
PROVIDER = """
provider "aws" {%s
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"""


def _run(cmd: list[str], cwd: Path, env: dict, what: str) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise ExtractionError(
            f"{what} failed ({' '.join(cmd[:2])}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


def _aliases(envdir: Path) -> list[str]:
    text = "\n".join(p.read_text() for p in envdir.glob("*.tf"))
    return sorted(set(re.findall(r'alias\s*=\s*"([^"]+)"', text)))


def _render(env: str, repo: Path, rev: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="iam-policy-") as tmp:
        work = Path(tmp)
        tree = work / "tree"
        (tree / "imageplatform").mkdir(parents=True)
        if rev:
            archive = subprocess.run(
                ["git", "-C", str(repo), "archive", rev, "terraform", "imageplatform/dynamodb.json"],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        else:
            shutil.copy2(repo / "imageplatform" / "dynamodb.json", tree / "imageplatform" / "dynamodb.json")
            shutil.copytree(
                repo / "terraform",
                tree / "terraform",
                ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "*.tfplan"),
            )
        envdir = tree / "terraform" / "envs" / env
        if not envdir.is_dir():
            raise ExtractionError(f"no Terraform root terraform/envs/{env}")
        providers = PROVIDER % "" + "".join(
            PROVIDER % f'\n  alias                       = "{a}"' for a in _aliases(envdir)
        )
        (envdir / "offline_override.tf").write_text(OVERRIDE % providers)
        tfenv = _terraform_env(work)
        _run(
            ["terraform", "init", "-input=false", "-no-color", "-lockfile=readonly"],
            envdir,
            tfenv,
            "terraform init",
        )
        plan_file = work / "plan.tfplan"
        _run(
            [
                "terraform",
                "plan",
                "-refresh=false",
                "-lock=false",
                "-input=false",
                "-no-color",
                f"-out={plan_file}",
            ],
            envdir,
            tfenv,
            f"offline terraform plan of envs/{env}",
        )
        plan = json.loads(
            _run(["terraform", "show", "-json", str(plan_file)], envdir, tfenv, "terraform show")
        )
        return _from_plan(env, plan, envdir, tfenv)


def _walk(module: dict, key: str = "resources"):
    yield from module.get(key, [])
    for child in module.get("child_modules", []):
        yield from _walk(child, key)


def _module_of(address: str) -> str:
    """'module.platform.aws_iam_role.this' -> 'module.platform' ('' at the root)."""
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    mods = []
    while len(parts) >= 2 and parts[0] == "module":
        mods += parts[:2]
        parts = parts[2:]
    return ".".join(mods)


def _config_resources(config_module: dict, prefix: str = ""):
    for r in config_module.get("resources", []):
        yield (f"{prefix}.{r['address']}" if prefix else r["address"]), r, prefix
    for name, call in config_module.get("module_calls", {}).items():
        child = f"{prefix}.module.{name}" if prefix else f"module.{name}"
        yield from _config_resources(call.get("module", {}), child)


def _refs(resource: dict, *names: str) -> set[str]:
    out = set()
    for n in names:
        out.update((resource.get("expressions", {}).get(n) or {}).get("references", []))
    return out


def _lambda_role_and_policies(plan: dict) -> tuple[str, list[str], list[str]]:
    roles = []
    for r in _walk(plan["planned_values"]["root_module"]):
        if r["type"] == "aws_iam_role" and "lambda.amazonaws.com" in (
            r["values"].get("assume_role_policy") or ""
        ):
            roles.append(r["address"])
    # The takedown invalidator (terraform/modules/invalidator) has a role of its own, outside
    # the VPC and for CloudFront only; the app's role is the other one.
    roles = [a for a in roles if ".module.invalidator." not in f".{a}"]
    if len(roles) != 1:
        raise ExtractionError(f"expected one Lambda role (trusting lambda.amazonaws.com), found {roles}")
    role = roles[0]
    role_mod, role_local = _module_of(role), role[len(_module_of(role)) + 1 :] if _module_of(role) else role
    inline, attachments = [], []
    for address, r, mod in _config_resources(plan["configuration"]["root_module"]):
        if mod != role_mod:
            continue
        if r["type"] == "aws_iam_role_policy" and role_local in _refs(r, "role"):
            inline.append(address)
        elif r["type"] in ATTACH_TYPES and role_local in _refs(r, "role", "roles"):
            attachments.append(address)
    return role, inline, attachments


def _instances(plan_or_state_module: dict, config_address: str) -> list[dict]:
    return [
        r for r in _walk(plan_or_state_module) if re.sub(r"\[[^\]]*\]", "", r["address"]) == config_address
    ]


def _from_plan(env: str, plan: dict, envdir: Path, tfenv: dict) -> dict:
    role, inline, attachments = _lambda_role_and_policies(plan)
    root = plan["planned_values"]["root_module"]
    notes, documents = [], []

    managed = []  # aws_iam_policy documents attached to the role (resolved below)
    config = {addr: r for addr, r, _ in _config_resources(plan["configuration"]["root_module"])}
    for att in attachments:
        cfg = config[att]
        refs = [x for x in _refs(cfg, "policy_arn") if x.startswith("aws_iam_policy.") and x.count(".") == 1]
        if not refs:
            const = (cfg.get("expressions", {}).get("policy_arn") or {}).get("constant_value")
            raise ExtractionError(
                f"{att} attaches {const or 'a policy'} that is not in this configuration: check it by hand"
            )
        mod = _module_of(att)
        managed += [f"{mod}.{refs[0]}" if mod else refs[0]]

    wanted = inline + managed
    unknown = []
    for address in wanted:
        for inst in _instances(root, address):
            policy = inst["values"].get("policy")
            if policy is None:
                unknown.append(inst["address"])
            else:
                documents.append({"address": inst["address"], "document": json.loads(policy)})
    if not wanted:
        raise ExtractionError(f"no policies of the Lambda role {role} found")

    region = _region(plan)
    partition = _partition(plan)
    result = {
        "env": env,
        "role": role,
        "policy_addresses": wanted,
        "region": region,
        "partition": partition,
        "account": ACCOUNT,
        "unknown_in_plan": unknown,
        "substituted": [],
        "source": "plan",
    }
    outputs = {k: v.get("value") for k, v in plan["planned_values"].get("outputs", {}).items()}
    if unknown:
        documents, outputs, substituted = _mocked_apply(plan, wanted, envdir, tfenv, region, partition)
        result["substituted"] = substituted
        result["source"] = "mocked apply (terraform test)"
    result["documents"] = documents
    result["outputs"] = {
        k: outputs.get(k)
        for k in (
            "lambda_environment",
            "cloudfront_private_key_parameter",
            "lambda_function_name",
            "aws_region",
        )
        if k in outputs
    }
    result["names"] = _names(result["outputs"])
    result["notes"] = notes
    return result


def _names(outputs: dict) -> dict:
    """Setting name -> Terraform's name, for mapping the app's local names."""
    names = dict(outputs.get("lambda_environment") or {})
    if outputs.get("cloudfront_private_key_parameter"):
        names["CLOUDFRONT_PRIVATE_KEY_PARAMETER"] = outputs["cloudfront_private_key_parameter"]
    return names


def _data_sources(plan: dict):
    for module in (
        plan.get("prior_state", {}).get("values", {}).get("root_module", {}),
        plan["planned_values"]["root_module"],
    ):
        for r in _walk(module):
            if r.get("mode") == "data":
                yield r


def _region(plan: dict) -> str:
    regions = [
        r["values"].get("name") or r["values"].get("region")
        for r in _data_sources(plan)
        if r["type"] == "aws_region"
    ]
    var = plan.get("variables", {}).get("region", {}).get("value")
    return var or (regions[0] if regions else "us-east-1")


def _partition(plan: dict) -> str:
    for r in _data_sources(plan):
        if r["type"] == "aws_partition" and r["values"].get("partition"):
            return r["values"]["partition"]
    return "aws"


def _hcl(value) -> str:
    return json.dumps(value)  # HCL accepts JSON literals for strings, numbers, lists, objects


def _mocked_apply(plan, wanted, envdir: Path, tfenv: dict, region: str, partition: str):
    after_unknown = {
        rc["address"]: rc["change"].get("after_unknown") or {} for rc in plan.get("resource_changes", [])
    }
    overrides, substituted = [], []
    for r in _walk(plan["planned_values"]["root_module"]):
        if r.get("mode") == "data" or r["type"] not in ARN_TEMPLATES:
            continue
        if not after_unknown.get(r["address"], {}).get("arn"):
            continue
        v = dict(r["values"])
        v.setdefault("path", "/")
        v["name_stripped"] = str(v.get("name", "")).lstrip("/")
        try:
            arn = ARN_TEMPLATES[r["type"]].format(partition=partition, region=region, account=ACCOUNT, v=v)
        except KeyError:
            continue  # the name itself is unknown: left to the mocks (and flagged below)
        overrides.append(
            f"override_resource {{\n  target = {r['address']}\n  values = {{ arn = {_hcl(arn)} }}\n}}\n"
        )
        substituted.append({"address": r["address"], "attribute": "arn", "value": arn})
    for d in _data_sources(plan):
        if d["type"] in ("aws_region", "aws_partition", "aws_caller_identity"):
            values = {k: v for k, v in d["values"].items() if isinstance(v, str)}
            if d["type"] == "aws_caller_identity":
                values["account_id"] = ACCOUNT
            overrides.append(f"override_data {{\n  target = {d['address']}\n  values = {_hcl(values)}\n}}\n")

    mocks = envdir.parent.parent / "tests" / "mocks"
    source = f'  source = "{os.path.relpath(mocks, envdir)}"\n' if mocks.is_dir() else ""
    blocks = [f'mock_provider "aws" {{\n{source}}}\n']
    blocks += [f'mock_provider "aws" {{\n  alias = "{a}"\n{source}}}\n' for a in _aliases(envdir)]
    test = "".join(blocks) + "".join(overrides) + 'run "render" {\n  command = apply\n}\n'
    (envdir / "tests").mkdir(exist_ok=True)
    (envdir / "tests" / EXTRACT_TEST).write_text(test)
    out = _run(
        ["terraform", "test", "-json", "-verbose", f"-filter=tests/{EXTRACT_TEST}", "-no-color"],
        envdir,
        tfenv,
        "terraform test (mocked apply for the rendered policy)",
    )
    state = None
    for line in out.splitlines():
        with contextlib.suppress(ValueError):
            msg = json.loads(line)
            if msg.get("type") == "test_state":
                state = msg["test_state"]
    if state is None:
        raise ExtractionError("terraform test printed no state (needs Terraform >= 1.7 with -json -verbose)")
    documents = []
    for address in wanted:
        for inst in _instances(state["root_module"], address):
            documents.append({"address": inst["address"], "document": json.loads(inst["values"]["policy"])})
    # Values from the shared mocks: fine for what AWS assigns at apply (subnet and security
    # group ids, an RDS-managed secret's name), wrong for anything named in the config.
    mock_arns = _mock_arns(mocks)
    leaked = sorted(
        {
            res
            for d in documents
            for st in _statements(d["document"])
            for res in _as_list(st.get("Resource")) + _condition_values(st)
            if isinstance(res, str) and any(res.startswith(arn) for arn in mock_arns)
        }
    )
    named = [r for r in leaked if mock_arns.get(_longest_prefix(r, mock_arns)) in ARN_TEMPLATES]
    if named:
        raise ExtractionError(f"the rendered policy still holds mock values (add an ARN template): {named}")
    for res in leaked:
        substituted.append(
            {
                "address": f"mock {mock_arns[_longest_prefix(res, mock_arns)]}",
                "attribute": "id (assigned by AWS)",
                "value": res,
            }
        )
    outputs = {k: v.get("value") for k, v in (state.get("outputs") or {}).items()}
    return documents, outputs, substituted


def _mock_arns(mocks: Path) -> dict:
    """ARN-like default values of the shared mocks -> the mocked type."""
    out = {}
    if not mocks.is_dir():
        return out
    for f in mocks.glob("*.hcl"):
        for rtype, body in re.findall(r'mock_(?:resource|data)\s+"(\w+)"\s*\{(.*?)\n\}', f.read_text(), re.S):
            for value in re.findall(r'"(arn:[^"]+)"', body):
                out[value] = rtype
    return out


def _longest_prefix(value: str, prefixes: dict) -> str:
    return max((p for p in prefixes if value.startswith(p)), key=len)


def _condition_values(st: dict) -> list:
    return [
        v for keys in (st.get("Condition") or {}).values() for vals in keys.values() for v in _as_list(vals)
    ]


def _statements(doc):
    st = doc.get("Statement", [])
    return [st] if isinstance(st, dict) else st


def _as_list(v):
    return [] if v is None else v if isinstance(v, list) else [v]


def describe(result: dict) -> str:
    """Human summary: where the policy came from and what was substituted."""
    lines = [
        f"policy of {result['role']} in envs/{result['env']} ({result.get('from', 'working tree')}): {result['source']}"
        + (f" (cached: {result['cached']})" if result.get("cached") else "")
    ]
    if result["unknown_in_plan"]:
        lines.append(
            "  unknown at plan time: "
            + ", ".join(result["unknown_in_plan"])
            + " -> rendered with these substituted values (built from names in the plan):"
        )
        lines += [f"    {s['address']}.{s['attribute']} = {s['value']}" for s in result["substituted"]]
    return "\n".join(lines)


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("env", nargs="?", default="staging")
    ap.add_argument("--refresh", action="store_true", help="ignore the cache")
    args = ap.parse_args(argv)
    try:
        result = extract(args.env, refresh=args.refresh)
    except TerraformMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    print(describe(result), file=sys.stderr)
    print(json.dumps({"names": result["names"], "documents": result["documents"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
