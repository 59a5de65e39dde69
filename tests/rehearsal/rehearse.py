"""`make rehearse`: the built Lambda package, production settings, emulated AWS, a real user.

Run by scripts/rehearse.sh, which builds the package and starts a throwaway PostgreSQL
(TLS on, a password-checked role, like Aurora's master user) and passes it here. This
driver then does what Terraform and an operator would do, and what a visitor would:

1. Starts moto in server mode on a free 127.0.0.1 port (S3, DynamoDB, Secrets Manager)
   and makes what Terraform makes, with the names zappa_settings.json carries for the
   stage (which scripts/zappa_settings.py made from Terraform's outputs): the media bucket,
   the tables from imageplatform/dynamodb.json, the app secret (Django key, origin-verify
   values) and the database secret (username, password), whose ARNs go to the function
   exactly like Terraform's outputs do. No secret is put in the function's environment.
2. Unzips the package into a clean folder and starts Zappa's ``handler.lambda_handler``
   there in a fresh ``python -I -S`` process (tests/lambda/runner.py), with Lambda's
   variables plus the stage's ``aws_environment_variables``. Off AWS only: the AWS
   endpoints point at moto, DATABASE_HOST/PORT at the local server.
3. Sends the events AWS would: Zappa's ``manage`` event (`zappa manage <stage> "migrate
   --noinput"`), API Gateway proxy events shaped as CloudFront forwards a browser's
   requests (API Gateway's host in Host, the public host in X-Forwarded-Host, the
   origin-verify header, X-Forwarded-For, https), S3 ObjectCreated and SNS records as
   those services deliver them, Zappa's keep-warm and ``raw_command`` events.

Prints one line per step, then ``rehearsal: N steps passed, F failed; M AWS calls, ...``.
Exit status 0 only when every step passed (and, once tests/iam evaluates, every call is
allowed by the role).
"""

import argparse
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from web import Browser, urls_in  # noqa: E402

RUNNER = ROOT / "tests" / "lambda" / "runner.py"
MARK = "@@result@@ "
PHOTOS = ROOT / "gallery" / "tests" / "photos"
EXECUTE_API = "execute-api"
KEPT_CALLS = ROOT / "dist" / "rehearsal-aws-calls.jsonl"


# --------------------------------------------------------------------------- helpers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stage_settings(stage: str) -> dict:
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    conf = settings[stage]
    chain = [conf]
    while "extends" in chain[-1]:
        chain.append(settings[chain[-1]["extends"]])
    merged = {}
    for part in reversed(chain):
        merged.update(part)
    return merged


def jpeg(width=1600, height=1200, colour=(200, 80, 40)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def photo(name: str) -> tuple[str, bytes]:
    path = PHOTOS / name
    if path.is_file():
        return name, path.read_bytes()
    return "generated.jpg", jpeg()


def qr_cells(svg: str) -> set[tuple[int, int]]:
    """The dark modules of a segno SVG (one path of horizontal runs), as (x, y)."""
    match = re.search(r'\sd="([^"]+)"', svg)
    if not match:
        return set()
    cells, x, y = set(), 0.0, 0.0
    for op, args in re.findall(r"([MmHh])([-\d.\s]+)", match.group(1)):
        nums = [float(n) for n in args.split()]
        if op == "M":
            x, y = nums[0], nums[1]
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        elif op in "hH":
            length = nums[0] if op == "h" else nums[0] - x
            cells.update((int(x) + i, int(y)) for i in range(int(length)))
            x += length
    return cells


def qr_encodes(svg: str, text: str) -> bool:
    """True when the SVG's modules are those of a QR code of ``text`` (any border)."""
    import segno

    got = qr_cells(svg)
    if not got:
        return False
    border = min(x for x, _ in got) - 0  # the finder pattern's corner is dark
    top = min(y for _, y in got)
    for error in ("m", "l", "q", "h"):
        matrix = segno.make(text, error=error).matrix
        want = {(c + border, r + top) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}
        if want == got:
            return True
    return False


# --------------------------------------------------------------------------- the function
class Lambda:
    """One warm container: Zappa's handler in a fresh process, fed one event at a time."""

    def __init__(self, package_dir: Path, env: dict, python: Path):
        self.proc = subprocess.Popen(
            [str(python), "-I", "-S", "-u", str(RUNNER), str(package_dir)],
            cwd=package_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.all_logs: list[str] = []
        self.ready, _ = self._read()

    def _read(self):
        logs = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the handler process exited:\n" + "".join(logs[-60:]))
            if line.startswith(MARK):
                self.all_logs.extend(logs)
                return json.loads(line[len(MARK) :]), logs
            logs.append(line)

    def invoke(self, event, request_id=None):
        self.proc.stdin.write(json.dumps({"event": event, "request_id": request_id}) + "\n")
        self.proc.stdin.flush()
        answer, logs = self._read()
        if answer.get("error"):
            raise AssertionError("the handler raised:\n" + answer["error"] + "".join(logs[-30:]))
        return answer["result"], logs

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=20)
        except Exception:
            self.proc.kill()


# --------------------------------------------------------------------------- AWS events
def s3_event(*, region, bucket, key, size, etag, configuration_id, name="ObjectCreated:Post") -> dict:
    """An S3 event notification record as S3 delivers it to Lambda (structure 2.1)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "eventName": name,
                "userIdentity": {"principalId": "AWS:AROAEXAMPLEROLEID:uploader"},
                "requestParameters": {"sourceIPAddress": "203.0.113.7"},
                "responseElements": {
                    "x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                    "x-amz-id-2": secrets.token_urlsafe(48),
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKEXAMPLE"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quote_plus(key, safe="/"),
                        "size": size,
                        "eTag": etag.strip('"'),
                        "sequencer": f"{int(time.time() * 1e6):X}",
                    },
                },
            }
        ]
    }


def sns_event(*, topic_arn, message: dict, subject=None) -> dict:
    """An SNS notification as SNS delivers it to a subscribed Lambda function."""
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": "1",
                    "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                    "Signature": secrets.token_urlsafe(64),
                    "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem",
                    "MessageId": str(uuid.uuid4()),
                    "Message": json.dumps(message),
                    "MessageAttributes": {},
                    "Type": "Notification",
                    "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
                    "TopicArn": topic_arn,
                    "Subject": subject,
                },
            }
        ]
    }


def keep_warm_event(region, function) -> dict:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [
            f"arn:aws:events:{region}:123456789012:rule/{function}-zappa-keep-warm-handler.keep_warm_callback"
        ],
        "detail": {},
    }


# --------------------------------------------------------------------------- "Terraform"
def provision(
    aws: dict, env: dict, region: str, *, db_user: str, db_password: str, cloudfront_pem: str
) -> dict:
    """Make what Terraform makes; returns the app secret's values (to check the logs)."""
    import boto3

    kw = {
        "region_name": region,
        "endpoint_url": aws["endpoint"],
        "aws_access_key_id": "terraform",
        "aws_secret_access_key": "terraform",
    }
    s3 = boto3.client("s3", **kw)
    if region == "us-east-1":
        s3.create_bucket(Bucket=env["GALLERY_BUCKET"])
    else:
        s3.create_bucket(
            Bucket=env["GALLERY_BUCKET"], CreateBucketConfiguration={"LocationConstraint": region}
        )

    ddb = boto3.client("dynamodb", **kw)
    definition = json.loads((ROOT / "imageplatform" / "dynamodb.json").read_text())
    for table in definition["tables"].values():
        keys = [{"AttributeName": table["hash_key"], "KeyType": "HASH"}]
        if table.get("range_key"):
            keys.append({"AttributeName": table["range_key"], "KeyType": "RANGE"})
        gsis = []
        for index in table.get("global_secondary_indexes", []):
            schema = [{"AttributeName": index["hash_key"], "KeyType": "HASH"}]
            if index.get("range_key"):
                schema.append({"AttributeName": index["range_key"], "KeyType": "RANGE"})
            gsis.append(
                {
                    "IndexName": index["name"],
                    "KeySchema": schema,
                    "Projection": {"ProjectionType": index.get("projection", "ALL")},
                }
            )
        name = env[table["setting"]]
        ddb.create_table(
            TableName=name,
            KeySchema=keys,
            AttributeDefinitions=[
                {"AttributeName": k, "AttributeType": t} for k, t in table["attributes"].items()
            ],
            BillingMode="PAY_PER_REQUEST",
            **({"GlobalSecondaryIndexes": gsis} if gsis else {}),
        )
        if table.get("ttl_attribute"):
            ddb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table["ttl_attribute"]},
            )

    sm = boto3.client("secretsmanager", **kw)
    app = {
        "django_secret_key": secrets.token_urlsafe(50),
        "origin_verify_current": secrets.token_urlsafe(32),
        "origin_verify_previous": secrets.token_urlsafe(32),
    }
    if cloudfront_pem:
        app["cloudfront_private_key"] = cloudfront_pem

    def secret_name(arn: str) -> str:  # "...:secret:<name>-AbCdEf" -> "<name>"
        return arn.split(":secret:", 1)[1].rsplit("-", 1)[0]

    env["APP_SECRET_ARN"] = sm.create_secret(
        Name=secret_name(env["APP_SECRET_ARN"]), SecretString=json.dumps(app)
    )["ARN"]
    env["DATABASE_SECRET_ARN"] = sm.create_secret(
        Name=secret_name(env["DATABASE_SECRET_ARN"]),
        SecretString=json.dumps({"username": db_user, "password": db_password}),
    )["ARN"]
    return app


def cloudfront_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


# --------------------------------------------------------------------------- IAM fit
def evaluate_calls(record_file: Path, stage: str, name_map: dict):
    """The IAM fit of the recorded calls against the role Terraform renders for the stage.

    Returns ``(ok, denied texts)``, or None when there is nothing to evaluate with (no
    tests/iam evaluator, or no terraform to render the policy). ``name_map`` maps the
    names only the emulated account has (moto's secret ARNs) onto Terraform's.
    """
    terraform_env = {"dev": "staging"}.get(stage, stage)
    sys.path.insert(0, str(ROOT))
    try:
        from tests.iam import evaluate
    except ImportError:
        return None
    fn = getattr(evaluate, "evaluate_file", None)
    if fn is None:
        return None
    try:
        result = fn(str(record_file), env=terraform_env, extra_map=name_map)
    except Exception as exc:  # no terraform, or a Terraform tree that does not plan
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"      IAM fit not evaluated ({type(exc).__name__}): {first[:300]}")
        print("      (IAM_POLICY_REV=HEAD renders the committed Terraform instead of the working tree)")
        return None
    denied = list(result.get("denied", []))
    return (bool(result.get("ok")) and not denied, denied)


# --------------------------------------------------------------------------- the journey
class Rehearsal:
    def __init__(self, args):
        self.args = args
        self.stage = args.stage
        self.conf = stage_settings(self.stage)
        self.region = self.conf["aws_region"]
        self.function = f"{self.conf['project_name']}-{self.stage}"
        self.env = {k: str(v) for k, v in self.conf.get("aws_environment_variables", {}).items()}
        self.public_origin = self.env["PUBLIC_ORIGIN"].rstrip("/")
        self.api_host = f"k3x9q2w7e1.execute-api.{self.region}.amazonaws.com"
        self.passed = self.failed = 0
        self.problems: list[str] = []  # execute-api or other leaks seen in any response
        self.work = Path(tempfile.mkdtemp(prefix="rehearsal-"))
        self.record_file = self.work / "aws-calls.jsonl"
        self.user_password = secrets.token_urlsafe(16) + "aA1!"
        self.staff_password = secrets.token_urlsafe(16) + "aA1!"
        self.api_token = ""
        self.name_map: dict = {}

    # ---- bookkeeping
    def step(self, name, fn):
        t0 = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:
            self.failed += 1
            text = "".join(traceback.format_exception_only(exc)).strip()
            print(f"FAIL  {name}: {text[:1500]}", flush=True)
            if os.environ.get("REHEARSAL_TRACEBACK"):
                traceback.print_exc()
            return False
        self.passed += 1
        ms = (time.perf_counter() - t0) * 1000
        print(f"ok    {name}{' (' + detail + ')' if detail else ''}  [{ms:.0f} ms]", flush=True)
        return True

    def watch(self, method, target, response):
        """Every response: nothing may name API Gateway's host, every redirect stays on the site."""
        blob = response.text + " " + " ".join(f"{k}: {v}" for k, v in response.headers.items())
        if EXECUTE_API in blob:
            self.problems.append(f"{method} {target}: the response names {EXECUTE_API}")
        location = response.location
        relative = location.startswith("/") and not location.startswith("//")
        on_site = location.startswith((self.public_origin + "/", *self.file_origins))
        if location and not relative and not on_site:
            self.problems.append(f"{method} {target}: redirect off the site to {location}")

    def browser(self, client_ip) -> Browser:
        return Browser(
            self.lam,
            api_host=self.api_host,
            public_origin=self.public_origin,
            stage=self.stage,
            origin_header=(self.origin_header, self.app_secret["origin_verify_current"]),
            client_ip=client_ip,
            on_response=self.watch,
        )

    # ---- set-up
    def start(self):
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines

        port = free_port()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.moto.start()
        endpoint = f"http://127.0.0.1:{port}"
        self.endpoint = endpoint
        pem = cloudfront_key_pem() if self.env.get("CLOUDFRONT_KEY_ID") else ""
        terraform_arns = {k: self.env[k] for k in ("APP_SECRET_ARN", "DATABASE_SECRET_ARN")}
        self.app_secret = provision(
            {"endpoint": endpoint},
            self.env,
            self.region,
            db_user=self.args.db_user,
            db_password=self.args.db_password,
            cloudfront_pem=pem,
        )
        self.name_map = {self.env[k]: arn for k, arn in terraform_arns.items()}
        self.origin_header = self.env.get("ORIGIN_VERIFY_HEADER", "X-Origin-Verify")
        cf = self.env.get("CLOUDFRONT_DOMAIN")
        self.file_origins = tuple(o for o in (endpoint + "/", f"https://{cf}/" if cf else "") if o)

        package_dir = self.work / "task"  # a clean folder, like /var/task
        with zipfile.ZipFile(self.args.zip) as z:
            z.extractall(package_dir)
        tmp = self.work / "tmp"
        tmp.mkdir()
        lambda_env = {
            # Lambda's own variables
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(tmp),
            "TMPDIR": str(tmp),
            "TZ": ":UTC",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": self.function,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.conf.get("memory_size", 2048)),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.conf['runtime']}",
            "LAMBDA_TASK_ROOT": str(package_dir),
            # the execution role's session credentials (any value: moto checks none)
            "AWS_ACCESS_KEY_ID": "ASIAREHEARSALROLE0001",
            "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
            "AWS_SESSION_TOKEN": secrets.token_urlsafe(60),
            # what Zappa sets on the function: the stage's aws_environment_variables
            **self.env,
            # off AWS only: the emulated services and the local database server
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "DYNAMODB_ENDPOINT_URL": endpoint,
            "DATABASE_HOST": "127.0.0.1",
            "DATABASE_PORT": str(self.args.db_port),
            # the IAM fit check's recorder (tests/lambda/runner.py installs it)
            "IAM_RECORD_FILE": str(self.record_file),
            "AWS_ACCOUNT_ID": "123456789012",
        }
        self.lambda_env = lambda_env
        t0 = time.perf_counter()
        self.lam = Lambda(package_dir, lambda_env, ROOT / ".venv-package" / "bin" / "python")
        self.import_ms = (time.perf_counter() - t0) * 1000
        self.user = self.browser("203.0.113.7")
        self.visitor = self.browser("198.51.100.23")
        self.staff = self.browser("192.0.2.44")

    def stop(self):
        try:
            if hasattr(self, "lam"):
                self.lam.close()
        finally:
            if hasattr(self, "moto"):
                self.moto.stop()
            # keep the recorded calls (dist/, ignored by git) for tests/iam; drop the rest
            if self.record_file.exists():
                KEPT_CALLS.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.record_file, KEPT_CALLS)
                self.record_file = KEPT_CALLS
            shutil.rmtree(self.work, ignore_errors=True)

    # ---- the steps
    def run(self):
        s = self.step
        s("the package's handler starts with no secret in its environment", self.check_environment)
        s("operator: zappa manage migrate --noinput", lambda: self.manage("migrate --noinput"))
        s("operator: zappa manage check --deploy", lambda: self.manage("check --deploy --fail-level WARNING"))
        s("GET /healthz through CloudFront: 200, every store ok", self.healthz)
        s("the same request straight to API Gateway (no origin header): 403", self.direct_call)
        s("the API straight to API Gateway (wrong origin header): 403 JSON", self.direct_api_call)
        s("sign up (form, CSRF token, session cookie)", self.signup)
        s("log out, then log in with ?next=/upload/: back on the site's path", self.login)
        s("upload a photo through the upload page", self.upload_page)
        s("make an API token on the tokens page", self.make_token)
        s("upload through the API with the Bearer token", self.upload_api)
        s("gallery page lists both uploads", self.gallery)
        s("detail page", self.detail)
        s("make the image unlisted", self.make_unlisted)
        s("short link answers 302 on the public origin", self.short_link)
        s("share page: og:image, every link on the public origin", self.share_page)
        s("QR code encodes the public origin", self.qr_code)
        s("a visitor reports the image from its share page", self.report)
        s("operator: a staff user (signs up, then zappa invoke --raw grants staff)", self.make_staff)
        s("staff hides the image in the admin", self.staff_hides)
        s("the short link of a hidden image answers 404", self.link_after_hide)
        s(
            "direct upload: POST /api/v1/uploads, the file POSTed to S3 with the presigned form",
            self.direct_upload,
        )
        s("direct upload: the S3 ObjectCreated event through the packaged handler", self.s3_event)
        s("the scanner's finding through the findings queue -> ready", self.scan_finding)
        s("the same S3 event delivered again changes nothing", self.s3_event_again)
        s("an infected direct upload is quarantined, its file never served", self.infected_upload)
        s("an SNS notification straight to the function is refused by Zappa", self.sns_event)
        s("keep-warm event", self.keep_warm)
        s("the daily repair (Zappa's scheduled event) runs under the role", self.scheduled_repair)
        s("delete the image: page gone, files gone", self.delete)
        s("no response named API Gateway's host or left the site", self.no_leaks)
        s("no secret in any log line, every app log line is JSON", self.logs_clean)

    # ---- individual steps
    def check_environment(self):
        env_text = "\n".join(self.lambda_env.values())
        for value in (*self.app_secret.values(), self.args.db_password):
            assert value not in env_text, "a secret is in the function's environment"
        for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_SECRETS_FROM_ENV"):
            assert name not in self.lambda_env, name
        assert self.lam.ready["python"] == self.conf["runtime"].removeprefix("python")
        return f"import {self.lam.ready['import_ms']:.0f} ms, Python {self.lam.ready['python']}"

    def manage(self, command):
        result, logs = self.lam.invoke({"manage": command})
        assert result == {}, f"{result!r}\n{''.join(logs[-20:])}"

    def healthz(self):
        r = self.user.get("/healthz")
        assert r.status == 200, f"{r.status} {r.text[:500]}"
        checks = r.json()["checks"]
        assert set(checks.values()) == {"ok"}, checks
        return ", ".join(sorted(checks))

    def direct_call(self):
        r = self.visitor.request("GET", "/healthz", verify=False)
        assert r.status == 403, r.status
        assert "text/plain" in r.headers.get("content-type", ""), r.headers

    def direct_api_call(self):
        r = self.visitor.request("GET", "/api/v1/images", headers={self.origin_header: "guess"})
        assert r.status == 403 and r.json()["error"] == "forbidden", (r.status, r.text[:200])

    def signup(self):
        page = self.user.get("/accounts/signup/")
        assert page.status == 200, page.status
        assert f"{self.public_origin}/static/" in page.text, "static files are not on the public origin"
        form = page.form(has_field="password1")
        r = self.user.submit(
            form,
            username="alice",
            email="alice@example.org",
            password1=self.user_password,
            password2=self.user_password,
        )
        assert r.status == 302, f"{r.status} {r.text[:800]}"
        assert "sessionid" in self.user.cookies, self.user.cookies
        cookie = next(c for c in r.multi_headers.get("set-cookie", []) if c.startswith("sessionid="))
        flags = {f.strip().lower() for f in cookie.split(";")[1:]}
        assert {"secure", "httponly"} <= {f.split("=")[0] for f in flags}, cookie.split(";", 1)[1]
        assert not any(f.startswith("domain=") for f in flags), "the session cookie names a domain"
        return f"-> {r.location}; session cookie Secure, HttpOnly"

    def login(self):
        home = self.user.get("/")
        logout = home.form("logout")
        r = self.user.submit(logout)
        assert r.status in (200, 302), r.status
        assert "sessionid" not in self.user.cookies
        page = self.user.get("/upload/")
        assert page.status == 302 and page.location.startswith("/accounts/login/?next="), page.location
        login = self.user.get(page.location)
        form = login.form(has_field="password")
        r = self.user.submit(form, username="alice", password=self.user_password)
        assert r.status == 302, f"{r.status} {r.text[:800]}"
        assert r.location in ("/upload/", self.public_origin + "/upload/"), r.location
        return f"-> {r.location}"

    def upload_page(self):
        page = self.user.get("/upload/")
        form = page.form("upload")
        name, data = photo("dune_orientation6.jpg")
        r = self.user.submit(
            form,
            files={"file": (name, data, "image/jpeg")},
            title="Dune",
            headers={"Accept": "application/json"},
        )
        assert r.status == 201, f"{r.status} {r.text[:800]}"
        (result,) = r.json()["results"]
        assert result["ok"], result
        self.page_image = result["id"]
        if self.findings_queue:  # the scanner looks at uploads/: its finding finishes it
            assert result["status"] == "scanning", result
            self._settle(result["id"])
        else:
            assert result["status"] == "ready", result
        return f"{name}, {len(data) // 1024} KB, id {self.page_image}"

    def make_token(self):
        page = self.user.get("/accounts/tokens/")
        r = self.user.submit(page.form(has_field="name"), name="rehearsal")
        assert r.status == 302, r.status  # post/redirect/get: shown once, on the next page
        r = self.user.get("/accounts/tokens/")
        assert r.status == 200, r.status
        match = re.search(r'<code class="token">([^<]+)</code>', r.text)
        assert match, "the new token is not shown"
        self.api_token = match.group(1).strip()

    def upload_api(self):
        from web import multipart

        name, data = photo("meadow_adobergb.jpg")
        body, content_type = multipart(
            [("title", "Harbour"), ("visibility", "private")], {"file": (name, data, "image/jpeg")}
        )
        r = self.user.request(
            "POST",
            "/api/v1/images",
            body=body,
            headers={
                "Content-Type": content_type,
                "Authorization": f"Bearer {self.api_token}",
                "Accept": "application/json",
            },
        )
        assert r.status == 201, f"{r.status} {r.text[:800]}"
        image = r.json()
        self.image = image["id"]
        if self.findings_queue:
            assert image["status"] == "scanning", image
            self._settle(image["id"])
            again = self.user.request(
                "GET", f"/api/v1/images/{self.image}", headers={"Authorization": f"Bearer {self.api_token}"}
            )
            image = again.json()
        assert image["status"] == "ready", image
        for key in ("page_url", "short_url"):
            assert image[key].startswith(self.public_origin + "/"), (key, image[key])
        self.short_url = image["short_url"]
        listing = self.user.request(
            "GET", "/api/v1/images", headers={"Authorization": f"Bearer {self.api_token}"}
        )
        assert listing.status == 200 and any(i["id"] == self.image for i in listing.json()["items"]), (
            listing.text[:300]
        )
        return f"id {self.image}, short_url {self.short_url}"

    def gallery(self):
        r = self.user.get("/")
        assert r.status == 200 and "Dune" in r.text and "Harbour" in r.text, r.status

    def detail(self):
        r = self.user.get(f"/images/{self.image}/")
        assert r.status == 200 and "Harbour" in r.text, r.status
        self.detail_page = r

    def make_unlisted(self):
        page = self.user.get(f"/images/{self.image}/")
        form = page.form("/edit/")
        r = self.user.submit(form, visibility="unlisted")
        assert r.status == 302, f"{r.status} {r.text[:500]}"
        again = self.user.get(f"/images/{self.image}/")
        assert "Unlisted" in again.text
        links = sorted(set(re.findall(r"/s/([A-Za-z0-9_-]{6,})", again.text)))
        assert links, "the detail page shows no short link"
        self.code = self.short_url.rsplit("/", 1)[-1] if self.short_url else links[0]

    def short_link(self):
        r = self.visitor.get(f"/s/{self.code}")
        assert r.status == 302, f"{r.status} {r.text[:300]}"
        target = r.location
        assert target.startswith((self.public_origin + "/", "/")) and not target.startswith("//"), target
        self.share_target = target
        return f"Location: {target}"

    def share_page(self):
        r = self.visitor.get(self.share_target)
        assert r.status == 200, f"{r.status} {r.text[:300]}"
        og = re.search(r'<meta[^>]+property="og:image"[^>]+content="([^"]+)"', r.text)
        assert og, "no og:image"
        og_url = re.search(r'<meta[^>]+property="og:url"[^>]+content="([^"]+)"', r.text)
        if og_url:
            assert og_url.group(1).startswith(self.public_origin + "/"), og_url.group(1)
        off_site = []
        for url in urls_in(r.text):
            if url.startswith(self.public_origin + "/") or url.startswith(self.file_origins):
                continue
            off_site.append(url)
        assert not off_site, f"links off the public origin: {off_site[:5]}"
        assert EXECUTE_API not in r.text
        return f"og:image on {urlsplit(og.group(1)).netloc}"

    def report(self):
        page = self.visitor.get(self.share_target)
        form = page.form("/report/")
        r = self.visitor.submit(form, reason="violence", note="rehearsal report")
        assert r.status in (200, 302), f"{r.status} {r.text[:300]}"
        if r.status == 302:
            r = self.visitor.get(r.location)
        assert "report" in r.text.lower(), r.text[:300]
        return f"-> {r.status}"

    def qr_code(self):
        r = self.user.get(f"/s/{self.code}/qr.svg")
        assert r.status == 200 and "svg" in r.headers.get("content-type", ""), r.status
        expected = f"{self.public_origin}/s/{self.code}"
        assert qr_encodes(r.text, expected), f"the QR code does not encode {expected}"
        return expected

    def make_staff(self):
        page = self.staff.get("/accounts/signup/")
        r = self.staff.submit(
            page.form(has_field="password1"),
            username="moderator",
            email="mod@example.org",
            password1=self.staff_password,
            password2=self.staff_password,
        )
        assert r.status == 302, f"{r.status} {r.text[:500]}"
        # `zappa invoke <stage> "<python>" --raw`: Zappa's raw_command event
        code = (
            "from django.contrib.auth import get_user_model; "
            "get_user_model().objects.filter(username='moderator').update(is_staff=True, is_superuser=True)"
        )
        result, logs = self.lam.invoke({"raw_command": code})
        assert result is None, result

    def staff_hides(self):
        self.staff.cookies.clear()
        login = self.staff.get("/admin/login/?next=/admin/")
        r = self.staff.submit(
            login.form(has_field="password"), username="moderator", password=self.staff_password
        )
        assert r.status == 302 and r.location in ("/admin/", self.public_origin + "/admin/"), (
            r.status,
            r.location,
        )
        queue = self.staff.get("/admin/moderation/?state=reported")
        assert queue.status == 200 and self.image in queue.text, (
            "the reported image is not in the reported queue"
        )
        page = self.staff.get(f"/admin/moderation/{self.image}/")
        r = self.staff.submit(
            page.own_form(), action="takedown", reason="violence", note="rehearsal takedown"
        )
        assert r.status == 302, f"{r.status} {r.text[:500]}"
        hidden = self.staff.get("/admin/moderation/?state=hidden")
        assert self.image in hidden.text, "not in the hidden list"
        history = self.staff.get(f"/admin/moderation/{self.image}/")
        assert "rehearsal takedown" in history.text, "the audit log does not show the decision"
        # the CDN invalidation request, for the function outside the VPC (its stream)
        import boto3

        table = self.env["PLATFORM_INVALIDATIONS_TABLE"]
        dynamodb = boto3.client(
            "dynamodb",
            region_name=self.region,
            endpoint_url=self.endpoint,
            aws_access_key_id="check",
            aws_secret_access_key="check",
        )
        items = [
            i for i in dynamodb.scan(TableName=table)["Items"] if i.get("image_id", {}).get("S") == self.image
        ]
        assert items, "the takedown recorded no CDN invalidation request"
        paths = [p["S"] for p in items[0]["paths"]["L"]]
        assert any(p.startswith(f"/renditions/{self.image}") for p in paths), paths
        return f"taken down; invalidation requested for {len(paths)} paths"

    def link_after_hide(self):
        stranger = self.browser("198.51.100.99")
        r = stranger.get(f"/s/{self.code}")
        assert r.status == 404, r.status

    def direct_upload(self):
        import urllib.error
        import urllib.request

        from web import multipart

        name, data = photo("ladybird_lzw.tif")
        auth = {"Authorization": f"Bearer {self.api_token}", "Content-Type": "application/json"}
        body = json.dumps(
            {"filename": name, "size": len(data), "content_type": "image/tiff", "title": "Ladybird"}
        )
        r = self.user.request("POST", "/api/v1/uploads", body=body.encode(), headers=auth)
        assert r.status == 201, f"{r.status} {r.text[:800]}"
        started = r.json()
        assert started["status"] == "awaiting_upload", started
        fields = started["upload"]["fields"]
        assert fields["key"] == f"uploads/{started['id']}/upload", fields
        # the browser's part: a plain form POST to the bucket, fields first, the file last
        form, content_type = multipart(list(fields.items()), {"file": (name, data, "image/tiff")})
        request = urllib.request.Request(
            started["upload"]["url"], data=form, method="POST", headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                assert answer.status in (200, 201, 204), answer.status
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"S3 refused the presigned POST: {exc.code} {exc.read()[:500]!r}") from None
        done = self.user.request("POST", f"/api/v1/uploads/{started['id']}/complete", headers=auth)
        # in AWS the completion call only checks the file arrived: the bucket's event processes it
        assert done.status == 202 and done.json()["status"] == "awaiting_upload", (
            f"{done.status} {done.text[:300]}"
        )
        self.direct = {"id": started["id"], "key": fields["key"], "size": len(data)}
        return f"{name}, {len(data) // 1024} KB, id {started['id']}"

    def _direct_event(self):
        event = s3_event(
            region=self.region,
            bucket=self.env["GALLERY_BUCKET"],
            key=self.direct["key"],
            size=self.direct["size"],
            etag='"0"',
            configuration_id=self.function,
        )
        return self.lam.invoke(event)

    def _direct_image(self) -> dict:
        r = self.user.request(
            "GET",
            f"/api/v1/images/{self.direct['id']}",
            headers={"Authorization": f"Bearer {self.api_token}"},
        )
        assert r.status == 200, f"{r.status} {r.text[:300]}"
        return r.json()

    def s3_event(self):
        result, logs = self._direct_event()
        assert isinstance(result, dict) and result.get("kind") == "s3:ObjectCreated", (
            f"Zappa did not route it to imageplatform.events.handle: {result!r}\n{''.join(logs[-10:])}"
        )
        assert result.get("result") == {"records": 1, "skipped": 0}, f"{result!r}\n{''.join(logs[-10:])}"
        image = self._direct_image()
        if self.findings_queue:  # an external scanner: its finding moves the image on
            assert image["status"] == "scanning", image
            return f"scanning: waiting for the {self.env.get('GALLERY_SCANNER')} finding"
        assert image["status"] == "ready", image
        return self._check_ready(image)

    @property
    def findings_queue(self) -> str | None:
        queues = [
            e["event_source"]["arn"]
            for e in self.conf.get("events", [])
            if e.get("event_source", {}).get("arn", "").startswith("arn:aws:sqs:")
        ]
        return queues[0] if queues else None

    def _finding(self, key: str, result: str, threats=None) -> tuple:
        """A GuardDuty object scan result (or BucketAV's SNS envelope) as the SQS record the
        findings queue hands to the function."""
        bucket = self.env["GALLERY_BUCKET"]
        if self.env.get("GALLERY_SCANNER") == "bucketav":
            status = {"NO_THREATS_FOUND": "clean", "THREATS_FOUND": "infected"}[result]
            message = {"bucket": bucket, "key": key, "status": status, "finding": (threats or [""])[0]}
            body = {
                "Type": "Notification",
                "TopicArn": f"arn:aws:sns:{self.region}:123456789012:bucketav",
                "Message": json.dumps(message),
            }
        else:
            details = {"scanResultStatus": result}
            if threats:
                details["threats"] = [{"name": t} for t in threats]
            body = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "GuardDuty Malware Protection Object Scan Result",
                "source": "aws.guardduty",
                "account": "123456789012",
                "region": self.region,
                "resources": [],
                "detail": {
                    "schemaVersion": "1.0",
                    "scanStatus": "COMPLETED",
                    "resourceType": "S3_OBJECT",
                    "s3ObjectDetails": {"bucketName": bucket, "objectKey": key},
                    "scanResultDetails": details,
                },
            }
        event = {
            "Records": [
                {
                    "messageId": str(uuid.uuid4()),
                    "receiptHandle": "rehearsal",
                    "body": json.dumps(body),
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.findings_queue,
                    "awsRegion": self.region,
                }
            ]
        }
        return self.lam.invoke(event)

    def _settle(self, image_id: str) -> None:
        """The scanner's clean finding for a file sent through the web request."""
        result, logs = self._finding(f"uploads/{image_id}/upload", "NO_THREATS_FOUND")
        assert isinstance(result, dict) and result.get("result", {}).get("findings") == 1, (
            f"{result!r}\n{''.join(logs[-10:])}"
        )

    def scan_finding(self):
        if not self.findings_queue:
            return "no scanner in this stage (GALLERY_SCANNER=none): the S3 event made it ready"
        result, logs = self._finding(self.direct["key"], "NO_THREATS_FOUND")
        assert isinstance(result, dict) and result.get("kind", "").startswith("sqs:"), (
            f"Zappa did not route the queue's record: {result!r}\n{''.join(logs[-10:])}"
        )
        assert result.get("result", {}).get("findings") == 1, f"{result!r}\n{''.join(logs[-10:])}"
        image = self._direct_image()
        assert image["status"] == "ready", image
        return self._check_ready(image)

    def infected_upload(self):
        import urllib.request

        from web import multipart

        data = jpeg(400, 300)
        auth = {"Authorization": f"Bearer {self.api_token}", "Content-Type": "application/json"}
        body = json.dumps({"filename": "bad.jpg", "size": len(data), "content_type": "image/jpeg"}).encode()
        started = self.user.request("POST", "/api/v1/uploads", body=body, headers=auth).json()
        fields = started["upload"]["fields"]
        form, content_type = multipart(list(fields.items()), {"file": ("bad.jpg", data, "image/jpeg")})
        request = urllib.request.Request(
            started["upload"]["url"], data=form, method="POST", headers={"Content-Type": content_type}
        )
        urllib.request.urlopen(request, timeout=60).close()
        if not self.findings_queue:
            return "no scanner in this stage: nothing to quarantine"
        # the finding first, the S3 event after it: the order AWS does not promise
        result, logs = self._finding(fields["key"], "THREATS_FOUND", ["EICAR-Test-File (not a virus)"])
        assert isinstance(result, dict) and result.get("result", {}).get("findings") == 1, result
        self.direct = {"id": started["id"], "key": fields["key"], "size": len(data)}
        self._direct_event()
        image = self._direct_image()
        assert image["status"] == "quarantined" and "EICAR" in (image["reason"] or ""), image
        assert image["renditions"] == {} and image["original_url"] is None, image
        return image["reason"]

    def _check_ready(self, image: dict) -> str:
        import boto3

        assert {"thumb", "medium", "large"} <= set(image["renditions"]), image["renditions"]
        s3 = boto3.client(
            "s3",
            region_name=self.region,
            endpoint_url=self.endpoint,
            aws_access_key_id="check",
            aws_secret_access_key="check",
        )
        left = s3.list_objects_v2(Bucket=self.env["GALLERY_BUCKET"], Prefix=self.direct["key"]).get(
            "Contents", []
        )
        assert not left, f"the upload was not moved: {[o['Key'] for o in left]}"
        return f"ready, {image['width']}x{image['height']}, {len(image['renditions'])} renditions"

    def s3_event_again(self):
        before = self._direct_image()
        result, logs = self._direct_event()
        assert isinstance(result, dict) and result.get("handled"), result
        after = self._direct_image()
        assert after["status"] == "ready" and after["updated_at"] == before["updated_at"], (before, after)
        assert any("already received" in line for line in logs), "".join(logs[-5:])

    def sns_event(self):
        """Findings come through the queue; a topic wired straight to the function would be
        re-subscribed unfiltered by every `zappa update`, so none is, and Zappa refuses it."""
        topic = f"arn:aws:sns:{self.region}:123456789012:unsubscribed-topic"
        result, logs = self.lam.invoke(sns_event(topic_arn=topic, message={"status": "clean"}))
        assert result is None and any("Cannot find a function" in line for line in logs), result
        return "an unknown topic is refused, not run"

    def keep_warm(self):
        result, logs = self.lam.invoke(keep_warm_event(self.region, self.function))
        assert result is None, result

    def scheduled_repair(self):
        (entry,) = [e for e in self.conf.get("events", []) if e.get("expression")]
        event = keep_warm_event(self.region, self.function)
        # Zappa names the rule "<function>-<module.function>" and runs what follows the last "-".
        event["resources"] = [
            f"arn:aws:events:{self.region}:123456789012:rule/{self.function}-{entry['function']}"
        ]
        result, logs = self.lam.invoke(event)
        assert isinstance(result, dict) and result.get("failed") == 0, f"{result!r}\n{''.join(logs[-10:])}"
        return f"{entry['expression']}: found {sum(result['found'].values())}, fixed {sum(result['fixed'].values())}"

    def delete(self):
        import boto3

        page = self.user.get(f"/images/{self.image}/delete/")
        assert page.status == 200, page.status
        r = self.user.submit(page.own_form())
        assert r.status == 302, f"{r.status} {r.text[:500]}"
        assert self.user.get(f"/images/{self.image}/").status == 404
        s3 = boto3.client(
            "s3",
            region_name=self.region,
            endpoint_url=self.endpoint,
            aws_access_key_id="check",
            aws_secret_access_key="check",
        )
        left = []
        for prefix in ("originals/", "renditions/"):
            listing = s3.list_objects_v2(Bucket=self.env["GALLERY_BUCKET"], Prefix=f"{prefix}{self.image}/")
            left += [o["Key"] for o in listing.get("Contents", [])]
        assert not left, f"files left: {left[:5]}"

    def no_leaks(self):
        assert not self.problems, "\n".join(self.problems[:10])

    def logs_clean(self):
        everything = "".join(self.lam.all_logs)
        values = [
            *self.app_secret.values(),
            self.args.db_password,
            self.user_password,
            self.staff_password,
            self.api_token,
        ]
        leaked = [v[:4] + "…" for v in values if v and v in everything]
        assert not leaked, f"secret values in the logs (first characters): {leaked}"
        bad = [line for line in self.lam.all_logs if line.startswith("{") and not _is_json(line)]
        assert not bad, bad[:3]
        return f"{len(self.lam.all_logs)} lines"

    # ---- summary
    def calls(self) -> tuple[int, str, bool]:
        lines = self.record_file.read_text().splitlines() if self.record_file.exists() else []
        ops = {}
        for line in lines:
            entry = json.loads(line)
            key = f"{entry['service']}:{entry['operation']}"
            ops[key] = ops.get(key, 0) + 1
        if os.environ.get("REHEARSAL_VERBOSE"):
            for key, n in sorted(ops.items()):
                print(f"      {n:4d}  {key}")
        verdict = evaluate_calls(self.record_file, self.stage, self.name_map)
        if verdict is None:
            return len(lines), "not evaluated", True
        ok, denied = verdict
        for text in denied[:20]:
            print(f"DENY  {text}")
        return len(lines), "all allowed" if ok else f"{len(denied)} denied", ok


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, required=True)
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--db-port", type=int, required=True)
    parser.add_argument("--db-user", required=True)
    parser.add_argument("--db-password", default=os.environ.get("REHEARSAL_DB_PASSWORD", ""))
    args = parser.parse_args()
    if not args.db_password:
        parser.error("set REHEARSAL_DB_PASSWORD")

    started = time.perf_counter()
    rehearsal = Rehearsal(args)
    print(
        f"==> stage {args.stage}: function {rehearsal.function}, public origin {rehearsal.public_origin}, "
        f"API Gateway host {rehearsal.api_host}",
        flush=True,
    )
    try:
        rehearsal.start()
        rehearsal.run()
    except Exception:
        traceback.print_exc()
        rehearsal.failed += 1
    finally:
        try:
            rehearsal.stop()
        except Exception:
            pass
    count, verdict, allowed = rehearsal.calls()
    where = os.path.relpath(rehearsal.record_file, ROOT)
    print(f"==> {time.perf_counter() - started:.0f} s; the function's AWS calls are in {where}")
    print(
        f"rehearsal: {rehearsal.passed} steps passed, {rehearsal.failed} failed; {count} AWS calls, {verdict}"
    )
    return 0 if rehearsal.failed == 0 and allowed else 1


if __name__ == "__main__":
    sys.exit(main())
