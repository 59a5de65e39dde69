"""A real clamd, started by the local stack's own code (devstack.servers + devstack.clamd)
with only the shipped EICAR signature: EICAR alone and appended to a real JPEG are found,
the real photos pass, and clamd dies with its supervisor like the other servers.

Needs Debian's clamav-daemon (scripts/bootstrap.sh --test installs it). Without it the
tests skip, loudly, on a laptop; in CI (CI=true) they fail instead."""

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack import clamd as clamd_util
from devstack import procs
from devstack.servers import ROOT, LocalServers, free_port
from gallery import scanning
from tests.support import PHOTOS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and prctl")

# The EICAR test file, built here from pieces: the whole string is never in the repository
# (an antivirus on a developer's machine would quarantine the file holding it).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)" + b"7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f"


def require_clamd():
    if clamd_util.binary():
        return
    message = (
        "clamd is NOT INSTALLED: the real-clamd scanning tests did not run. "
        "Install Debian's clamav-daemon (scripts/bootstrap.sh --test does it)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_clamd()
    servers = LocalServers(
        data_dir=tmp_path_factory.mktemp("clamd"),
        dynalite_port=free_port(),
        s3rver_port=free_port(),
        clamd_port=free_port(),
        say=lambda _: None,
    ).start()
    yield servers
    servers.stop()


@pytest.fixture
def scanner(stack, settings):
    settings.GALLERY_SCANNER = "clamd"
    settings.GALLERY_CLAMD_URL = stack.django_env()["GALLERY_CLAMD_URL"]
    settings.GALLERY_SCAN_TIMEOUT = 30
    return stack


# --------------------------------------------------------------------------- verdicts
@pytest.mark.integration
def test_eicar_alone_is_infected(scanner):
    import hashlib

    assert hashlib.md5(EICAR).hexdigest() == EICAR_MD5  # the pieces make the real thing
    verdict = scanning.scan("uploads/eicar.com", EICAR)
    assert verdict.outcome == "infected"
    assert verdict.detail.startswith("Eicar-Test-Signature")


@pytest.mark.integration
@pytest.mark.parametrize("photo", ["ladybird_cmyk_profile.jpg", "meadow_adobergb.jpg", "storm_gray.jpg"])
def test_eicar_appended_to_a_real_jpeg_is_infected(scanner, photo):
    data = (PHOTOS / photo).read_bytes() + EICAR
    verdict = scanning.scan(f"uploads/{photo}", data)
    assert verdict.outcome == "infected", verdict


@pytest.mark.integration
def test_the_real_photos_are_clean(scanner):
    photos = sorted(
        p for p in PHOTOS.iterdir() if p.suffix in {".jpg", ".png", ".tif", ".webp", ".avif", ".heic"}
    )
    assert len(photos) >= 10
    verdicts = {p.name: scanning.scan(f"uploads/{p.name}", p.read_bytes()) for p in photos}
    assert {name: v.outcome for name, v in verdicts.items()} == dict.fromkeys(verdicts, "clean")


@pytest.mark.integration
def test_a_stream_past_the_limit_is_an_error_never_clean(scanner, settings):
    """StreamMaxLength is 64M by default; past it clamd answers an error."""
    verdict = scanning.scan("uploads/huge", b"\0" * (65 * 1024 * 1024))
    assert verdict.outcome == "error"
    assert "size limit" in verdict.detail


@pytest.mark.integration
def test_clamd_loads_only_the_shipped_database_and_listens_on_loopback(scanner):
    conf = scanner.clamd_config.read_text()
    assert f"DatabaseDirectory {clamd_util.DATABASE_DIR}" in conf
    assert "TCPAddr 127.0.0.1" in conf
    assert sorted(p.name for p in clamd_util.DATABASE_DIR.iterdir()) == ["eicar.ndb"]
    argv = procs.cmdline(scanner.procs["clamd"].pid)
    assert argv == clamd_util.command(clamd_util.binary(), scanner.clamd_config)
    assert {r.name for r in procs.read_pidfiles(scanner.run_dir)} >= {"clamd", "dynalite", "s3rver"}


# --------------------------------------------------------------------------- crash safety
@pytest.mark.integration
def test_clamd_dies_when_its_supervisor_is_killed(tmp_path):
    require_clamd()
    data = tmp_path / "stack"
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "devstack.servers",
        "--data",
        str(data),
        "--dynalite-port",
        str(free_port()),
        "--s3rver-port",
        str(free_port()),
        "--clamd-port",
        str(port),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.2)[0]:
                line = proc.stdout.readline()
                said.append(line)
                if line.startswith("ready") or not line:
                    break
        assert said and said[-1].startswith("ready"), said
        assert f"clamd tcp://127.0.0.1:{port}" in said[-1]
        pid = {r.name: r.pid for r in procs.read_pidfiles(data / "run")}["clamd"]
        assert clamd_util.ping(port)

        proc.send_signal(signal.SIGKILL)  # no handler, no finally: only the death signal
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not procs.exited(pid, None):
            time.sleep(0.05)
        assert procs.exited(pid, None), "clamd outlived its killed supervisor"
    finally:
        if proc.poll() is None:
            proc.kill()


# --------------------------------------------------------------------------- no servers needed
def test_the_eicar_string_is_nowhere_in_the_repository():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    hits = []
    for name in tracked.decode().split("\0"):
        path = ROOT / name
        if name and path.is_file() and path.stat().st_size < 20_000_000 and EICAR in path.read_bytes():
            hits.append(name)
    assert hits == []


def test_the_signature_database_detects_exactly_eicar():
    [line] = (clamd_util.DATABASE_DIR / "eicar.ndb").read_text().splitlines()
    name, target, offset, hexsig = line.split(":")
    assert (name, target, offset) == ("Eicar-Test-Signature", "0", "*")
    assert bytes.fromhex(hexsig) == EICAR


def test_config_renders_the_port_database_and_limits(tmp_path):
    path = clamd_util.write_config(tmp_path / "clamav", 3999, Path("/var/lib/clamav"), "80M")
    conf = path.read_text()
    assert "TCPSocket 3999\n" in conf
    assert "DatabaseDirectory /var/lib/clamav\n" in conf
    assert "StreamMaxLength 80M\n" in conf
    assert "Foreground yes\n" in conf
    assert "$" not in conf


def test_no_clamd_unless_asked(tmp_path):
    servers = LocalServers(data_dir=tmp_path, dynalite_port=1, s3rver_port=2)
    assert "clamd" not in servers.commands()
    assert "GALLERY_CLAMD_URL" not in servers.django_env()


def test_make_run_starts_clamd_only_for_the_clamd_scanner(monkeypatch):
    from devstack import run

    monkeypatch.delenv("GALLERY_CLAMD_URL", raising=False)
    monkeypatch.setenv("GALLERY_SCANNER", "clamd")
    assert run.wants_clamd()
    monkeypatch.setenv("GALLERY_CLAMD_URL", "tcp://clamav.internal:3310")  # one's own clamd
    assert not run.wants_clamd()
    monkeypatch.delenv("GALLERY_CLAMD_URL")
    monkeypatch.setenv("GALLERY_SCANNER", "none")
    assert not run.wants_clamd()
    monkeypatch.setenv("GALLERY_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024))
    assert run.clamd_stream_max() == "202M"
