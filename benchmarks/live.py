"""A live `streamlit run app.py` and simulated visitors in Debian's Chromium.

Shared by the browser tests (which check that pages render) and the load benchmark (which
times interactions): ``Server`` starts the app on a free port; ``run_visitors`` drives N
browser contexts at once, each cycling every page and moving sliders, and records each
interaction's latency, every exception box, and the server's resident memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Streamlit 1.67's slider thumbs are input[type=range] elements whose role is implicit, so a
# [role="slider"] selector matches nothing; the value shown is in aria-valuetext.
SLIDERS = '[data-testid="stSlider"] input[type="range"]'
# Streamlit lazy-loads the code of sliders, charts and other elements: until it arrives, an element
# is an "stSkeleton" placeholder, even when the script has finished. A page is drawn when the
# script is idle and no placeholder is left.
DRAWN = (
    f"() => document.querySelector('{IDLE}') !== null"
    " && document.querySelector('[data-testid=\"stSkeleton\"]') === null"
)
LOGS = ROOT / "screenshots"
VISITOR_CONTEXT = {"viewport": {"width": 1400, "height": 1000}}
# How long a visitor waits for a page to draw or a rerun to finish before counting a stall or a
# timeout. Generous: on two cores a dozen headless Chromium pages take about 70% of the CPU, so
# the server runs several times slower than it would for visitors on their own machines.
VISITOR_TIMEOUT_MS = 120_000
# A move after which no rerun has begun for this long, the app idle, is counted as unobserved and
# the visitor goes on: waiting the whole VISITOR_TIMEOUT_MS for it cost a visitor its next pages.
UNOBSERVED_MS = 15_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def end_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate ``process`` and wait for it, killing it after ``timeout`` s (nothing if it has ended)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Server:
    """``streamlit run app.py`` in a subprocess on a free port, healthy before the constructor
    returns (polls ``/_stcore/health``, then, unless ``check_script`` is False, runs the script
    once through its script-health check, as the deployment's health check does); its output
    goes to screenshots/server-<port>.log."""

    def __init__(
        self,
        extra_args: tuple[str, ...] = (),
        check_script: bool = True,
        on_start: Callable[[subprocess.Popen], None] | None = None,
    ):
        """``on_start`` gets the process right after it is started (e.g. to move it into a
        memory cgroup)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LOGS.mkdir(exist_ok=True)
        self.log_path = LOGS / f"server-{self.port}.log"
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "app.py",
                    "--server.headless=true",
                    f"--server.port={self.port}",
                    "--server.address=127.0.0.1",
                    "--browser.gatherUsageStats=false",
                    "--server.fileWatcherType=none",
                    *extra_args,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONWARNINGS": "error::RuntimeWarning"},
                # Its own process group, which its worker pool's fork server and workers join, so
                # ``stop`` can end them all.
                start_new_session=True,
            )
        if on_start is not None:
            try:
                on_start(self.process)
            except BaseException:
                self.stop()
                raise
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        if check_script:
                            self._check_script()
                        return
            except OSError:
                time.sleep(0.3)
            if self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy on port {self.port}; see {self.log_path}")

    def _check_script(self) -> None:
        """Ask ``/_stcore/script-health-check``, as the container's health check does once the
        server listens: the app's script runs once, which starts its warm-up (explainer/ui/warmup.py)."""
        url = f"{self.url}/_stcore/script-health-check"
        with urllib.request.urlopen(url, timeout=90) as response:
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}; see {self.log_path}")

    def warm_up_line(self, timeout: float = 600) -> str:
        """The line the server logs when its warm-up has ended (waiting up to ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = [line for line in self.log_path.read_text().splitlines() if "Warm-up:" in line]
            if lines:
                return lines[0]
            time.sleep(0.5)
        raise TimeoutError(f"no warm-up line in {self.log_path} after {timeout} s")

    def rss_bytes(self) -> int:
        """The server process's resident memory now (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the server, then whatever is left of its process group (a worker pool's fork
        server and workers outlive a server that was killed). Safe to repeat."""
        end_process(self.process)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def group(self) -> list[int]:
        """The live processes of the server's process group (the server and its workers)."""
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.process.pid and fields[0] != "Z":
                    members.append(int(stat.parent.name))
        return members


class PeakMemory:
    """Samples a server's RSS in a background thread; ``peak`` is the largest seen."""

    def __init__(self, server: Server, every: float = 0.25):
        self.server, self.every, self.peak = server, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_bytes())
            time.sleep(self.every)

    def __enter__(self) -> PeakMemory:
        self._cpu, self._busy = self.server.cpu_seconds(), _machine_busy_seconds()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.server.rss_bytes())
        busy = _machine_busy_seconds() - self._busy
        # The server's share of all the CPU the machine used meanwhile (browsers included).
        self.server_share = (self.server.cpu_seconds() - self._cpu) / busy if busy > 0 else 0.0


def _machine_busy_seconds() -> float:
    """CPU time all cores have spent busy since boot (Linux /proc/stat: everything but idle)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# Installed in each browser context before the app's own code (``add_init_script``): reads the
# type of every message the server sends on the app's websocket, so a visitor sees each script run
# the server starts (``new_session``) and finishes (``script_finished``). The page's script-state
# attribute cannot show that: a quick cached run's start and finish can reach the screen in one
# render, and "running" then never appears. ``window.__vpRuns`` counts both; a watcher registered
# by WATCH_RERUN is told of the first run that starts after it and of the paint after that run.
RUN_WATCH = """(() => {
  const NEW_SESSION = {new_session}, SCRIPT_FINISHED = {script_finished};
  const runs = {started: 0, finished: 0, watchers: []};
  window.__vpRuns = runs;
  // The field numbers at the top level of a protobuf message: a ForwardMsg's type is one of them.
  const topFields = (bytes) => {
    const fields = [];
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1, byte;
      do { byte = bytes[i++]; value += (byte & 127) * scale; scale *= 128; } while (byte & 128);
      return value;
    };
    while (i < bytes.length) {
      const tag = varint(), wire = tag % 8;
      fields.push(Math.floor(tag / 8));
      if (wire === 0) varint();
      else if (wire === 1) i += 8;
      else if (wire === 2) { const length = varint(); i += length; }
      else if (wire === 5) i += 4;
      else break;
    }
    return fields;
  };
  const onMessage = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const fields = topFields(new Uint8Array(event.data));
    if (fields.includes(NEW_SESSION)) {
      runs.started += 1;
      runs.watchers.forEach((watcher) => { watcher.running = true; });
    }
    if (fields.includes(SCRIPT_FINISHED)) {
      runs.finished += 1;
      const finished = runs.watchers.filter((watcher) => watcher.running);
      runs.watchers = runs.watchers.filter((watcher) => !watcher.running);
      requestAnimationFrame(() => requestAnimationFrame(() => {
        finished.forEach((watcher) => { watcher.done = performance.now(); });
      }));
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", onMessage);
    }
  };
})();"""
for _name in ("new_session", "script_finished"):
    RUN_WATCH = RUN_WATCH.replace(f"{{{_name}}}", str(ForwardMsg.DESCRIPTOR.fields_by_name[_name].number))
# Run before a key press: ``window.__vpRerun`` records that the next run has started
# (``running``) and when the page had painted after it finished (``done``, performance.now()).
WATCH_RERUN = """() => {
  const watcher = {running: false, done: 0};
  window.__vpRerun = watcher;
  window.__vpRuns.watchers.push(watcher);
  return performance.now();
}"""
# Done: the rerun after a move has finished (``done``); or none has begun ``quiet`` ms after
# the press (at ``pressed``, performance.now()) and the app is idle.
RERUN_OR_QUIET = """([pressed, quiet]) => {
  const state = window.__vpRerun;
  if (state.done > 0) return true;
  const idle = window.__vpRuns.started === window.__vpRuns.finished;
  return !state.running && idle && performance.now() - pressed > quiet;
}"""


@dataclass
class VisitorReport:
    """What the visitors saw: latencies per page, exceptions, renders, peak server memory."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    renders: dict[str, int] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    stalls: list[str] = field(default_factory=list)  # pages not drawn within the timeout
    timeouts: int = 0
    missed: int = 0  # key presses that left the slider where it was
    unobserved: int = 0  # moves after which the app was idle but no rerun was seen
    pages_seen: list[int] = field(default_factory=list)  # pages drawn, one entry per visitor
    peak_rss: int = 0
    server_cpu_share: float = 0.0  # of the machine's busy CPU time during the run

    def percentile(self, page: str | None, q: float) -> float:
        values = sorted(v for p, vs in self.latencies.items() if page in (None, p) for v in vs)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    def median(self, page: str | None = None) -> float:
        values = [v for p, vs in self.latencies.items() if page in (None, p) for v in vs]
        return statistics.median(values) if values else float("nan")


async def _wait_idle(page, timeout: float = 60_000) -> None:
    """The async twin of the browser tests' ``wait_idle``: the script has finished, every element
    is drawn (``DRAWN``) and their number has held still for half a second."""
    await page.wait_for_selector("h1", timeout=timeout)
    elements = page.locator('[data-testid="stElementContainer"]')
    deadline = time.monotonic() + timeout / 1000
    previous = -1
    while time.monotonic() < deadline:
        await page.wait_for_function(DRAWN, timeout=timeout)
        count = await elements.count()
        if count == previous and count > 0 and await page.evaluate(DRAWN):
            return
        previous = count
        await page.wait_for_timeout(500)


async def _interact(page, path: str, report: VisitorReport, rng: random.Random, moves: int) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    sliders = page.locator(SLIDERS)
    count = await sliders.count()
    if not count:
        return
    slider = sliders.nth(rng.randrange(min(count, 3)))
    await slider.focus()
    for _ in range(moves):
        # A slider at an end ignores the key that would push it further: no rerun would come.
        position = await slider.evaluate("e => [Number(e.value), Number(e.min), Number(e.max)]")
        value, low, high = position
        keys = ["ArrowRight"] * (value < high) + ["ArrowLeft"] * (value > low)
        if not keys:
            return
        started = await page.evaluate(WATCH_RERUN)
        await slider.press(rng.choice(keys))
        moved = await slider.evaluate("e => Number(e.value)")
        if moved == value:  # the key did not reach the slider: nothing to wait for
            report.missed += 1
            continue
        try:
            await page.wait_for_function(
                RERUN_OR_QUIET, arg=[started, UNOBSERVED_MS], timeout=VISITOR_TIMEOUT_MS
            )
            if not await page.evaluate("window.__vpRerun.done > 0"):
                report.unobserved += 1  # idle since the press, and no rerun began: none will come
                continue
        except PlaywrightTimeout:
            idle = await page.evaluate("window.__vpRuns.started === window.__vpRuns.finished")
            if idle:  # every run the server started has finished: no rerun came after the press
                report.unobserved += 1
            else:  # still running after the timeout: a rerun that never finished
                report.timeouts += 1
            continue
        finished = await page.evaluate("window.__vpRerun.done")
        report.latencies.setdefault(path, []).append((finished - started) / 1000.0)


async def _visitor(
    browser,
    base: str,
    paths: list[str],
    deadline: float,
    report: VisitorReport,
    seed: int,
    moves: int,
    min_pages: int = 0,
    cap: float = 0.0,
):
    """One browser context cycling ``paths`` until ``deadline``, and past it, up to ``cap``,
    until it has drawn ``min_pages`` pages: a slow machine then takes longer instead of leaving
    a visitor with one page."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    rng = random.Random(seed)
    context = await browser.new_context(**VISITOR_CONTEXT)
    await context.add_init_script(RUN_WATCH)
    page = await context.new_page()
    order = paths[seed % len(paths) :] + paths[: seed % len(paths)]
    drawn = 0

    def go_on() -> bool:
        now = time.monotonic()
        return now < deadline or (drawn < min_pages and now < max(deadline, cap))

    try:
        while go_on():
            for path in order:
                if not go_on():
                    break
                # The first page is opened by its address; after that the visitor clicks the
                # sidebar's link, as people do: the page switches without reloading the frontend,
                # which costs a headless Chromium seconds of CPU per load on a two-core machine.
                link = page.locator(f'[data-testid="stSidebarNav"] a[href="{base}/{path}"]')
                if await link.count():
                    await link.click()
                else:
                    await page.goto(f"{base}/{path}")
                try:
                    await _wait_idle(page, VISITOR_TIMEOUT_MS)
                except PlaywrightTimeout:  # a page that never finished drawing
                    skeletons = await page.locator('[data-testid="stSkeleton"]').count()
                    state = await page.locator('[data-testid="stApp"]').get_attribute(
                        "data-test-script-state"
                    )
                    report.stalls.append(f"{path}: script {state}, {skeletons} elements not drawn")
                    continue
                boxes = page.locator('[data-testid="stException"]')
                if await boxes.count():
                    report.exceptions.append(f"{path}: {(await boxes.first.inner_text())[:200]}")
                report.renders[path] = report.renders.get(path, 0) + 1
                drawn += 1
                await _interact(page, path, report, rng, moves)
    finally:
        report.pages_seen.append(drawn)
        await context.close()


async def _warm(browser, base: str, paths: list[str]) -> None:
    """One visit to every page before the clock starts, as a server that has been up a while has
    had: its caches hold the default scenes, so the run measures what a visitor meets then (a
    cold start is the page benchmarks' business)."""
    context = await browser.new_context(**VISITOR_CONTEXT)
    page = await context.new_page()
    for path in paths:
        await page.goto(f"{base}/{path}")
        await _wait_idle(page)
    await context.close()


async def _run(
    server: Server,
    paths: list[str],
    users: int,
    seconds: float,
    moves: int,
    warm: bool = True,
    min_pages: int = 0,
    cap_seconds: float = 0.0,
) -> VisitorReport:
    from playwright.async_api import async_playwright

    report = VisitorReport()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        if warm:
            await _warm(browser, server.url, paths)
        deadline = time.monotonic() + seconds
        cap = deadline - seconds + cap_seconds
        with PeakMemory(server) as memory:
            await asyncio.gather(
                *(
                    _visitor(browser, server.url, paths, deadline, report, seed, moves, min_pages, cap)
                    for seed in range(users)
                )
            )
        report.peak_rss = memory.peak
        report.server_cpu_share = memory.server_share
        await browser.close()
    return report


def run_in_thread(coroutine):
    """Run a coroutine to its end in a thread of its own and return its result (or raise its
    error): callers may be inside a running event loop (sync Playwright holds one in the main
    thread), where ``asyncio.run`` refuses to start."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="visitors")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run_visitors(
    server: Server,
    paths: list[str],
    users: int,
    seconds: float,
    moves: int = 3,
    warm: bool = True,
    min_pages: int = 0,
    cap_seconds: float = 0.0,
) -> VisitorReport:
    """``users`` browser contexts at once for ``seconds``, each cycling ``paths`` (url paths of
    pages) and pressing arrow keys on a slider ``moves`` times per page; with ``warm``, after one
    visit to every page (the latencies then are those of a server that has been up a while).
    With ``min_pages``, a visitor that has drawn fewer pages when the time is up goes on until it
    has, but not past ``cap_seconds`` from the start.

    The event loop runs in a thread of its own: a test session that already holds Playwright's
    sync API has a loop running in the main thread, where ``asyncio.run`` refuses to start."""
    return run_in_thread(_run(server, paths, users, seconds, moves, warm, min_pages, cap_seconds))


def on_warm_server(visit: Callable[[str], Coroutine[Any, Any, T]]) -> T:
    """``visit(url)`` run to its end against a fresh ``streamlit run app.py`` once the server's
    warm-up of every page is over (so only the visit is timed), then the server stopped."""
    from explainer.ui import warmup

    server = Server()
    try:
        if warmup.enabled():
            server.warm_up_line()
        return run_in_thread(visit(server.url))
    finally:
        server.stop()
