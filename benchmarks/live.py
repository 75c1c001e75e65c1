"""A live `streamlit run app.py` and simulated visitors in Debian's Chromium.

Shared by the browser tests (which check that pages render) and the load benchmark (which
times interactions): ``Server`` starts the app on a free port; ``run_visitors`` drives N
browser contexts at once, each cycling every page and moving sliders, and records each
interaction's latency, every exception box, and the server's resident memory.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

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
LOGS = ROOT / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run app.py`` in a subprocess on a free port, healthy before the constructor
    returns (polls ``/_stcore/health``); its output goes to screenshots/server-<port>.log."""

    def __init__(self, extra_args: tuple[str, ...] = ()):
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
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
            if self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy on port {self.port}; see {self.log_path}")

    def rss_bytes(self) -> int:
        """The server process's resident memory now (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


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
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.server.rss_bytes())


# Installed before a key press: records when the script starts and finishes its rerun, then
# waits two animation frames so the charts have repainted.
_WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = {running: false, done: 0};
  window.__vpRerun = state;
  const observer = new MutationObserver(() => {
    const s = app.getAttribute('data-test-script-state');
    if (s === 'running') state.running = true;
    if (state.running && s === 'notRunning') {
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => { state.done = performance.now(); }));
    }
  });
  observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  return performance.now();
}"""


@dataclass
class VisitorReport:
    """What the visitors saw: latencies per page, exceptions, renders, peak server memory."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    renders: dict[str, int] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    timeouts: int = 0
    peak_rss: int = 0

    def percentile(self, page: str | None, q: float) -> float:
        values = sorted(v for p, vs in self.latencies.items() if page in (None, p) for v in vs)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    def median(self, page: str | None = None) -> float:
        values = [v for p, vs in self.latencies.items() if page in (None, p) for v in vs]
        return statistics.median(values) if values else float("nan")


async def _wait_idle(page, timeout: float = 60_000) -> None:
    await page.wait_for_selector("h1", timeout=timeout)
    await page.wait_for_selector(IDLE, timeout=timeout)


async def _interact(page, path: str, report: VisitorReport, rng: random.Random, moves: int) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    sliders = page.locator(SLIDERS)
    count = await sliders.count()
    if not count:
        return
    slider = sliders.nth(rng.randrange(min(count, 3)))
    await slider.focus()
    for _ in range(moves):
        started = await page.evaluate(_WATCH)
        await slider.press(rng.choice(["ArrowRight", "ArrowLeft"]))
        try:
            await page.wait_for_function("window.__vpRerun.done > 0", timeout=30_000)
        except PlaywrightTimeout:  # a rerun that never finished counts as a timeout
            report.timeouts += 1
            continue
        finished = await page.evaluate("window.__vpRerun.done")
        report.latencies.setdefault(path, []).append((finished - started) / 1000.0)


async def _visitor(
    browser, base: str, paths: list[str], deadline: float, report: VisitorReport, seed: int, moves: int
):
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    order = paths[seed % len(paths) :] + paths[: seed % len(paths)]
    try:
        while time.monotonic() < deadline:
            for path in order:
                if time.monotonic() >= deadline:
                    break
                await page.goto(f"{base}/{path}")
                await _wait_idle(page)
                boxes = page.locator('[data-testid="stException"]')
                if await boxes.count():
                    report.exceptions.append(f"{path}: {(await boxes.first.inner_text())[:200]}")
                report.renders[path] = report.renders.get(path, 0) + 1
                await _interact(page, path, report, rng, moves)
    finally:
        await context.close()


async def _run(server: Server, paths: list[str], users: int, seconds: float, moves: int) -> VisitorReport:
    from playwright.async_api import async_playwright

    report = VisitorReport()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        deadline = time.monotonic() + seconds
        with PeakMemory(server) as memory:
            await asyncio.gather(
                *(
                    _visitor(browser, server.url, paths, deadline, report, seed, moves)
                    for seed in range(users)
                )
            )
        report.peak_rss = memory.peak
        await browser.close()
    return report


def run_visitors(
    server: Server, paths: list[str], users: int, seconds: float, moves: int = 3
) -> VisitorReport:
    """``users`` browser contexts at once for ``seconds``, each cycling ``paths`` (url paths of
    pages) and pressing arrow keys on a slider ``moves`` times per page."""
    return asyncio.run(_run(server, paths, users, seconds, moves))
