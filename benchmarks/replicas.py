"""Several replicas of the app behind Debian's HAProxy on loopback ports, as compose.yaml runs them.

``Replicas(n)`` starts ``n`` live servers (``benchmarks.live.Server``) and HAProxy with
deploy/haproxy.cfg rendered for loopback (``loopback_config``): the same timeouts, sticky cookie,
health checks and X-Replica header, with one ``server`` line per replica in place of Docker's DNS
discovery. The capacity benchmark and tests/browser/test_replicas.py drive visitors through it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from explainer.ui import balancer_cache
from explainer.ui.balancer_cache import Filled

from .live import LOGS, ROOT, Server, end_process, free_port

HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
BACKEND = "replicas"
APP_BIND = "bind :8501"
STATS_BIND = "bind :8404"
STATS_PATH = "/stats;csv"


def haproxy_binary() -> str:
    """Debian's haproxy (in /usr/sbin, which a non-root PATH may lack)."""
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if found is None:
        raise RuntimeError("haproxy is missing: run tools/test.sh, which installs Debian's haproxy package")
    return found


def _replace_one(lines: list[str], pattern: str, make: Callable[[], list[str]]) -> list[str]:
    """``lines`` with the one line matching ``pattern`` replaced by ``make()``'s lines, indented alike."""
    hits = [i for i, line in enumerate(lines) if re.fullmatch(pattern, line.strip())]
    if len(hits) != 1:
        raise ValueError(f"{HAPROXY_CFG.name}: expected one line matching {pattern!r}, found {len(hits)}")
    i = hits[0]
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    return [*lines[:i], *(indent + new for new in make()), *lines[i + 1 :]]


def _without_section(lines: list[str], header: str) -> list[str]:
    """``lines`` without the section that opens with ``header`` (up to the next section)."""
    starts = [i for i, line in enumerate(lines) if line.startswith(header)]
    if len(starts) != 1:
        raise ValueError(f"{HAPROXY_CFG.name}: expected one {header!r} section, found {len(starts)}")
    start = end = starts[0]
    end += 1
    while end < len(lines) and not (lines[end][:1].isalpha() or lines[end].startswith("#")):
        end += 1
    return lines[:start] + lines[end:]


def loopback_config(ports: dict[str, int], port: int, stats_port: int, template: str | None = None) -> str:
    """deploy/haproxy.cfg for replicas on loopback: the balancer on ``port``, its stats page on
    ``stats_port``, one ``server <name> 127.0.0.1:<port> cookie <name>`` line per entry of
    ``ports`` instead of Docker's ``server-template``, and no DNS resolvers. Every other line is
    the deployed file's, so the two cannot drift."""
    lines = (HAPROXY_CFG.read_text() if template is None else template).splitlines()
    lines = _replace_one(lines, re.escape(APP_BIND), lambda: [f"bind 127.0.0.1:{port}"])
    lines = _replace_one(lines, re.escape(STATS_BIND), lambda: [f"bind 127.0.0.1:{stats_port}"])
    lines = _replace_one(
        lines,
        r"server-template .*",
        lambda: [f"server {name} 127.0.0.1:{p} cookie {name}" for name, p in ports.items()],
    )
    lines = _without_section(lines, "resolvers ")
    return "\n".join(lines).rstrip() + "\n"


def _free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Ask ``condition`` every ``interval`` seconds until it holds or ``timeout`` seconds have
    passed; whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


class Replicas:
    """``n`` live servers behind HAProxy on loopback, every backend up when entered.

    ``url`` is the balancer's address, ``servers`` the ``Server`` objects in the order of
    ``names`` ("r1", "r2", ...), which are HAProxy's server names: the X-Replica header and the
    VP_REPLICA cookie carry them. ``fill_frontend``: once every backend is up, fill the balancer's
    copy of Streamlit's frontend files as compose.yaml's ``frontend-cache`` service does
    (``explainer.ui.balancer_cache``; ``filled`` says what it asked for). Leaving the block stops
    HAProxy and every server, even on error.
    """

    def __init__(
        self, n: int = 2, extra_args: tuple[str, ...] = (), timeout: float = 60.0, fill_frontend: bool = False
    ):
        self.n, self.extra_args, self.timeout, self.fill_frontend = n, extra_args, timeout, fill_frontend
        self.filled: Filled | None = None
        self.names = [f"r{i + 1}" for i in range(n)]
        self.servers: list[Server] = []
        self.process: subprocess.Popen | None = None
        self.port, self.stats_port = _free_ports(2)
        self.url = f"http://127.0.0.1:{self.port}"
        self.stats_url = f"http://127.0.0.1:{self.stats_port}{STATS_PATH}"
        self.log_path = LOGS / f"haproxy-{self.port}.log"
        self.config_path = LOGS / f"haproxy-{self.port}.cfg"

    def __enter__(self) -> Replicas:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self) -> None:
        # The servers start side by side: each spends most of its start importing.
        with ThreadPoolExecutor(self.n) as pool:
            futures = [pool.submit(Server, self.extra_args) for _ in range(self.n)]
        errors = []
        for future in futures:
            if future.exception() is None:
                self.servers.append(future.result())
            else:
                errors.append(future.exception())
        if errors:
            raise errors[0]
        LOGS.mkdir(exist_ok=True)
        ports = {name: server.port for name, server in zip(self.names, self.servers, strict=True)}
        self.config_path.write_text(loopback_config(ports, self.port, self.stats_port))
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [haproxy_binary(), "-f", str(self.config_path), "-db"],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.wait_for(dict.fromkeys(self.names, "UP"), self.timeout)
        with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"{self.url}/_stcore/health answered {response.status}")
        if self.fill_frontend:
            self.filled = balancer_cache.fill(self.url)

    def _stats(self) -> list[dict[str, str]]:
        """The stats page's row of each replica now."""
        with urllib.request.urlopen(self.stats_url, timeout=5) as response:
            text = response.read().decode().lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return [row for row in rows if row["pxname"] == BACKEND and row["svname"] in self.names]

    def statuses(self) -> dict[str, str]:
        """HAProxy's view of each replica now ("UP", "DOWN", "UP 1/2", ...), from its stats page."""
        return {row["svname"]: row["status"] for row in self._stats()}

    def sessions(self) -> dict[str, int]:
        """HAProxy's count of each replica's open sessions now (a browser's websocket is one)."""
        return {row["svname"]: int(row["scur"] or 0) for row in self._stats()}

    def answered(self) -> dict[str, int]:
        """HAProxy's count of the HTTP responses each replica has sent so far."""
        codes = ("hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other")
        return {row["svname"]: sum(int(row[code] or 0) for code in codes) for row in self._stats()}

    def wait_for(self, wanted: dict[str, str], timeout: float = 30.0) -> None:
        """Wait until HAProxy reports each named replica in the wanted status."""
        seen: dict[str, str] = {}

        def reported() -> bool:
            nonlocal seen
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"haproxy exited; see {self.log_path}")
            try:
                seen = self.statuses()
            except OSError:
                seen = {}
            return all(seen.get(name) == status for name, status in wanted.items())

        if not wait_until(reported, timeout):
            raise TimeoutError(
                f"haproxy reports {seen}, not {wanted}, after {timeout:.0f} s; see {self.log_path}"
            )

    def stop(self) -> None:
        """Stop HAProxy, then every server (each stop is safe to repeat)."""
        if self.process is not None:
            end_process(self.process)
        for server in self.servers:
            server.stop()
