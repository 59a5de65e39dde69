import json

from tests.cicd.conftest import load_script

guard = load_script("ci_plan_guard")


def change(address, rtype, actions, mode="managed"):
    return {"address": address, "type": rtype, "mode": mode, "change": {"actions": actions}}


def test_ordinary_changes_pass_and_are_counted():
    plan = {
        "resource_changes": [
            change("module.platform.aws_iam_role_policy.this", "aws_iam_role_policy", ["update"]),
            change(
                "module.platform.module.cdn.aws_cloudfront_function.this",
                "aws_cloudfront_function",
                ["create"],
            ),
            change("module.platform.aws_cloudwatch_metric_alarm.x", "aws_cloudwatch_metric_alarm", ["no-op"]),
            change("data.aws_iam_policy_document.x", "aws_iam_policy_document", ["read"], mode="data"),
        ]
    }
    counts, problems = guard.review(plan)
    assert problems == []
    assert counts == {"update": 1, "create": 1, "no-op": 1}


def test_deleting_or_replacing_stateful_resources_is_refused_unless_allowed():
    plan = {
        "resource_changes": [
            change(
                'module.platform.module.tables.aws_dynamodb_table.this["images"]',
                "aws_dynamodb_table",
                ["delete"],
            ),
            change(
                "module.platform.module.media_bucket.aws_s3_bucket.this",
                "aws_s3_bucket",
                ["delete", "create"],
            ),
            change("module.platform.aws_cloudwatch_log_group.lambda", "aws_cloudwatch_log_group", ["delete"]),
        ]
    }
    _, problems = guard.review(plan)
    assert len(problems) == 2
    assert "aws_dynamodb_table" in problems[0] and "deleted" in problems[0]
    assert "replaced" in problems[1]
    assert guard.review(plan, allow_destroy=True)[1] == []


def test_changes_to_the_ci_roles_are_refused_even_with_allow_destroy():
    plan = {
        "resource_changes": [
            change("module.github_oidc.aws_iam_role_policy.deploy", "aws_iam_role_policy", ["update"])
        ]
    }
    _, problems = guard.review(plan, allow_destroy=True)
    assert len(problems) == 1 and "administrator" in problems[0]


def test_cli_exit_status(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ALLOW_DESTROY", raising=False)
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps({"resource_changes": []}))
    assert guard.main([str(ok)]) == 0
    assert "no changes" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"resource_changes": [change("aws_s3_bucket.b", "aws_s3_bucket", ["delete"])]}))
    assert guard.main([str(bad)]) == 1
    assert "refused" in capsys.readouterr().err
    monkeypatch.setenv("ALLOW_DESTROY", "1")
    assert guard.main([str(bad)]) == 0
