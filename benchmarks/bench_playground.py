"""The playground's budget (issue 16): one frame — 10 minibatch updates of a 4 hidden layers × 8
units network on 500 points, plus the redraw data (every neuron's image at the page's resolution,
the links, the loss) — in at most 60 ms of server time; and, for the record, its parts and the
largest network the controls allow (10 × 8); the longest the frames keep the GIL from another
thread at a stretch (budget 100 ms: other visitors' pages stay responsive), measured as the server
runs, with the loaded libraries frozen out of the cycle collector's walks, beside what one full
collection costs without and with that freeze. And what a visitor sees: the time between two frames
in Chromium while playing (5 frames a second is 200 ms), with the share of that time the
browser's main thread spent in long tasks (drawing), for the default network and for 4 × 8."""

from __future__ import annotations

import gc
import threading
import time
from functools import cache

from explainer import Playground, PlaygroundSettings

from .common import Case

GROUP = "playground"
RESOLUTION = 40  # neuron_images' default, the page's node heatmaps
FRAME_STEPS = 10
FRAME_BUDGET = 0.06
VISIBLE_FRAME_BUDGET = 0.2  # 5 frames a second
GIL_BUDGET = 0.1  # the page never holds the GIL longer at a time (issue 16)
WATCH_SECONDS = 6.0
LINKS = {"default network": "", "4×8, gradient view": "?view=gradients&layers=4&u1=8&u2=8&u3=8&u4=8"}
# Reads the update counter every 20 ms for WATCH_SECONDS in the page itself (no round trip per read).
WATCH_COUNTER = """async (seconds) => {
  const seen = [], end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const line = Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"] p'))
      .find((p) => p.innerText.includes('updates ·'));
    if (line) seen.push(line.innerText.match(/([\\d,]+) updates/)[1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}"""
LONG_TASKS = """() => { window.__vpLong = 0; new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__vpLong += entry.duration; }).observe({entryTypes: ['longtask']}); }"""


@cache
def visible_frames() -> dict[str, tuple[float, float]]:
    """For each of ``LINKS``: (seconds between frames, the share of the time the browser's main
    thread was busy in long tasks) over WATCH_SECONDS of play in Chromium, one visitor, one
    server started for the purpose."""
    from playwright.sync_api import sync_playwright

    from .live import CHROMIUM, CHROMIUM_ARGS, VISITOR_CONTEXT, Server

    server, found = Server(), {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for name, query in LINKS.items():
                page = browser.new_page(**VISITOR_CONTEXT)
                page.goto(f"{server.url}/playground{query}")
                page.locator('[data-testid="stMarkdownContainer"] p:has-text("updates ·")').first.wait_for(
                    timeout=120_000
                )
                page.locator(".st-key-pg_play button").click()
                page.locator(".st-key-pg_play button").filter(has_text="Pause").wait_for(timeout=30_000)
                page.wait_for_timeout(1_000)  # past the first frames
                page.evaluate(LONG_TASKS)
                seen = page.evaluate(WATCH_COUNTER, WATCH_SECONDS)
                busy = page.evaluate("window.__vpLong") / 1000
                frames = len(set(seen)) - 1
                found[name] = (WATCH_SECONDS / max(frames, 1), busy / WATCH_SECONDS)
                page.locator(".st-key-pg_play button").click()
                page.close()
            browser.close()
    finally:
        server.stop()
    return found


def _playground(hidden: tuple[int, ...]) -> Playground:
    # TensorFlow Playground's defaults otherwise: circles, 500 points, tanh, batch 10, rate 0.03.
    return Playground(PlaygroundSettings(hidden=hidden))


def _frame(pg: Playground):
    """What the page computes per frame: the updates, the layer bars, the images, links, loss."""
    stats = pg.step(FRAME_STEPS)
    return stats, pg.neuron_images(RESOLUTION), pg.links(), pg.loss()


def _page_frame(pg: Playground):
    """The playground page's frame as ``explainer.ui.playground.frame`` computes it, Streamlit
    aside: the updates, then every chart's rows (network, layer bars, boundary, loss)."""
    from explainer.charts import playground as charts
    from explainer.ui.playground import BOUNDARY_RESOLUTION, IMAGE_RESOLUTION, SMALL_NETWORK

    stats = pg.step(FRAME_STEPS)
    small = sum(len(names) for names in pg.node_names) <= SMALL_NETWORK
    images = pg.neuron_images(IMAGE_RESOLUTION[small])
    return (
        charts.network_rows(images, pg.links(), pg.node_names, "gradients"),
        charts.layer_rows(stats),
        charts.boundary_rows(pg.boundary(BOUNDARY_RESOLUTION), pg.points(), True),
        charts.loss_rows(pg.history()),
    )


def full_collection_seconds() -> float:
    """How long one full pass of Python's cycle collector takes in this process: it holds the GIL
    throughout, so every other session waits that long whenever the collector's thresholds come
    round."""
    start = time.perf_counter()
    gc.collect()
    return time.perf_counter() - start


def as_served(work) -> None:
    """Run ``work`` once (so what it loads is loaded), then freeze what is alive as the server does
    after its warm-up (``server.freeze_loaded_objects``)."""
    from explainer.ui.server import freeze_loaded_objects

    work()
    freeze_loaded_objects()


def longest_gil_hold(work, seconds: float = 3.0) -> float:
    """The longest a thread that only sleeps 1 ms at a time waited beyond its sleep while ``work``
    ran over and over in this thread for ``seconds``: how long ``work`` kept another session's
    thread from the interpreter (the GIL) at a stretch, in seconds."""
    stop, longest = threading.Event(), [0.0]

    def probe() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            time.sleep(0.001)
            longest[0] = max(longest[0], time.perf_counter() - before - 0.001)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        work()
    stop.set()
    thread.join()
    return longest[0]


def _visible_cases(name: str) -> list[Case]:
    """The Chromium rows for one of ``LINKS``: the time between frames, and the drawing share."""
    return [
        Case(
            GROUP,
            f"Chromium between frames, {name}",
            run=lambda: None,
            target=VISIBLE_FRAME_BUDGET,
            value=lambda: visible_frames()[name][0],
        ),
        Case(
            GROUP,
            f"Chromium drawing share, {name}",
            run=lambda: None,
            unit="%",
            per=0.01,
            value=lambda: visible_frames()[name][1],
        ),
    ]


def cases() -> list[Case]:
    pg = _playground((8, 8, 8, 8))
    deep = _playground((8,) * 10)
    _frame(pg)  # the grid's features are cached after the first frame, as on the page
    _frame(deep)
    return [
        Case(GROUP, "frame: 10 steps 4×8 + redraw", lambda: _frame(pg), repeats=21, target=FRAME_BUDGET),
        Case(GROUP, "10 steps 4×8", lambda: pg.step(FRAME_STEPS), repeats=21),
        Case(GROUP, f"neuron images 4×8 at {RESOLUTION}²", lambda: pg.neuron_images(RESOLUTION), repeats=21),
        Case(GROUP, "frame: 10 steps 10×8 + redraw", lambda: _frame(deep), repeats=21),
        Case(
            GROUP,
            "page frame 4×8, every chart's rows",
            lambda: _page_frame(pg),
            repeats=21,
            target=FRAME_BUDGET,
        ),
        Case(GROUP, "page frame 10×8, every chart's rows", lambda: _page_frame(deep), repeats=21),
        Case(GROUP, "new playground 4×8 (data, weights)", lambda: _playground((8, 8, 8, 8)), repeats=7),
        Case(
            GROUP,
            "full garbage collection, not frozen",
            run=lambda: None,
            value=lambda: (_page_frame(pg), full_collection_seconds())[1],
        ),
        Case(
            GROUP,
            "full garbage collection, frozen",
            run=lambda: None,
            value=lambda: (as_served(lambda: _page_frame(pg)), full_collection_seconds())[1],
        ),
        Case(
            GROUP,
            "longest GIL hold, page frames 4×8",
            run=lambda: None,
            target=GIL_BUDGET,
            value=lambda: longest_gil_hold(lambda: _page_frame(pg)),
        ),
        Case(
            GROUP,
            "longest GIL hold, page frames 10×8",
            run=lambda: None,
            target=GIL_BUDGET,
            value=lambda: longest_gil_hold(lambda: _page_frame(deep)),
        ),
    ] + [case for name in LINKS for case in _visible_cases(name)]
