"""Browser fixtures: a live `streamlit run app.py` on a free port and Debian's Chromium via Playwright.

Chromium must be installed (the README's test command installs Debian's package); without it
these tests fail with a message rather than skip, so a missing tool cannot hide.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.live import CHROMIUM, CHROMIUM_ARGS, DRAWN, ROOT, RUN_WATCH, WATCH_RERUN, Server

SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


class RunWatchingBrowser:
    """Chromium whose every new context reads the app's websocket for the runs it starts and
    finishes (``benchmarks.live.RUN_WATCH``), which ``press`` and the run counts rely on."""

    def __init__(self, browser: Browser):
        self._browser = browser

    def new_context(self, **options) -> BrowserContext:
        context = self._browser.new_context(**options)
        context.add_init_script(RUN_WATCH)
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[RunWatchingBrowser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield RunWatchingBrowser(launched)
        launched.close()


class Visit:
    """A browser page with the requests and console errors it produced."""

    def __init__(self, page: Page):
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console", lambda message: message.type == "error" and self.console_errors.append(message.text)
        )

    def open(self, url: str) -> Page:
        self.page.goto(url)
        wait_idle(self.page)
        return self.page

    def foreign_requests(self) -> list[str]:
        local = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith(local)]


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield Visit(context.new_page())
    context.close()


def wait_idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the script has run, the page has stopped growing and its charts have drawn.

    The frontend can still be adding elements, or loading the code that draws them (an
    ``stSkeleton`` stands in meanwhile), after the script reports it is idle: so the page must be
    ``DRAWN`` while the element count stays the same for half a second."""
    page.wait_for_selector("h1", timeout=timeout)
    elements = page.locator('[data-testid="stElementContainer"]')
    deadline = page.evaluate("performance.now()") + timeout
    previous = -1
    while page.evaluate("performance.now()") < deadline:
        page.wait_for_function(DRAWN, timeout=timeout)
        count = elements.count()
        if count == previous and count > 0 and page.evaluate(DRAWN):
            break
        previous = count
        page.wait_for_timeout(500)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=timeout)


def press(page: Page, element, key: str, timeout: float = 30_000) -> bool:
    """Press ``key`` on ``element`` and wait for the rerun it causes to finish and paint;
    False when no rerun came (a slider already at its end), after a short grace period."""
    page.evaluate(WATCH_RERUN)
    element.press(key)
    try:
        page.wait_for_function("window.__vpRerun.running", timeout=3_000)
    except PlaywrightTimeout:
        return False
    page.wait_for_function("window.__vpRerun.done > 0", timeout=timeout)
    wait_idle(page)
    return True


def shot(page: Page, name: str) -> Path:
    """Save a screenshot of the whole page into screenshots/ and return its path.

    Streamlit scrolls its main area inside the window, so the window is grown to the
    content's height for the picture and restored afterwards."""
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size(
        {"width": viewport["width"], "height": min(max(height, viewport["height"]), 16000)}
    )
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    return path
