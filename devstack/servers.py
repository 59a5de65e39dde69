"""Start and stop the local servers that speak the DynamoDB and S3 APIs.

dynalite (DynamoDB) and s3rver (S3) come from npm (package.json). `make run` keeps their
data under var/; the integration tests start their own pair on free ports in a temp dir.
Known quirks: dynalite has no TTL and no transactions; s3rver on Node 20 needs
--openssl-legacy-provider for list pagination, and its keys are S3RVER/S3RVER.
With a clamd port (GALLERY_SCANNER=clamd make run), clamd (Debian's clamav-daemon) runs
too, on loopback, loading only devstack/clamav/db (the EICAR test signature; devstack/clamd.py).

Crash-proofing (see devstack/procs.py): every process started here gets SIGTERM when its
supervisor dies, even by SIGKILL (prctl PR_SET_PDEATHSIG); its pid, command line, port and
start time are kept in ``<data>/run/<name>.pid``; a lock file marks the live supervisor.
On start, processes of this data folder whose supervisor is gone (leftovers) are stopped,
and a port held by anything else fails with the holder named.

Leftovers are stopped, not reused: their supervisor is gone, so nobody would stop them
again, they may have been started by older code or with other options, and dynalite holds
the data folder's LevelDB lock (a second dynalite on the same folder listens, then answers
"Database is closed" and crashes). A restart costs about a second.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack import clamd as clamd_util
from devstack import procs as proc_util

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "node_modules" / ".bin"


# The local S3 server listens on a loopback address of its own: uploaded bytes are served
# from an origin that is not the site's (no cookie of 127.0.0.1 reaches it, and the site's
# Content-Security-Policy 'self' never covers it), as the bucket's own host is in AWS.
MEDIA_HOST = "127.0.0.2"

# The media bucket's CORS rule, as Terraform sets it (terraform/modules/platform/main.tf,
# defaults in terraform/modules/bucket/variables.tf): the site's pages may POST a
# presigned form (direct uploads), and that is all; no other method, no other origin.
CORS_METHODS = ("POST",)
CORS_ALLOWED_HEADERS = ("*",)
CORS_EXPOSE_HEADERS = ("ETag",)
CORS_MAX_AGE_SECONDS = 3000


def site_origins(port: int, public_origin: str = "") -> tuple[str, ...]:
    """The origins the local site is visited from: `make run` binds 127.0.0.1:<port>, and
    localhost names it too (in ALLOWED_HOSTS); PUBLIC_ORIGIN when one is set."""
    origins = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    if public_origin and public_origin.rstrip("/") not in origins:
        origins.append(public_origin.rstrip("/"))
    return tuple(origins)


def cors_xml(origins: tuple[str, ...] | list[str]) -> str:
    """The S3 CORSConfiguration document for the media bucket (s3rver --configure-bucket)."""
    from xml.sax.saxutils import escape

    def lines(tag: str, values) -> str:
        return "".join(f"    <{tag}>{escape(v)}</{tag}>\n" for v in values)

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n'
        "  <CORSRule>\n"
        + lines("AllowedOrigin", origins)
        + lines("AllowedMethod", CORS_METHODS)
        + lines("AllowedHeader", CORS_ALLOWED_HEADERS)
        + lines("ExposeHeader", CORS_EXPOSE_HEADERS)
        + f"    <MaxAgeSeconds>{CORS_MAX_AGE_SECONDS}</MaxAgeSeconds>\n"
        "  </CORSRule>\n"
        "</CORSConfiguration>\n"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    for host in ("127.0.0.1", MEDIA_HOST):
        with socket.socket() as s:
            if s.connect_ex((host, port)) == 0:
                return True
    return False


def busy_port_message(port: int, what: str, hint: str) -> str:
    """'Port 4567 (dynalite) is in use by pid 1234: node ... Stop it, or ...'."""
    owners = proc_util.port_owners(port)
    if owners:
        holder = "; ".join(proc_util.describe(pid) for pid in owners)
        return f"Port {port} for {what} is already in use by {holder}. Stop it, or {hint}."
    return (
        f"Port {port} for {what} is already in use (by a process that could not be identified: "
        f"another user's, or in another container; `sudo ss -ltnp 'sport = :{port}'` may tell). "
        f"Stop it, or {hint}."
    )


def _tail(path: Path | None, lines: int = 8) -> str:
    if not path or not path.exists():
        return ""
    text = path.read_text(errors="replace").strip().splitlines()[-lines:]
    return f"\n  last lines of {path}:\n    " + "\n    ".join(text) if text else ""


def _dynalite_ready(port: int) -> bool:
    """dynalite listens before its LevelDB is open: ask it for its tables."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=b"{}",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Date": "20000101T000000Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_for_port(
    port: int, proc: subprocess.Popen, name: str, timeout: float = 30, ready=None, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{name} exited with code {proc.returncode} before it was ready on port {port}{_tail(log)}"
            )
        if port_in_use(port) and (ready is None or ready(port)):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} was not ready on port {port} within {timeout:.0f}s{_tail(log)}")


@dataclass
class LocalServers:
    data_dir: Path
    dynalite_port: int
    s3rver_port: int
    log_dir: Path | None = None  # default: <data_dir>/log
    procs: dict = field(default_factory=dict)
    say: Callable[[str], None] = field(default=lambda text: print(text, flush=True))
    claimed: bool = False
    # The media bucket, made at start with the CORS rule for these site origins (both
    # needed; without them s3rver starts with no bucket and no CORS, as before).
    bucket: str | None = None
    site_origins: tuple[str, ...] = ()
    # clamd on this loopback port (GALLERY_SCANNER=clamd), loading only the databases of
    # clamd_database (default: devstack/clamav/db, the EICAR test signature). None: no clamd.
    clamd_port: int | None = None
    clamd_database: Path | None = None
    clamd_stream_max: str = clamd_util.STREAM_MAX

    def __post_init__(self):
        self.data_dir = Path(self.data_dir).resolve()
        self.clamd_database = Path(self.clamd_database or clamd_util.DATABASE_DIR).resolve()
        if self.log_dir is None:
            self.log_dir = self.data_dir / "log"
        self._lock = proc_util.SupervisorLock(self.run_dir)
        self._logs: dict[str, Path] = {}
        self.stopped_leftovers = False

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def dynamodb_url(self) -> str:
        return f"http://127.0.0.1:{self.dynalite_port}"

    @property
    def s3_url(self) -> str:
        return f"http://{MEDIA_HOST}:{self.s3rver_port}"

    @property
    def clamd_config(self) -> Path:
        return self.data_dir / "clamav" / "clamd.conf"

    @property
    def clamd_url(self) -> str:
        return f"tcp://127.0.0.1:{self.clamd_port}"

    @property
    def cors_file(self) -> Path:
        return self.run_dir / "s3rver-cors.xml"

    @property
    def node(self) -> str:
        # node itself, not the scripts' `#!/usr/bin/env node`: the command line recorded
        # right after the start is then the one the process keeps.
        return shutil.which("node") or "node"

    def commands(self) -> dict[str, tuple[list[str], int]]:
        return {
            "dynalite": (
                [
                    self.node,
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
                self.dynalite_port,
            ),
            "s3rver": (
                [
                    self.node,
                    str(BIN / "s3rver"),
                    "--silent",
                    "--address",
                    MEDIA_HOST,
                    "--port",
                    str(self.s3rver_port),
                    "--directory",
                    str(self.data_dir / "s3"),
                    # Last: s3rver takes every following argument as a config file.
                    *(
                        ["--configure-bucket", self.bucket, str(self.cors_file)]
                        if self.bucket and self.site_origins
                        else []
                    ),
                ],
                self.s3rver_port,
            ),
            **(
                {
                    "clamd": (
                        clamd_util.command(clamd_util.binary() or "clamd", self.clamd_config),
                        self.clamd_port,
                    )
                }
                if self.clamd_port
                else {}
            ),
        }

    # ----------------------------------------------------------------------- claim
    def claim(self) -> list[str]:
        """Become this data folder's supervisor and stop the leftovers of earlier runs.

        Fails when another live process supervises the folder (two `make run` on one
        var/ would fight over dynalite's LevelDB lock). Returns what was done.
        """
        if self.claimed:
            return []
        holder = self._lock.acquire()
        if holder is not None:
            who = proc_util.describe(holder) if holder > 0 and proc_util.alive(holder) else "another process"
            raise RuntimeError(
                f"The local stack of {self.data_dir} is already running ({who}). Stop it first "
                f"(Ctrl-C in its terminal, or kill {holder}), or use another data folder (VAR_DIR=...)."
            )
        self.claimed = True
        done = self._stop_leftovers()
        self.stopped_leftovers = any("leftover" in line for line in done)
        for line in done:
            self.say(line)
        return done

    def _stop_leftovers(self) -> list[str]:
        done = []
        seen: set[int] = set()
        for record in proc_util.read_pidfiles(self.run_dir):
            if record.pid and record.is_running_ours():
                seen.add(record.pid)
                stopped = proc_util.terminate(record.pid)
                verb = "stopped" if stopped else "could not stop"
                done.append(
                    f"{verb} leftover {record.name} (pid {record.pid}, port {record.port}, "
                    f"started {record.started_at}) from a previous run"
                )
            elif record.pid:
                done.append(
                    f"{record.name} (pid {record.pid}) of a previous run no longer runs: "
                    f"removed its stale PID file {record.path.name}"
                )
            record.path.unlink(missing_ok=True)
        # Processes of this data folder without a PID file (started by older code).
        for pid, name in self._unrecorded_processes():
            if pid in seen:
                continue
            stopped = proc_util.terminate(pid)
            verb = "stopped" if stopped else "could not stop"
            done.append(f"{verb} leftover {name} (pid {pid}, no PID file) from a previous run")
        return done

    def _unrecorded_processes(self) -> list[tuple[int, str]]:
        """dynalite/s3rver on this data folder (a second one could not open its LevelDB
        anyway), and make run's web server with VAR_DIR = this folder."""
        found = []
        markers = {
            "dynalite": ("--path", str(self.data_dir / "dynamodb")),
            "s3rver": ("--directory", str(self.data_dir / "s3")),
        }
        me = os.getpid()
        for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            pid = int(entry.name)
            argv = proc_util.cmdline(pid)
            if not argv:
                continue
            for name, (flag, value) in markers.items():
                if any(Path(a).name == name and str(BIN) in a for a in argv[:2]) and _has_option(
                    argv, flag, value
                ):
                    found.append((pid, name))
            if Path(argv[0]).name == "clamd" and f"--config-file={self.clamd_config}" in argv:
                found.append((pid, "clamd"))
            # make run's web server exactly (--noreload, the ports in its environment); a
            # runserver started by hand on the same data is left alone.
            if (
                str(ROOT / "manage.py") in argv
                and "runserver" in argv
                and "--noreload" in argv
                and proc_util.environ_value(pid, "VAR_DIR") in (str(self.data_dir), f"{self.data_dir}/")
                and proc_util.environ_value(pid, "S3RVER_PORT") is not None
            ):
                found.append((pid, "web server"))
        return found

    # ----------------------------------------------------------------------- start / stop
    def start(self) -> "LocalServers":
        for tool in ("dynalite", "s3rver"):
            if not (BIN / tool).exists():
                raise RuntimeError(f"{tool} is not installed: run `npm ci` (make deps does it)")
        if not shutil.which("node"):
            raise RuntimeError("Node.js is not on the PATH")
        if self.clamd_port:
            if not clamd_util.binary():
                raise RuntimeError(
                    "clamd is not installed (GALLERY_SCANNER=clamd): install Debian's clamav-daemon "
                    "(scripts/bootstrap.sh does it when GALLERY_SCANNER=clamd, and for --test)"
                )
            if not clamd_util.has_databases(self.clamd_database):
                raise RuntimeError(
                    f"no ClamAV signature database in {self.clamd_database} (docs/scanning.md)"
                )
        try:
            self.claim()
            for name, (_, port) in self.commands().items():
                if port_in_use(port) and not (self.stopped_leftovers and frees_up(port)):
                    var = f"{name.upper()}_PORT"
                    raise RuntimeError(
                        busy_port_message(
                            port,
                            name,
                            f"choose another port: make run {var}=<port> (or set {var} in the environment)",
                        )
                    )
            (self.data_dir / "dynamodb").mkdir(parents=True, exist_ok=True)
            (self.data_dir / "s3").mkdir(parents=True, exist_ok=True)
            if self.bucket and self.site_origins:
                self.cors_file.write_text(cors_xml(self.site_origins))
            if self.clamd_port:
                clamd_util.write_config(
                    self.clamd_config.parent, self.clamd_port, self.clamd_database, self.clamd_stream_max
                )
            env = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"}
            for name, (cmd, port) in self.commands().items():
                self.spawn(name, cmd, port=port, env=env)
            wait_for_port(
                self.dynalite_port,
                self.procs["dynalite"],
                "dynalite",
                ready=_dynalite_ready,
                log=self._logs.get("dynalite"),
            )
            wait_for_port(self.s3rver_port, self.procs["s3rver"], "s3rver", log=self._logs.get("s3rver"))
            if self.clamd_port:
                # The EICAR-only database loads in a blink; freshclam's full set takes a while.
                wait_for_port(
                    self.clamd_port,
                    self.procs["clamd"],
                    "clamd",
                    timeout=180,
                    ready=clamd_util.ping,
                    log=self._logs.get("clamd"),
                )
        except BaseException:
            self.stop()
            raise
        return self

    def spawn(self, name: str, cmd: list[str], *, port: int | None, env: dict, log: bool = True):
        """Start a supervised process: dies with us, recorded in run/<name>.pid."""
        self.claim()
        out = subprocess.DEVNULL
        if log and self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            self._logs[name] = self.log_dir / f"{name}.log"
            out = open(self._logs[name], "ab")  # noqa: SIM115 (closed in stop())
        try:
            proc = proc_util.popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()  # the child has its own copy
        self.procs[name] = proc
        proc_util.write_pidfile(self.run_dir, name, proc.pid, proc_util.cmdline(proc.pid) or cmd, port)
        return proc

    def adopt(self, name: str, proc: subprocess.Popen, *, port: int | None) -> None:
        """Supervise a process started elsewhere (with proc_util.popen): recorded, stopped by stop()."""
        self.claim()
        self.procs[name] = proc
        proc_util.write_pidfile(self.run_dir, name, proc.pid, proc_util.cmdline(proc.pid) or [], port)

    def poll(self) -> tuple[str, int] | None:
        """(name, exit code) of a supervised process that has exited, or None."""
        for name, proc in self.procs.items():
            code = proc.poll()
            if code is not None:
                return name, code
        return None

    def log_of(self, name: str) -> Path | None:
        return self._logs.get(name)

    def stop(self) -> None:
        """Stop everything started here, the last started first (the web server before the
        stores it uses), then drop the PID files and the lock."""
        for name, proc in reversed(list(self.procs.items())):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with_pg_kill(proc.pid)
                    proc.wait(timeout=5)
            (self.run_dir / f"{name}.pid").unlink(missing_ok=True)
        self.procs.clear()
        if self.claimed:
            self._lock.release()
            self.claimed = False

    def django_env(self) -> dict:
        """Environment that points the local settings at these servers."""
        return {
            "DYNAMODB_ENDPOINT_URL": self.dynamodb_url,
            "AWS_S3_ENDPOINT_URL": self.s3_url,
            **({"GALLERY_CLAMD_URL": self.clamd_url} if self.clamd_port else {}),
        }


def with_pg_kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def frees_up(port: int, timeout: float = 5) -> bool:
    """After stopping leftovers: their sockets may close a moment after they exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not port_in_use(port):
            return True
        time.sleep(0.1)
    return False


def _has_option(argv: list[str], flag: str, value: str) -> bool:
    return any(a == flag and b.rstrip("/") == value for a, b in zip(argv, argv[1:], strict=False))


# --------------------------------------------------------------------------- CLI
def main(argv: list[str] | None = None) -> int:
    """`python -m devstack.servers --data DIR`: just the two servers, supervised, until
    Ctrl-C/SIGTERM (the tests and scripts/load.sh use it)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("VAR_DIR", ROOT / "var")))
    parser.add_argument("--dynalite-port", type=int, default=int(os.environ.get("DYNALITE_PORT", "4567")))
    parser.add_argument("--s3rver-port", type=int, default=int(os.environ.get("S3RVER_PORT", "4568")))
    parser.add_argument("--bucket", help="create this bucket at start, with the site's CORS rule")
    parser.add_argument("--clamd-port", type=int, help="also start clamd on this port (devstack/clamd.py)")
    parser.add_argument("--clamd-database", type=Path, help="its signature folder (default: EICAR only)")
    parser.add_argument(
        "--site-origin",
        action="append",
        default=[],
        help="an origin allowed to POST to the bucket (repeatable; default: the web server's on PORT)",
    )
    args = parser.parse_args(argv)
    origins = tuple(args.site_origin) or site_origins(int(os.environ.get("PORT", "8000")))
    servers = LocalServers(
        data_dir=args.data,
        dynalite_port=args.dynalite_port,
        s3rver_port=args.s3rver_port,
        bucket=args.bucket,
        site_origins=origins if args.bucket else (),
        clamd_port=args.clamd_port,
        clamd_database=args.clamd_database,
    )

    def stop(signum, _frame):
        raise KeyboardInterrupt

    # Started in the background by a script, SIGINT comes ignored: Ctrl-C must still stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        servers.start()
        clamd = f" clamd {servers.clamd_url}" if servers.clamd_port else ""
        print(f"ready: dynalite {servers.dynamodb_url} s3rver {servers.s3_url}{clamd}", flush=True)
        while (exited := servers.poll()) is None:
            time.sleep(0.2)
        name, code = exited
        print(f"error: {name} exited unexpectedly with code {code}; stopping", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
