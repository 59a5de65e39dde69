"""Processes of the local stack: PID files, leftovers, who holds a port, death signals.

Linux only where it matters (/proc, prctl); elsewhere the helpers degrade to "unknown"
and the stack still runs, just without the crash-proofing.

A PID file (``<data>/run/<name>.pid``) is JSON: pid, name, the exact command line, the
port, the start time (ISO) and the kernel's start tick of the process (field 22 of
/proc/<pid>/stat). A recorded process counts as *ours* only while a process with that pid
still runs the same command line and started at the same tick, so a recycled pid (a
stranger that got the number later) is never signalled.
"""

import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PR_SET_PDEATHSIG = 1


# --------------------------------------------------------------------------- /proc readers
def cmdline(pid: int) -> list[str] | None:
    """The argv of a running process, or None when it is gone (or a zombie)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if not raw:  # zombies and kernel threads have an empty cmdline
        return None
    return raw.rstrip(b"\0").decode(errors="replace").split("\0")


def start_ticks(pid: int) -> int | None:
    """When the process started, in clock ticks after boot (unique together with the pid)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return int(fields[19])


def environ_value(pid: int, name: str) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    prefix = name.encode() + b"="
    for entry in raw.split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix) :].decode(errors="replace")
    return None


def alive(pid: int) -> bool:
    return start_ticks(pid) is not None


def exited(pid: int, ticks: int | None) -> bool:
    """True once the process that started at ``ticks`` holds nothing any more: gone, or a
    zombie whose threads have all exited. (The main thread of a multi-threaded program
    such as node turns zombie first, while its other threads still hold the sockets.)"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    fields = stat[stat.rfind(")") + 2 :].split()
    if ticks is not None and int(fields[19]) != ticks:
        return True  # the pid was reused
    if fields[0] != "Z":
        return False
    try:
        return len(os.listdir(f"/proc/{pid}/task")) <= 1
    except OSError:
        return True


def describe(pid: int) -> str:
    argv = cmdline(pid) or ["?"]
    text = " ".join(" ".join(argv).split())  # one line, even for `python -c "<lines>"`
    return f"pid {pid}: {text[:160]}{'...' if len(text) > 160 else ''}"


# --------------------------------------------------------------------------- who holds a port
def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def port_owners(port: int) -> list[int]:
    """Pids of the processes listening on a TCP port (empty when unknown).

    /proc/net/tcp gives the socket's inode; /proc/<pid>/fd links name it. Processes of
    other users are invisible without root: then `ss -ltnp` is asked, which may know more.
    """
    owners: set[int] = set()
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if inodes:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                for fd in (proc / "fd").iterdir():
                    with contextlib.suppress(OSError):
                        if os.readlink(fd) in inodes:
                            owners.add(int(proc.name))
                            break
            except OSError:
                continue
    if not owners and shutil.which("ss"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, timeout=5
            ).stdout
            for chunk in out.split("pid=")[1:]:
                digits = chunk.split(",", 1)[0]
                if digits.isdigit():
                    owners.add(int(digits))
    return sorted(owners)


# --------------------------------------------------------------------------- death signal
def _die_with_parent(parent_pid: int):
    """preexec_fn: the child gets SIGTERM when the process that started it dies.

    The kernel sends it when the parent *thread* that forked the child exits, so start
    children from a thread that lives as long as they should (the main thread here).
    """
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec():
        os.setsid()  # own process group: Ctrl-C reaches the supervisor only, which stops us in order
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before prctl: nobody would tell us
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def set_own_death_signal(sig: int = signal.SIGTERM) -> bool:
    """Ask for ``sig`` when this process' parent dies (Linux); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0


def popen(cmd: list[str], **kwargs) -> subprocess.Popen:
    """subprocess.Popen in its own process group, killed with its parent on Linux."""
    if sys.platform.startswith("linux"):
        kwargs["preexec_fn"] = _die_with_parent(os.getpid())
    else:
        kwargs["start_new_session"] = True
    return subprocess.Popen(cmd, **kwargs)


# --------------------------------------------------------------------------- PID files
@dataclass(frozen=True)
class PidRecord:
    path: Path
    pid: int
    name: str
    cmdline: list[str]
    port: int | None
    started_at: str
    start_ticks: int | None

    def is_running_ours(self) -> bool:
        """Still the very process we started: same pid, same command line, same start tick."""
        if cmdline(self.pid) != self.cmdline:
            return False
        ticks = start_ticks(self.pid)
        return ticks is not None and (self.start_ticks is None or ticks == self.start_ticks)


def write_pidfile(run_dir: Path, name: str, proc_pid: int, cmd: list[str], port: int | None) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"{name}.pid"
    record = {
        "pid": proc_pid,
        "name": name,
        "cmdline": cmd,
        "port": port,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "start_ticks": start_ticks(proc_pid),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    tmp.replace(path)
    return path


def read_pidfiles(run_dir: Path) -> list[PidRecord]:
    records = []
    for path in sorted(run_dir.glob("*.pid")):
        try:
            data = json.loads(path.read_text())
            records.append(
                PidRecord(
                    path=path,
                    pid=int(data["pid"]),
                    name=str(data["name"]),
                    cmdline=list(data["cmdline"]),
                    port=data.get("port"),
                    started_at=str(data.get("started_at", "?")),
                    start_ticks=data.get("start_ticks"),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            records.append(PidRecord(path, 0, path.stem, [], None, "?", None))  # unreadable: stale
    return records


def terminate(pid: int, timeout: float = 10) -> bool:
    """SIGTERM, then SIGKILL after ``timeout``; True once the process is gone."""
    ticks = start_ticks(pid)
    if ticks is None:
        return True
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if exited(pid, ticks):
                return True
            time.sleep(0.05)
    return False


# --------------------------------------------------------------------------- supervisor lock
class SupervisorLock:
    """``<data>/run/supervisor.lock``: held (flock) by the one live process running this
    data folder's servers. The kernel drops it when that process dies, even by SIGKILL,
    so a free lock means every recorded server is a leftover."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / "supervisor.lock"
        self.fd: int | None = None

    def acquire(self) -> int | None:
        """Take the lock; on failure return the pid of the holder (None: taken)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            return int(holder) if holder.isdigit() else -1
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
