"""clamd (ClamAV's daemon) for the local stack: its config, command line and readiness.

`GALLERY_SCANNER=clamd make run` starts it beside dynalite and s3rver (devstack/servers.py
supervises it like them: PID file, death signal, leftovers stopped). It loads only the
databases of one folder: devstack/clamav/db by default, whose one signature detects the
EICAR test file (no network here, so no official signatures). For real signatures point
CLAMD_DATABASE_DIR at freshclam's folder (docs/scanning.md).
"""

import shutil
import socket
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent / "clamav"
TEMPLATE = HERE / "clamd.conf.in"
DATABASE_DIR = HERE / "db"
# A little above the default GALLERY_MAX_UPLOAD_BYTES (50 MB).
STREAM_MAX = "64M"


def binary() -> str | None:
    """clamd's path (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if Path(p).is_file()), None
    )


def write_config(
    conf_dir: Path, port: int, database_dir: Path = DATABASE_DIR, stream_max: str = STREAM_MAX
) -> Path:
    """Render the template into ``conf_dir/clamd.conf`` (and its temp folder); return it."""
    conf_dir.mkdir(parents=True, exist_ok=True)
    tmp = conf_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    text = Template(TEMPLATE.read_text()).substitute(
        port=port,
        database_dir=Path(database_dir).resolve(),
        tmp_dir=tmp,
        pid_file=conf_dir / "clamd.pid",
        stream_max=stream_max,
    )
    path = conf_dir / "clamd.conf"
    path.write_text(text)
    return path


def command(clamd: str, config: Path) -> list[str]:
    return [clamd, "--foreground", f"--config-file={config}"]


def ping(port: int, timeout: float = 2) -> bool:
    """clamd answers PONG once its databases are loaded."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(64).rstrip(b"\0") == b"PONG"
    except OSError:
        return False


def has_databases(database_dir: Path) -> bool:
    exts = {".cvd", ".cld", ".cud", ".ndb", ".hdb", ".hsb", ".mdb", ".msb", ".ldb", ".ndu", ".yar", ".yara"}
    return (
        any(p.suffix in exts for p in Path(database_dir).iterdir()) if Path(database_dir).is_dir() else False
    )
