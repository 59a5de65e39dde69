"""Fixtures for the handler tests: the built package, unzipped, run like Lambda runs it.

``lambda_app`` builds dist/imageplatform-dev.zip with scripts/package.sh (once; it is
skipped when nothing changed), unzips it into a clean folder, and starts tests/lambda/
runner.py there with ``python -I -S``: only the standard library and the package are on
the path. The process lives for the whole session, like one warm Lambda container, and
talks to the local DynamoDB- and S3-compatible servers (the ``local_servers`` fixture)
with the production settings, a throwaway SQLite database (or $DATABASE_URL when it
points to PostgreSQL) and a CloudFront key made for the run.

Without Python 3.13 (the runtime) the package cannot be built: the tests are then skipped
with a loud message, except in CI (CI=true), where that is a failure.
"""

import base64
import json
import os
import secrets
import subprocess
import sys
import uuid
import zipfile
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGE = "dev"
ZIP = ROOT / "dist" / f"imageplatform-{STAGE}.zip"
RUNNER = Path(__file__).with_name("runner.py")
MARK = "@@result@@ "
API_HOST = "abc123def4.execute-api.us-east-1.amazonaws.com"
SITE = "site.example.test"  # the CloudFront domain of the site (PUBLIC_ORIGIN's host)
MAX_UPLOAD = 4_000_000
ORIGIN_VERIFY = secrets.token_urlsafe(32)  # the header CloudFront adds (imageplatform.origin)


def pytest_configure(config):
    config.addinivalue_line("markers", "lambda_package: runs the built Lambda package (make package)")


def _unavailable(reason: str):
    banner = f"\n{'!' * 78}\n!! Lambda package tests NOT RUN: {reason}\n{'!' * 78}\n"
    sys.stderr.write(banner)
    if os.environ.get("CI") == "true":
        pytest.fail(f"the Lambda package must be tested in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def package_zip() -> Path:
    if os.environ.get("SKIP_LAMBDA_PACKAGE") == "1":
        _unavailable("SKIP_LAMBDA_PACKAGE=1")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "package.sh"), STAGE], cwd=ROOT, capture_output=True, text=True
    )
    sys.stderr.write(proc.stdout[-2000:])
    if proc.returncode != 0:
        _unavailable(f"scripts/package.sh failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return ZIP


@pytest.fixture(scope="session")
def package_dir(package_zip, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("lambda-task")  # a clean folder, like /var/task
    with zipfile.ZipFile(package_zip) as z:
        z.extractall(target)
    return target


def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class LambdaApp:
    """One warm container: invoke(event) -> (result, log lines written meanwhile)."""

    def __init__(self, proc: subprocess.Popen, secret_values: list[str]):
        self.proc = proc
        self.secret_values = secret_values
        self.all_logs: list[str] = []
        self.ready = self._read()[0]
        self.cookies: dict[str, str] = {}

    def _read(self):
        logs = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the handler process exited:\n" + "".join(logs[-50:]))
            if line.startswith(MARK):
                self.all_logs.extend(logs)
                return json.loads(line[len(MARK) :]), logs
            logs.append(line)

    def invoke(self, event: dict, request_id: str | None = None):
        self.proc.stdin.write(json.dumps({"event": event, "request_id": request_id}) + "\n")
        self.proc.stdin.flush()
        answer, logs = self._read()
        if answer.get("error"):
            raise AssertionError("the handler raised:\n" + answer["error"] + "".join(logs[-30:]))
        return answer["result"], logs

    # --- API Gateway (REST API, Lambda proxy) events ----------------------------------
    def request(self, method, path, *, body=b"", headers=None, query=None, request_id=None):
        headers = {
            "Host": API_HOST,
            "X-Forwarded-Host": SITE,
            "X-Origin-Verify": ORIGIN_VERIFY,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Port": "443",
            "X-Forwarded-For": "203.0.113.7, 130.176.0.1",
            "User-Agent": "Amazon CloudFront",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request_id = request_id or str(uuid.uuid4())
        event = {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
            "pathParameters": {"proxy": path.lstrip("/")},
            "stageVariables": None,
            "requestContext": {
                "resourcePath": "/{proxy+}",
                "httpMethod": method,
                "path": f"/{STAGE}{path}",
                "stage": STAGE,
                "requestId": request_id,
                "domainName": API_HOST,
                "identity": {"sourceIp": "130.176.0.1", "userAgent": "Amazon CloudFront"},
            },
            "body": base64.b64encode(body).decode() if body else None,
            "isBase64Encoded": bool(body),
        }
        result, logs = self.invoke(event, request_id=request_id)
        for raw in (result.get("multiValueHeaders") or {}).get("Set-Cookie", []):
            for name, morsel in SimpleCookie(raw).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(result, logs)

    def form_post(self, path, fields: dict, **kwargs):
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{SITE}"}
        return self.request(
            "POST", path, body=body, headers={**headers, **kwargs.pop("headers", {})}, **kwargs
        )


class Response:
    def __init__(self, result: dict, logs: list[str]):
        self.result = result
        self.status = result["statusCode"]
        self.headers = result.get("headers") or {}
        raw = result.get("body") or ""
        self.body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        self.text = self.body.decode("utf-8", "replace")
        self.logs = logs

    def json(self):
        return json.loads(self.body)

    def log_records(self) -> list[dict]:
        records = []
        for line in self.logs:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records


@pytest.fixture(scope="session")
def lambda_app(package_dir, local_servers, tmp_path_factory):
    work = tmp_path_factory.mktemp("lambda-tmp")  # Lambda's /tmp
    suffix = uuid.uuid4().hex[:8]
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        database_url = _fresh_postgres_database(database_url, f"lambda_{suffix}")
    else:
        database_url = f"sqlite:///{work / 'db.sqlite3'}"
    secret_key = secrets.token_urlsafe(50)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(work),
        "TMPDIR": str(work),
        "LANG": "C.UTF-8",
        # Lambda's own variables
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "imageplatform-dev",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        # the local servers take any key; s3rver's are S3RVER/S3RVER
        "AWS_ACCESS_KEY_ID": "S3RVER",
        "AWS_SECRET_ACCESS_KEY": "S3RVER",
        "AWS_S3_ENDPOINT_URL": local_servers.s3_url,
        "DYNAMODB_ENDPOINT_URL": local_servers.dynamodb_url,
        # what zappa_settings.json's aws_environment_variables set; the secrets come from
        # the environment here (the explicit offline switch): `make rehearse` runs the
        # production path, Secrets Manager, instead
        "DJANGO_SECRETS_FROM_ENV": "true",
        "ORIGIN_VERIFY_VALUES": ORIGIN_VERIFY,
        "PUBLIC_ORIGIN": f"https://{SITE}",
        "GALLERY_BUCKET": f"lambda-media-{suffix}",
        "GALLERY_TABLE": f"lambda-images-{suffix}",
        "SHORTLINKS_TABLE": f"lambda-shortlinks-{suffix}",
        "MODERATION_AUDIT_TABLE": f"lambda-moderation-audit-{suffix}",
        "MODERATION_REPORTS_TABLE": f"lambda-moderation-reports-{suffix}",
        "PLATFORM_INVALIDATIONS_TABLE": f"lambda-invalidations-{suffix}",
        "CLOUDFRONT_DOMAIN": SITE,
        "CLOUDFRONT_KEY_ID": "KTESTKEYID",
        "CLOUDFRONT_PRIVATE_KEY": _private_key_pem(),
        "GALLERY_MAX_UPLOAD_BYTES": str(MAX_UPLOAD),
        "METRICS_STAGE": STAGE,
        "DJANGO_SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "DJANGO_SUPERUSER_PASSWORD": "correct horse battery staple",
    }
    python = ROOT / ".venv-package" / "bin" / "python"
    proc = subprocess.Popen(
        [str(python), "-I", "-S", "-u", str(RUNNER), str(package_dir)],
        cwd=package_dir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = LambdaApp(proc, [secret_key, "correct horse battery staple", ORIGIN_VERIFY])
    try:
        yield app
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if database_url.startswith("postgres"):
            _drop_postgres_database(database_url)


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _fresh_postgres_database(url: str, name: str) -> str:
    """A new database on the server of ``url``, so the handler never touches a real one."""
    from urllib.parse import urlsplit, urlunsplit

    with _admin_connection(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with _admin_connection(urlunsplit(parts._replace(path="/postgres"))) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
