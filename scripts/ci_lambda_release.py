"""Lambda versions for the deploy: which one is live, and rolling back to an earlier one.

    python scripts/ci_lambda_release.py exists  --function imageplatform-dev  # prints yes / no
    python scripts/ci_lambda_release.py current --function imageplatform-dev  # prints 41 / none
    python scripts/ci_lambda_release.py previous --function imageplatform-dev # prints 40 / none
    python scripts/ci_lambda_release.py rollback --function imageplatform-dev --to 41

``zappa update`` uploads the code with ``Publish``, so every deploy leaves a numbered,
immutable version; API Gateway calls the unqualified function ($LATEST). ``current`` is
the newest published version whose code is $LATEST's, recorded before a deploy;
``previous`` the newest older one with other code (the manual rollback's default).
``rollback`` puts that version's code back on $LATEST (and publishes it again), checks the
code hash, and waits until the function is updated. Configuration (environment, role) is
not touched: Zappa and Terraform own it. Migrations are not undone either, which is why
migrations must stay backwards compatible for one release (docs/ci-cd.md).
"""

from __future__ import annotations

import argparse
import sys
import urllib.request


def function_exists(client, name: str) -> bool:
    try:
        client.get_function_configuration(FunctionName=name)
    except client.exceptions.ResourceNotFoundException:
        return False
    return True


def published_versions(client, name: str) -> list[dict]:
    versions, marker = [], None
    while True:
        kwargs = {"FunctionName": name, **({"Marker": marker} if marker else {})}
        page = client.list_versions_by_function(**kwargs)
        versions += [v for v in page.get("Versions", []) if v.get("Version") != "$LATEST"]
        marker = page.get("NextMarker")
        if not marker:
            return sorted(versions, key=lambda v: int(v["Version"]))


def current_version(client, name: str) -> str | None:
    """The newest published version running $LATEST's code, or None."""
    latest = client.get_function_configuration(FunctionName=name)["CodeSha256"]
    matching = [v["Version"] for v in published_versions(client, name) if v.get("CodeSha256") == latest]
    return matching[-1] if matching else None


def previous_version(client, name: str) -> str | None:
    """The newest published version older than the live one and running other code, or None."""
    latest = client.get_function_configuration(FunctionName=name)["CodeSha256"]
    live = current_version(client, name)
    older = [
        v["Version"]
        for v in published_versions(client, name)
        if v.get("CodeSha256") != latest and (live is None or int(v["Version"]) < int(live))
    ]
    return older[-1] if older else None


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as resp:  # a presigned URL of Lambda's own bucket
        return resp.read()


def rollback(client, name: str, version: str, *, download=_download) -> str:
    """Put `version`'s code back on $LATEST; returns the version published for it."""
    if not version.isdigit():
        raise SystemExit(f"error: {version!r} is not a published version number")
    target = client.get_function(FunctionName=name, Qualifier=version)
    wanted = target["Configuration"]["CodeSha256"]
    if client.get_function_configuration(FunctionName=name)["CodeSha256"] == wanted:
        print(f"{name}: $LATEST already runs version {version}'s code")
        return version
    code = download(target["Code"]["Location"])
    updated = client.update_function_code(FunctionName=name, ZipFile=code, Publish=True)
    if updated["CodeSha256"] != wanted:
        raise SystemExit(
            f"error: the uploaded code hash {updated['CodeSha256']} is not version {version}'s {wanted}"
        )
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    print(f"{name}: rolled back to version {version}'s code (published as version {updated.get('Version')})")
    return updated.get("Version", version)


def main(argv: list[str] | None = None, client=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["exists", "current", "previous", "rollback"])
    parser.add_argument("--function", required=True, help="function name, e.g. imageplatform-dev")
    parser.add_argument("--to", help="rollback: the version number to restore")
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("lambda")

    if args.command == "exists":
        print("yes" if function_exists(client, args.function) else "no")
    elif args.command == "current":
        live = current_version(client, args.function) if function_exists(client, args.function) else None
        print(live or "none")
    elif args.command == "previous":
        print(previous_version(client, args.function) or "none")
    else:
        if not args.to:
            parser.error("rollback needs --to VERSION")
        rollback(client, args.function, args.to)
    return 0


if __name__ == "__main__":
    sys.exit(main())
