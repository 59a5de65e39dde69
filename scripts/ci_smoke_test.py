"""Smoke test of a deployed stage through its public origin (CloudFront).

    python scripts/ci_smoke_test.py https://dxxxx.cloudfront.net \\
        [--manifest dist/static-dev/staticfiles.json] [--short-code CODE] [--attempts 10]

Checks, each retried while the answer is wrong (a cold start, a distribution still
deploying), and fails with what was seen:
- ``/healthz`` answers 200 (every store reachable);
- a page, ``/accounts/login/``, answers 200 with Django's CSRF field (the app, not an error
  page of CloudFront or API Gateway);
- a short link: with ``--short-code`` (a link kept for the smoke test), ``/s/<code>``
  answers 302 to this origin; without one, an unknown code answers the app's 404;
- with ``--manifest``, a hashed static file answers 200 from the static bucket.
Redirects are not followed. Exit status 0 when everything passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

USER_AGENT = "imageplatform-smoke-test"
UNKNOWN_CODE = "zz-smoke-test-unknown"


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fetch(url: str, *, timeout: float = 15.0) -> Response:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as resp:
            return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, _text(resp.read()))
    except urllib.error.HTTPError as err:
        return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, _text(err.read()))


def _text(data: bytes) -> str:
    return data[:200_000].decode("utf-8", "replace")


@dataclass(frozen=True)
class Check:
    name: str
    path: str
    verify: object  # (Response, origin) -> error text or None


def _status(expected: int, contains: str | None = None):
    def verify(resp: Response, origin: str) -> str | None:
        if resp.status != expected:
            return f"status {resp.status}, expected {expected}"
        if contains and contains not in resp.body:
            return f"the body lacks {contains!r}"
        return None

    return verify


def _redirect_to_origin(resp: Response, origin: str) -> str | None:
    if resp.status != 302:
        return f"status {resp.status}, expected 302"
    location = urljoin(origin + "/", resp.headers.get("location", ""))
    if urlsplit(location).netloc != urlsplit(origin).netloc:
        return f"redirects to {location}, not to this origin"
    return None


def checks(*, manifest: Path | None = None, short_code: str | None = None) -> list[Check]:
    result = [
        Check("health", "/healthz", _status(200)),
        Check("page", "/accounts/login/", _status(200, "csrfmiddlewaretoken")),
    ]
    if short_code:
        result.append(Check("short link", f"/s/{short_code}", _redirect_to_origin))
    else:
        result.append(Check("short link (unknown code)", f"/s/{UNKNOWN_CODE}", _status(404)))
    if manifest is not None:
        paths = json.loads(manifest.read_text()).get("paths") or {}
        hashed = sorted(v for k, v in paths.items() if k.endswith(".css")) or sorted(paths.values())
        if hashed:
            result.append(Check("static file", f"/static/{hashed[0]}", _status(200)))
    return result


def run(origin: str, items: list[Check], *, attempts: int = 10, delay: float = 6.0, sleep=time.sleep) -> bool:
    origin = origin.rstrip("/")
    ok = True
    for check in items:
        error = None
        for attempt in range(1, attempts + 1):
            try:
                error = check.verify(fetch(origin + check.path), origin)
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                error = f"no answer: {exc}"
            if error is None:
                break
            if attempt < attempts:
                sleep(delay)
        print(
            f"{'ok  ' if error is None else 'FAIL'} {check.name}: GET {check.path}"
            + (f": {error}" if error else "")
        )
        ok = ok and error is None
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("origin", help="the public origin, e.g. https://dxxxx.cloudfront.net")
    parser.add_argument("--manifest", type=Path, help="staticfiles.json of the deployed build")
    parser.add_argument("--short-code", help="a short link kept for the smoke test (expects 302)")
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--delay", type=float, default=6.0, help="seconds between attempts")
    args = parser.parse_args(argv)
    if urlsplit(args.origin).scheme not in ("https", "http") or not urlsplit(args.origin).netloc:
        parser.error("origin must be an absolute http(s) URL")
    items = checks(manifest=args.manifest, short_code=args.short_code or None)
    return 0 if run(args.origin, items, attempts=args.attempts, delay=args.delay) else 1


if __name__ == "__main__":
    sys.exit(main())
