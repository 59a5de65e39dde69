"""Start and stop the local servers that speak the DynamoDB and S3 APIs.

dynalite (DynamoDB) and s3rver (S3) come from npm (package.json). `make run` keeps their
data under var/; the integration tests start their own pair on free ports in a temp dir.
Known quirks: dynalite has no TTL and no transactions; s3rver on Node 20 needs
--openssl-legacy-provider for list pagination, and its keys are S3RVER/S3RVER.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "node_modules" / ".bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, proc: subprocess.Popen, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} before it listened on port {port}")
        if port_in_use(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on port {port} within {timeout:.0f}s")


@dataclass
class LocalServers:
    data_dir: Path
    dynalite_port: int
    s3rver_port: int
    log_dir: Path | None = None
    procs: dict = field(default_factory=dict)

    @property
    def dynamodb_url(self) -> str:
        return f"http://127.0.0.1:{self.dynalite_port}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.s3rver_port}"

    def start(self) -> "LocalServers":
        for tool in ("dynalite", "s3rver"):
            if not (BIN / tool).exists():
                raise RuntimeError(f"{tool} is not installed: run `npm ci` (make deps does it)")
        if not shutil.which("node"):
            raise RuntimeError("Node.js is not on the PATH")
        for port, name in ((self.dynalite_port, "dynalite"), (self.s3rver_port, "s3rver")):
            if port_in_use(port):
                raise RuntimeError(
                    f"Port {port} for {name} is already in use (another `make run`?). "
                    f"Stop it, or choose another port with {name.upper()}_PORT=..."
                )
        (self.data_dir / "dynamodb").mkdir(parents=True, exist_ok=True)
        (self.data_dir / "s3").mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"}
        commands = {
            "dynalite": [
                str(BIN / "dynalite"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.dynalite_port),
                "--path",
                str(self.data_dir / "dynamodb"),
                "--createTableMs",
                "0",
                "--deleteTableMs",
                "0",
                "--updateTableMs",
                "0",
            ],
            "s3rver": [
                str(BIN / "s3rver"),
                "--silent",
                "--address",
                "127.0.0.1",
                "--port",
                str(self.s3rver_port),
                "--directory",
                str(self.data_dir / "s3"),
            ],
        }
        try:
            for name, cmd in commands.items():
                out = subprocess.DEVNULL
                if self.log_dir:
                    self.log_dir.mkdir(parents=True, exist_ok=True)
                    out = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (kept for the process' life)
                self.procs[name] = subprocess.Popen(
                    cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            wait_for_port(self.dynalite_port, self.procs["dynalite"], "dynalite")
            wait_for_port(self.s3rver_port, self.procs["s3rver"], "s3rver")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()

    def django_env(self) -> dict:
        """Environment that points the local settings at these servers."""
        return {
            "DYNAMODB_ENDPOINT_URL": self.dynamodb_url,
            "AWS_S3_ENDPOINT_URL": self.s3_url,
        }
