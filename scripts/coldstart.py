"""Size and cold start of the Lambda package: `make coldstart` (and the end of `make bench`).

Builds the package when it is out of date (scripts/package.sh prints its zipped and
unzipped sizes), unzips it into a clean folder, then N times (default 5) starts a fresh
Python process the way Lambda starts a container (tests/lambda/runner.py with
``python -I -S``: only the standard library and the package on the path) and measures:

- import: ``import handler`` (Lambda's init phase for the module),
- first request: the first API Gateway event, ``GET /accounts/login/``, which includes
  Zappa's set-up of Django (settings, apps, URLconf) and rendering a page,
- cold start: from starting the process to the first response (what a visitor waits,
  less Lambda's own sandbox start, which is not ours to measure),
- CPU time: the process' CPU time up to the first response, which a busy machine
  inflates much less than the wall-clock figures,
- warm request: the same request again in the same process.

Prints the median of each. Usage: scripts/coldstart.py [--runs N] [--stage dev]
"""

import argparse
import base64
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "lambda" / "runner.py"
MARK = "@@result@@ "
ORIGIN_VERIFY = secrets.token_urlsafe(32)  # what CloudFront adds; the origin lock checks it


def event(path: str) -> dict:
    host = "abc123def4.execute-api.us-east-1.amazonaws.com"
    headers = {
        "Host": host,
        "X-Forwarded-Host": "site.example.test",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        "X-Origin-Verify": ORIGIN_VERIFY,
    }
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {"stage": "dev", "requestId": str(uuid.uuid4()), "identity": {}},
        "body": None,
        "isBase64Encoded": False,
    }


def read_result(proc) -> dict:
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the handler process exited before answering")
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])


def one_run(package_dir: Path, python: Path, env: dict) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(python), "-I", "-S", "-u", str(RUNNER), str(package_dir)],
        cwd=package_dir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready = read_result(proc)
        proc.stdin.write(json.dumps({"event": event("/accounts/login/")}) + "\n")
        proc.stdin.flush()
        first = read_result(proc)
        cold = (time.perf_counter() - started) * 1000
        if first.get("error") or first["result"]["statusCode"] != 200:
            raise RuntimeError(f"the first request failed: {first}")
        proc.stdin.write(json.dumps({"event": event("/accounts/login/")}) + "\n")
        proc.stdin.flush()
        warm = read_result(proc)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    return {
        "import": ready["import_ms"],
        "first": first["ms"],
        "cold": cold,
        "cpu": first["cpu_ms"],
        "warm": warm["ms"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args()

    subprocess.run(["bash", str(ROOT / "scripts" / "package.sh"), args.stage], cwd=ROOT, check=True)
    zip_path = ROOT / "dist" / f"imageplatform-{args.stage}.zip"
    python = ROOT / ".venv-package" / "bin" / "python"

    with tempfile.TemporaryDirectory(prefix="coldstart-") as tmp:
        package_dir = Path(tmp) / "task"
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(package_dir)
            unzipped = sum(i.file_size for i in z.infolist())
        pem = base64.b64encode(secrets.token_bytes(16)).decode()  # never loaded: signing is lazy
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": tmp,
            "LANG": "C.UTF-8",
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "offline",
            "AWS_SECRET_ACCESS_KEY": "offline",
            "DJANGO_SECRETS_FROM_ENV": "true",
            "ORIGIN_VERIFY_VALUES": ORIGIN_VERIFY,
            "PUBLIC_ORIGIN": "https://site.example.test",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "GALLERY_BUCKET": "coldstart",
            "GALLERY_TABLE": "coldstart-images",
            "SHORTLINKS_TABLE": "coldstart-shortlinks",
            "CLOUDFRONT_DOMAIN": "site.example.test",
            "CLOUDFRONT_KEY_ID": "KCOLDSTART",
            "CLOUDFRONT_PRIVATE_KEY": pem,
            "LOG_LEVEL": "WARNING",
        }
        runs = [one_run(package_dir, python, env) for _ in range(args.runs)]

    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(
        f"==> Lambda package ({args.stage}): {zip_path.stat().st_size / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped"
    )
    print(f"==> cold start, median of {args.runs} fresh processes (GET /accounts/login/):")
    print(f"    import handler      {med['import']:7.0f} ms")
    print(f"    first request       {med['first']:7.0f} ms   (Zappa + Django set-up + the page)")
    print(f"    cold start total    {med['cold']:7.0f} ms   (process start to first response)")
    print(f"    CPU to 1st response {med['cpu']:7.0f} ms   (less sensitive to a busy machine)")
    print(f"    warm request        {med['warm']:7.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
