"""Browser fixtures: a live `streamlit run app.py` on a free port and Debian's Chromium via Playwright.

Chromium must be installed (the README's test command installs Debian's package); without it
these tests fail with a message rather than skip, so a missing tool cannot hide.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from benchmarks.live import CHROMIUM, CHROMIUM_ARGS, IDLE, ROOT, Server

SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
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
    """Wait until the script has run and charts have drawn."""
    page.wait_for_selector("h1", timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=timeout)


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
