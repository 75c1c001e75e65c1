"""The frontend files a new browser downloads to open a page, and downloading them as it does.

A student's first visit fetches Streamlit's frontend before the page's websocket says anything:
about 130 hashed scripts and styles (3.5 MB) for a page with charts, over the six connections
Chromium opens to one host. Streamlit serves them itself, one at a time on the event loop that
also carries every session's websocket (~7 ms a file here), so forty students opening one link
ask a replica for some 5,000 files. The protocol client (``protocol.Visitor``) skips them; the
capacity benchmark's class rows add them with ``download`` and the list ``frontend_files``
records from Debian's Chromium.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from explainer.ui.balancer_cache import CONNECTIONS as BROWSER_CONNECTIONS

from .live import CHROMIUM, CHROMIUM_ARGS, VISITOR_CONTEXT

STATIC_PREFIX = "/static/"
ACCEPT_ENCODING = "gzip, deflate"


@cache
def frontend_files(base_url: str, url_path: str = "", query: str = "", browser=None) -> tuple[str, ...]:
    """The paths under ``/static/`` that Chromium, with nothing cached, requests while opening
    ``base_url/url_path?query`` until the page is drawn, in the order it asks for them. In a
    new context of ``browser`` (a Playwright browser) if given, else of a Chromium of its own,
    driven from a thread of its own (Playwright's sync API allows one per thread, and the
    benchmarks' other Chromium may hold this one)."""
    if browser is not None:
        return _requested_files(browser, base_url, url_path, query)

    def record() -> tuple[str, ...]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                return _requested_files(launched, base_url, url_path, query)
            finally:
                launched.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(record).result()


def _requested_files(browser, base_url: str, url_path: str, query: str) -> tuple[str, ...]:
    from tests.browser.conftest import wait_idle

    requested: list[str] = []
    context = browser.new_context(**VISITOR_CONTEXT)
    try:
        tab = context.new_page()
        tab.on("request", lambda request: requested.append(urllib.parse.urlsplit(request.url).path))
        tab.goto(f"{base_url.rstrip('/')}/{url_path}" + (f"?{query}" if query else ""))
        wait_idle(tab, 120_000)
    finally:
        context.close()
    files = tuple(dict.fromkeys(path for path in requested if path.startswith(STATIC_PREFIX)))
    if not files:
        raise RuntimeError(f"Chromium requested no frontend files from {base_url}")
    return files


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], int]:
    """One HTTP/1.1 response from ``reader``: status, headers (lower-case names), body bytes read."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    size = 0
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while chunk := int((await reader.readline()).split(b";")[0], 16):
            size += len(await reader.readexactly(chunk))
            await reader.readline()
        while (await reader.readline()) not in (b"\r\n", b""):  # trailers
            pass
    else:
        size = len(await reader.readexactly(int(headers.get("content-length", "0"))))
    return status, headers, size


async def _fetch_over_one_connection(
    base_url: str, queue: list[str], cookie: str
) -> list[tuple[str, int, dict]]:
    """Take the next path from ``queue`` and GET it until none is left, over one kept-alive
    connection, as each of a browser's connections does."""
    address = urllib.parse.urlsplit(base_url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port or 80)
    answers = []
    try:
        while queue:
            path = queue.pop(0)
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "")
                + "\r\n"
            )
            writer.write(request.encode("latin-1"))
            await writer.drain()
            status, headers, _ = await _read_response(reader)
            answers.append((path, status, headers))
    finally:
        writer.close()
    return answers


async def download(base_url: str, files: tuple[str, ...], cookie: str = "",
                   connections: int = BROWSER_CONNECTIONS) -> list[tuple[str, int, dict]]:  # fmt: skip
    """Fetch ``files`` from ``base_url`` as a new browser does: ``connections`` kept-alive
    connections, each taking the next file as it is free, gzip accepted, the visitor's cookies
    sent. (A browser asks in two waves, its own code, then the page's element code once the
    script's first output arrives; this asks for both at once.) Each file's (path, status,
    headers); the caller times the visit it belongs to."""
    queue = list(files)
    count = min(connections, len(queue))
    results = await asyncio.gather(
        *(_fetch_over_one_connection(base_url, queue, cookie) for _ in range(count))
    )
    return [answer for answers in results for answer in answers]
