"""The local servers survive their supervisor's crashes: children die with it, leftovers
of a killed run are stopped on the next start (never a stranger with a recycled pid),
and a busy port names its holder. Every test uses free ports and a temp data folder."""

import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack import procs
from devstack.servers import MEDIA_HOST, ROOT, LocalServers, free_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and prctl")


# --------------------------------------------------------------------------- helpers
def start_cli(data: Path, dynalite_port: int, s3rver_port: int) -> subprocess.Popen:
    """`python -m devstack.servers` in a subprocess, once it says it is ready."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack.servers",
            "--data",
            str(data),
            "--dynalite-port",
            str(dynalite_port),
            "--s3rver-port",
            str(s3rver_port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    said = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if select.select([proc.stdout], [], [], 0.2)[0]:
            line = proc.stdout.readline()
            said.append(line)
            if line.startswith("ready"):
                proc.said = said
                return proc
            if not line:
                break
    proc.kill()
    raise AssertionError(f"devstack.servers did not get ready: {said}")


def recorded_pids(data: Path) -> dict[str, int]:
    return {r.name: r.pid for r in procs.read_pidfiles(data / "run")}


def wait_gone(pids, timeout=5.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [pid for pid in pids if not procs.exited(pid, None)]
        if not left:
            return []
        time.sleep(0.05)
    return left


def clients(dynalite_port: int, s3rver_port: int):
    import boto3

    kwargs = {"region_name": "us-east-1", "aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER"}
    dynamo = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{dynalite_port}", **kwargs)
    s3 = boto3.client("s3", endpoint_url=f"http://{MEDIA_HOST}:{s3rver_port}", **kwargs)
    return dynamo, s3


def write_data(dynalite_port: int, s3rver_port: int) -> None:
    dynamo, s3 = clients(dynalite_port, s3rver_port)
    dynamo.create_table(
        TableName="kept",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    while dynamo.describe_table(TableName="kept")["Table"]["TableStatus"] != "ACTIVE":
        time.sleep(0.05)
    dynamo.put_item(TableName="kept", Item={"id": {"S": "kept"}, "n": {"N": "42"}})
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="originals/x/original.jpg", Body=b"bytes that must survive")


def assert_data_intact(dynalite_port: int, s3rver_port: int) -> None:
    dynamo, s3 = clients(dynalite_port, s3rver_port)
    item = dynamo.get_item(TableName="kept", Key={"id": {"S": "kept"}})["Item"]
    assert item["n"] == {"N": "42"}
    body = s3.get_object(Bucket="kept", Key="originals/x/original.jpg")["Body"].read()
    assert body == b"bytes that must survive"


@pytest.fixture
def data(tmp_path):
    return tmp_path / "var"


@pytest.fixture
def stray(request):
    """Processes a test starts outside any supervisor; killed at the end whatever happens."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- no servers needed
def test_busy_port_names_the_process_holding_it(data):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        servers = LocalServers(data_dir=data, dynalite_port=port, s3rver_port=free_port())
        with pytest.raises(RuntimeError) as exc:
            servers.start()
    message = str(exc.value)
    assert f"Port {port} for dynalite" in message
    assert f"pid {os.getpid()}" in message  # the holder, found through /proc
    assert "DYNALITE_PORT=" in message
    assert not recorded_pids(data)  # nothing was started, the lock is released
    lock = procs.SupervisorLock(data / "run")
    assert lock.acquire() is None
    lock.release()


def test_port_owners_finds_the_listener():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert procs.port_owners(listener.getsockname()[1]) == [os.getpid()]


def test_recycled_pid_in_a_pid_file_is_never_signalled(data, stray):
    """A PID file whose pid now belongs to another program (or the same program started
    later) is stale: removed with a message, the process left alone."""
    sleeper = subprocess.Popen(["sleep", "30"])
    stray.append(sleeper)
    dynalite_cmd = LocalServers(data_dir=data, dynalite_port=1, s3rver_port=2).commands()["dynalite"][0]
    procs.write_pidfile(data / "run", "dynalite", sleeper.pid, dynalite_cmd, 1)
    # Same pid and command line, but it started at another moment: a recycled pid too.
    path = procs.write_pidfile(data / "run", "s3rver", sleeper.pid, procs.cmdline(sleeper.pid), 2)
    path.write_text(path.read_text().replace('"start_ticks": ', '"start_ticks": 1'))

    servers = LocalServers(
        data_dir=data, dynalite_port=free_port(), s3rver_port=free_port(), say=lambda _: None
    )
    done = servers.claim()
    servers.stop()

    assert sleeper.poll() is None, "a process that is not ours was killed"
    assert sorted(done) == [
        f"dynalite (pid {sleeper.pid}) of a previous run no longer runs: removed its stale PID file dynalite.pid",
        f"s3rver (pid {sleeper.pid}) of a previous run no longer runs: removed its stale PID file s3rver.pid",
    ]
    assert not list((data / "run").glob("*.pid"))


# --------------------------------------------------------------------------- real servers
@pytest.mark.integration
def test_sigkill_of_the_parent_kills_the_servers_and_a_second_start_keeps_the_data(data):
    ports = free_port(), free_port()
    first = start_cli(data, *ports)
    try:
        children = recorded_pids(data)
        assert set(children) == {"dynalite", "s3rver"}
        write_data(*ports)

        # While the first supervisor lives, a second one on the same folder is refused
        # and touches nothing.
        with pytest.raises(RuntimeError, match=rf"already running \(pid {first.pid}\b"):
            LocalServers(data_dir=data, dynalite_port=free_port(), s3rver_port=free_port()).start()
        assert all(procs.alive(pid) for pid in children.values())

        first.kill()  # SIGKILL: no handler, no finally
        first.wait()
        assert wait_gone(children.values()) == [], "servers outlived their killed parent"
    finally:
        if first.poll() is None:
            first.kill()

    second = start_cli(data, *ports)
    try:
        # Their death signal stopped them: only the PID files were left to tidy.
        assert sum("no longer runs" in line for line in second.said) == 2, second.said
        assert_data_intact(*ports)
    finally:
        second.send_signal(signal.SIGINT)  # Ctrl-C: clean stop, PID files gone
        assert second.wait(timeout=15) == 0
    assert not list((data / "run").glob("*.pid"))


@pytest.mark.integration
def test_leftovers_of_a_dead_supervisor_are_stopped_and_the_data_kept(data, stray):
    """The reported bug: servers left running by a killed `make run` (started without a
    death signal, as older code did) hold the ports and dynalite's LevelDB lock."""
    ports = free_port(), free_port()
    servers = LocalServers(data_dir=data, dynalite_port=ports[0], s3rver_port=ports[1])
    env = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"}
    (data / "dynamodb").mkdir(parents=True)
    (data / "s3").mkdir()
    leftovers = {}
    for name, (cmd, port) in servers.commands().items():
        proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
        stray.append(proc)
        leftovers[name] = proc.pid
        if name == "dynalite":  # one with a PID file, one found by its command line only
            procs.write_pidfile(data / "run", name, proc.pid, cmd, port)
    # make run's web server as older code left it: no PID file, found by its environment.
    web_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imageplatform.settings.local",
        "VAR_DIR": str(data),
        "S3RVER_PORT": str(ports[1]),
        "DYNALITE_PORT": str(ports[0]),
    }
    web_port = free_port()
    web = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{web_port}", "--noreload"],
        env=web_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stray.append(web)
    leftovers["web server"] = web.pid
    for port in (*ports, web_port):
        deadline = time.monotonic() + 30
        while not procs.port_owners(port) and time.monotonic() < deadline:
            time.sleep(0.1)
    write_data(*ports)

    said = []
    servers = LocalServers(data_dir=data, dynalite_port=ports[0], s3rver_port=ports[1], say=said.append)
    servers.start()
    try:
        assert wait_gone(leftovers.values(), timeout=0.1) == []
        assert any(
            line.startswith(f"stopped leftover dynalite (pid {leftovers['dynalite']}, port {ports[0]}")
            for line in said
        ), said
        assert f"stopped leftover s3rver (pid {leftovers['s3rver']}, no PID file) from a previous run" in said
        assert f"stopped leftover web server (pid {web.pid}, no PID file) from a previous run" in said
        assert_data_intact(*ports)
    finally:
        servers.stop()
