"""Fixtures of the IAM fit check: the recorder's hooks, and the rendered policies."""

import pytest

from tests.iam import recorder

# Hooks on every botocore client made from now on (django-storages and PynamoDB cache
# theirs), recording nothing until a test asks for it.
recorder.install(None)


def _policy(env):
    from tests.iam.policies import ExtractionError, TerraformMissing, describe, extract

    try:
        result = extract(env)
    except TerraformMissing as exc:
        pytest.skip(str(exc))
    except ExtractionError as exc:
        pytest.fail(
            f"cannot render the {env} role's policy, so the IAM fit cannot be proved:\n{exc}\n"
            "(IAM_POLICY_REV=HEAD renders the committed Terraform instead of the working tree)",
            pytrace=False,
        )
    result["note"] = describe(result)  # printed with each report: where it came from, what was substituted
    return result


@pytest.fixture(scope="session")
def staging_policy():
    """The staging Lambda role's policy as Terraform renders it (skipped without terraform)."""
    return _policy("staging")


@pytest.fixture(scope="session")
def production_policy():
    return _policy("production")
