"""Stopping the local S3 or DynamoDB server in the middle of work leaves nothing that
`repair` cannot fix (the same invariant as test_faults, with real processes dying)."""

import signal
import threading
import time
from datetime import timedelta

import pytest

from devstack.servers import LocalServers, free_port
from gallery import services
from imageplatform.repair import repair
from imageplatform.stores import stores_ensure
from imageplatform.tests.test_faults import assert_consistent
from tests.support import _point_at, _reset_clients

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def own_servers(settings, tmp_path):
    servers = LocalServers(data_dir=tmp_path / "stores", dynalite_port=free_port(), s3rver_port=free_port())
    servers.start()
    _point_at(
        settings,
        s3_url=servers.s3_url,
        dynamodb_url=servers.dynamodb_url,
        access_key="S3RVER",
        secret_key="S3RVER",
        suffix="outage",
    )
    _reset_clients()
    stores_ensure()
    yield servers
    servers.stop()
    _reset_clients()


def restart(servers: LocalServers) -> None:
    servers.stop()
    servers.start()
    _reset_clients()


@pytest.mark.parametrize("server", ["s3rver", "dynalite"])
def test_a_server_killed_during_uploads_leaves_nothing_repair_cannot_fix(
    own_servers, user, make_jpeg, server
):
    owner = str(user.pk)
    services.image_upload(owner=owner, data=make_jpeg(300, 200))  # a good one before
    # Kill the server while a batch of uploads runs on another thread.
    failures, done = [], threading.Event()

    def batch():
        for _ in range(6):
            try:
                services.image_upload(owner=owner, data=make_jpeg(900, 600))
            except Exception as exc:  # the store is gone: the caller sees an error
                failures.append(type(exc).__name__)
        done.set()

    worker = threading.Thread(target=batch)
    worker.start()
    time.sleep(0.3)
    own_servers.procs[server].send_signal(signal.SIGKILL)
    worker.join(timeout=120)
    assert done.is_set()
    assert failures, "the uploads after the kill should have failed"
    restart(own_servers)
    report = repair(apply=True, stuck_after=timedelta(0))
    assert report.failed == []
    assert repair(apply=False, stuck_after=timedelta(0)).problems == 0
    assert_consistent()
