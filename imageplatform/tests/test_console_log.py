"""`make run`'s console: one short human-readable line per request, not JSON and not twice."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_local_server_logs_each_request_once_in_one_short_line(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imageplatform.settings.local",
        "VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                assert get(f"http://127.0.0.1:{port}/accounts/login/") == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert get(f"http://127.0.0.1:{port}/no-such-page/") == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    lines = [line for line in output.splitlines() if "/accounts/login/" in line or "/no-such-page/" in line]
    assert len(lines) == 2, output
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /accounts/login/ 200 \d+ ms", lines[0]), lines
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /no-such-page/ 404 \d+ ms", lines[1]), lines
    assert not any(line.startswith("{") for line in output.splitlines()), output


def test_json_lines_stay_in_production_and_carry_no_path():
    import json
    import logging

    from imageplatform.logging import JsonFormatter

    record = logging.LogRecord("imageplatform.request", logging.INFO, "", 0, "request", (), None)
    record.status, record.local_path, record.route = 200, "/s/secretcode", "/s/<str:code>"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["route"] == "/s/<str:code>" and "local_path" not in entry
