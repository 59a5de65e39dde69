"""`make run` (devstack.run) as a whole: Ctrl-C stops everything cleanly, SIGKILL of it
takes its children along and the next start finds the data, and a web server that exits
stops the stores with a message. Free ports and a temp data folder, never var/."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from devstack import procs
from devstack.servers import ROOT, free_port, port_in_use
from devstack.tests.test_servers import recorded_pids, wait_gone

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and prctl"),
]


class Run:
    """One `python -m devstack.run` with its output collected by a thread."""

    def __init__(self, data, ports):
        self.data, self.port = data, ports["PORT"]
        env = {
            **os.environ,
            **{k: str(v) for k, v in ports.items()},
            "VAR_DIR": str(data),
            "CI": "true",
            "DJANGO_SETTINGS_MODULE": "imageplatform.settings.local",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "devstack.run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_serving(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"devstack.run exited early:\n{self.output}"
            if "Imageplatform is running" in self.output and port_in_use(self.port):
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=10) as r:
                    assert r.status == 200
                return recorded_pids(self.data)
            time.sleep(0.1)
        raise AssertionError(f"devstack.run did not serve within {timeout}s:\n{self.output}")

    def finish(self, timeout=20) -> int:
        code = self.proc.wait(timeout=timeout)
        time.sleep(0.1)  # the drain thread reads the last lines
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def runs(tmp_path):
    started = []

    def start():
        run = Run(tmp_path / "var", ports)
        started.append(run)
        return run

    ports = {"PORT": free_port(), "DYNALITE_PORT": free_port(), "S3RVER_PORT": free_port()}
    yield start
    for run in started:
        run.kill()


def test_ctrl_c_then_sigkill_then_web_server_exit(runs):
    # 1. Ctrl-C: everything stops, cleanly, and no PID file is left.
    run = runs()
    children = run.wait_serving()
    assert set(children) == {"dynalite", "s3rver", "web"}
    run.proc.send_signal(signal.SIGINT)
    assert run.finish() == 0, run.output
    assert "==> stopping" in run.output
    assert wait_gone(children.values()) == []
    assert not list((run.data / "run").glob("*.pid"))

    # 2. SIGKILL of the supervisor: its children die with it.
    run = runs()
    children = run.wait_serving()
    assert "imageplatform-local-images: exists" in run.output  # the tables of run 1 are there
    run.kill()
    assert wait_gone(children.values()) == [], "servers outlived their killed parent"

    # 3. The next start works on the same folder and ports; when the web server exits,
    #    the stores are stopped with a message.
    run = runs()
    children = run.wait_serving()
    assert "imageplatform-local-images: exists" in run.output
    assert "no longer runs: removed its stale PID file" in run.output
    assert procs.terminate(children["web"])
    assert run.finish() != 0
    assert "the web server exited" in run.output
    assert wait_gone(children.values()) == []


def test_clamd_scanner_runs_clamd_and_the_bucket_lets_the_site_post(tmp_path):
    """GALLERY_SCANNER=clamd make run: clamd is supervised with the rest and the web server
    is pointed at it; the bucket answers the site's CORS preflight (and no other's)."""
    from types import SimpleNamespace

    from devstack import clamd as clamd_util
    from devstack import run as run_module
    from devstack.tests.test_clamd import require_clamd
    from devstack.tests.test_cors import preflight

    require_clamd()
    env = {
        "PORT": free_port(),
        "DYNALITE_PORT": free_port(),
        "S3RVER_PORT": free_port(),
        "CLAMD_PORT": free_port(),
        "GALLERY_SCANNER": "clamd",
    }
    run = Run(tmp_path / "var", env)
    try:
        children = run.wait_serving()
        assert set(children) == {"dynalite", "s3rver", "clamd", "web"}
        assert clamd_util.ping(env["CLAMD_PORT"])
        assert (
            procs.environ_value(children["web"], "GALLERY_CLAMD_URL")
            == f"tcp://127.0.0.1:{env['CLAMD_PORT']}"
        )

        s3 = SimpleNamespace(s3_url=f"http://127.0.0.2:{env['S3RVER_PORT']}")
        site = f"http://127.0.0.1:{env['PORT']}"
        assert preflight(s3, site, "POST", bucket=run_module.LOCAL_BUCKET)[0] == 200
        assert preflight(s3, "http://localhost:1", "POST", bucket=run_module.LOCAL_BUCKET)[0] == 403

        run.proc.send_signal(signal.SIGINT)
        assert run.finish() == 0, run.output
        assert wait_gone(children.values()) == []
    finally:
        run.kill()
