"""Invariants of .github/workflows that the linters do not check."""

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with moto (through responses)

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def load(path):
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps(workflow):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


@pytest.fixture(params=WORKFLOWS, ids=lambda p: p.name)
def workflow(request):
    return request.param, load(request.param)


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {
        "checks.yml",
        "pull-request.yml",
        "deploy.yml",
        "deploy-environment.yml",
    }


def test_top_level_permissions_are_empty_and_every_job_sets_its_own(workflow):
    _, data = workflow
    assert data["permissions"] == {}
    for name, job in data["jobs"].items():
        assert "permissions" in job, name
        assert "write-all" not in str(job["permissions"]) and "read-all" not in str(job["permissions"])


def test_third_party_actions_are_pinned_to_a_commit_with_the_tag_in_a_comment(workflow):
    path, data = workflow
    text = path.read_text()
    for step in steps(data):
        uses = step.get("uses")
        if uses is None or uses.startswith("./"):
            continue
        assert SHA_PIN.match(uses), uses
        assert re.search(re.escape(uses) + r" # v\d", text), f"{uses} lacks its tag comment"


def test_checkouts_do_not_persist_credentials(workflow):
    _, data = workflow
    for step in steps(data):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_no_expression_is_expanded_inside_a_shell_script(workflow):
    _, data = workflow
    for step in steps(data):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_only_oidc_jobs_get_id_tokens_and_no_aws_keys_are_used(workflow):
    path, data = workflow
    assert "AWS_ACCESS_KEY_ID" not in path.read_text() and "aws-secret-access-key" not in path.read_text()
    for job in data["jobs"].values():
        if job.get("permissions", {}).get("id-token") == "write" and "steps" in job:
            assert any(
                s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
                for s in steps({"jobs": {"j": job}})
            )


def test_deploys_and_rollbacks_share_one_queue_per_environment():
    for name in ("deploy-environment.yml", "rollback.yml"):
        for job in load(ROOT / ".github" / "workflows" / name)["jobs"].values():
            assert job["concurrency"] == {
                "group": "deploy-${{ inputs.environment }}",
                "cancel-in-progress": False,
            }
            assert job["environment"]["name"] == "${{ inputs.environment }}"


def test_main_runs_the_checks_then_staging_then_production():
    data = load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert data["on"] == {"push": {"branches": ["main"]}}
    jobs = data["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/checks.yml"
    assert jobs["staging"]["needs"] == "checks" and jobs["production"]["needs"] == "staging"
    assert jobs["staging"]["with"]["environment"] == "staging"
    assert jobs["production"]["with"]["environment"] == "production"


def test_pull_requests_run_the_same_checks_and_plans_only_for_branches_of_this_repository():
    data = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    assert data["jobs"]["checks"]["uses"] == "./.github/workflows/checks.yml"
    assert data["jobs"]["plan"]["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    plan_steps = " ".join(s.get("run", "") for s in data["jobs"]["plan"]["steps"])
    assert "-lock=false" in plan_steps and "apply" not in plan_steps


def test_the_checks_include_every_required_job():
    jobs = load(ROOT / ".github" / "workflows" / "checks.yml")["jobs"]
    assert set(jobs) == {"lint", "test", "terraform", "iac-scan", "package"}
    runs = {name: " ".join(s.get("run", "") for s in job["steps"]) for name, job in jobs.items()}
    assert "make test" in runs["test"] and "make tf-check" in runs["terraform"]
    assert "make package" in runs["package"] and "make rehearse" in runs["package"]
    assert "trivy" in runs["iac-scan"] and "--exit-code 1" in runs["iac-scan"]
    assert "scripts/lint_workflows.sh" in runs["lint"]


def test_the_deploy_applies_the_saved_plan_after_the_guard_and_rolls_back_on_failure():
    job = load(ROOT / ".github" / "workflows" / "deploy-environment.yml")["jobs"]["deploy"]
    runs = [s.get("run", "") for s in job["steps"]]
    text = "\n".join(runs)
    assert (
        text.index("plan -input=false -no-color -out=tfplan")
        < text.index("ci_plan_guard.py")
        < text.index("apply -input=false -no-color tfplan")
    )
    assert (
        text.index("zappa_settings.py")
        < text.index("make package")
        < text.index('zappa "$verb"')
        < text.index("manage")
    )
    # static files go up (hashed names first) before the code that links them
    assert (
        text.index("make package")
        < text.index("ci_static_upload.py")
        < text.index("cdn_invalidation.py paths")
    )
    assert (
        text.index("cdn_invalidation.py paths") < text.index('zappa "$verb"') < text.index("ci_smoke_test.py")
    )
    rollback = job["steps"][-1]
    assert rollback["if"].startswith("failure()") and "ci_lambda_release.py rollback" in rollback["run"]
