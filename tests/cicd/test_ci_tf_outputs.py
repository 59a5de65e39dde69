import json

import pytest

from tests.cicd.conftest import ROOT, load_script

outputs = load_script("ci_tf_outputs")


def wrapped(**values):
    return {k: {"sensitive": False, "type": "string", "value": v} for k, v in values.items()}


GOOD = dict(
    lambda_function_name="imageplatform-dev",
    static_bucket="acme-staging-static",
    cloudfront_distribution_id="E2EXAMPLE12345",
    cloudfront_domain="d111111abcdef8.cloudfront.net",
    lambda_role_arn="arn:aws:iam::123456789012:role/x",
)


def test_the_deploy_values_and_the_origin():
    assert outputs.step_outputs(wrapped(**GOOD)) == {
        "function": "imageplatform-dev",
        "static_bucket": "acme-staging-static",
        "distribution": "E2EXAMPLE12345",
        "domain": "d111111abcdef8.cloudfront.net",
        "origin": "https://d111111abcdef8.cloudfront.net",
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"static_bucket": None},
        {"static_bucket": ""},
        {"cloudfront_domain": "evil.example/$(id)"},
        {"cloudfront_distribution_id": "E1\nE2"},
        {"lambda_function_name": ["a"]},
    ],
)
def test_missing_or_odd_values_stop_the_deploy(bad):
    with pytest.raises(SystemExit, match="Terraform output"):
        outputs.step_outputs(wrapped(**{**GOOD, **bad}))


def test_a_missing_output_stops_the_deploy():
    values = dict(GOOD)
    del values["cloudfront_domain"]
    with pytest.raises(SystemExit, match="cloudfront_domain"):
        outputs.step_outputs(wrapped(**values))


def test_cli_prints_github_output_lines_from_the_committed_fixture(capsys):
    fixture = ROOT / "tests" / "lambda" / "fixtures" / "terraform-outputs-staging.json"
    if not fixture.exists():
        pytest.skip("no output fixture")
    assert outputs.main([str(fixture)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [
        "function",
        "static_bucket",
        "distribution",
        "domain",
        "origin",
    ]
    assert "function=imageplatform-dev" in lines


def test_cli_reads_a_file(tmp_path, capsys):
    path = tmp_path / "tf.json"
    path.write_text(json.dumps(wrapped(**GOOD)))
    assert outputs.main([str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "origin=https://d111111abcdef8.cloudfront.net"
    with pytest.raises(SystemExit):
        outputs.main([])
