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


@pytest.mark.browser
def test_a_fresh_servers_workers_start_once_its_first_visit_has_run():
    """No health check: the first visitor's run is the script's first. The workers are not
    started beside it (they would take its cores) but right after it, without another visit."""
    from benchmarks.bench_capacity import process_tree
    from benchmarks.live import run_in_thread
    from benchmarks.protocol import Visitor
    from benchmarks.replicas import wait_until

    server = Server(check_script=False)
    try:

        async def first_visit():
            async with Visitor(server.url) as visitor:
                return await visitor.open("activations", "")

        assert run_in_thread(first_visit()).status == "finished"
        # The server, the pools' fork server, and at least the quick and two reporting workers.
        assert wait_until(lambda: len(process_tree(server.process.pid)) >= 5, timeout=60), process_tree(
            server.process.pid
        )
    finally:
        server.stop()
    assert _group_after(server) == []
