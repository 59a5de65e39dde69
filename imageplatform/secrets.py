"""Secrets from AWS Secrets Manager, read once per process (at cold start).

Terraform makes two secrets and passes only their ARNs to the function (APP_SECRET_ARN,
DATABASE_SECRET_ARN in ``lambda_environment``):

- the app secret, a JSON object: ``django_secret_key``, ``origin_verify_current``,
  ``origin_verify_previous`` (the header CloudFront adds; two values so it rotates without
  downtime) and, when CloudFront-signed file URLs are used, ``cloudfront_private_key``;
- the database secret RDS manages for the cluster, a JSON object with ``username`` and
  ``password``.

Values never reach os.environ, the logs or a ``repr``: ``Secret`` hides them, and errors
name the secret's ARN, never its content. The region comes from settings (Lambda's
AWS_REGION); boto3 finds the execution role's credentials and, off AWS, the endpoint in
AWS_ENDPOINT_URL_SECRETS_MANAGER (the rehearsal's emulated Secrets Manager).
"""

import json
from functools import cache

from django.core.exceptions import ImproperlyConfigured


class Secret(dict):
    """A secret's JSON fields; shows its keys only, never its values."""

    def __repr__(self):
        return f"<Secret keys={sorted(self)}>"

    __str__ = __repr__

    def require(self, *names: str, source: str = "") -> None:
        missing = [n for n in names if not self.get(n)]
        if missing:
            raise ImproperlyConfigured(f"The secret {source} lacks {', '.join(missing)}.")


@cache
def _client(region: str):
    import boto3

    return boto3.client("secretsmanager", region_name=region)


@cache
def secret_json(arn: str, region: str) -> Secret:
    """The JSON object stored in the secret ``arn`` (one GetSecretValue per process)."""
    try:
        answer = _client(region).get_secret_value(SecretId=arn)
    except Exception as exc:  # the message names the ARN and the error code, nothing else
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        raise ImproperlyConfigured(f"Cannot read the secret {arn}: {code}.") from None
    try:
        value = json.loads(answer["SecretString"])
    except (KeyError, TypeError, ValueError):
        raise ImproperlyConfigured(f"The secret {arn} is not a JSON object.") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"The secret {arn} is not a JSON object.")
    return Secret({k: v for k, v in value.items() if isinstance(k, str)})


def forget() -> None:
    """Drop what was read (tests; a new process reads again anyway)."""
    secret_json.cache_clear()
    _client.cache_clear()
