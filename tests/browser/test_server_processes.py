"""The test servers' processes: a stopped server leaves none of its workers running, even when it
was killed first (as a crashed replica is), so a test run cannot leave load behind it."""

import os
import signal
import time

import pytest

from benchmarks.live import Server


def _group_after(server: Server, timeout: float = 10.0) -> list[int]:
    """The server's process group once it is empty, or whatever is left of it after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while (left := server.group()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.mark.browser
def test_a_killed_server_is_stopped_with_its_worker_processes():
    server = Server()
    try:
        server.warm_up_line()  # the warm-up has run sections in the worker pools by now
        members = server.group()
        # The server, the pools' fork server, and workers forked from it.
        assert server.process.pid in members and len(members) >= 3, members
        os.kill(server.process.pid, signal.SIGKILL)  # no shutdown: the workers are orphaned
        server.process.wait(timeout=10)
        assert len(server.group()) >= 2, "the workers outlive a killed server"
    finally:
        server.stop()
    assert _group_after(server) == []
