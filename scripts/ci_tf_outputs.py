"""The few Terraform outputs the deploy steps use, as GitHub step outputs.

    terraform -chdir=terraform/envs/staging output -json > tf.json
    python scripts/ci_tf_outputs.py tf.json >> "$GITHUB_OUTPUT"

Prints ``function=``, ``static_bucket=``, ``distribution=``, ``domain=`` and ``origin=``
(``https://<cloudfront_domain>``), one per line. Every value must be a plain name (letters,
digits, ``.``, ``_``, ``-``): an empty, missing or odd value stops the deploy here, before
it reaches a shell command or an AWS call, with the name of the output.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

WANTED = {
    "function": "lambda_function_name",
    "static_bucket": "static_bucket",
    "distribution": "cloudfront_distribution_id",
    "domain": "cloudfront_domain",
}
PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def step_outputs(raw: dict) -> dict[str, str]:
    values = {k: (v.get("value") if isinstance(v, dict) else v) for k, v in raw.items()}
    result = {}
    for name, key in WANTED.items():
        value = values.get(key)
        if not isinstance(value, str) or not PLAIN.fullmatch(value):
            raise SystemExit(f"error: Terraform output {key} is missing or not a plain name: {value!r}")
        result[name] = value
    result["origin"] = f"https://{result['domain']}"
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: ci_tf_outputs.py OUTPUTS_JSON")
    for name, value in step_outputs(json.loads(Path(args[0]).read_text())).items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
