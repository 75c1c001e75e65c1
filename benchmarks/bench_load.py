"""Interaction latency in real Chromium and the server's memory, with 1 and with 12 visitors.

Latency is widget change → the script's rerun finished and the charts repainted (two animation
frames), measured in the page. Budgets from issue 7: one visitor p50 ≤ 300 ms and p95 ≤ 800 ms
on the activation, initialization and depth pages; twelve visitors p95 ≤ 2 s and server RSS
≤ 1 GiB.
"""

from __future__ import annotations

from functools import cache

from tests.pages.conftest import page_url_paths

from .common import Case
from .live import Server, VisitorReport, run_visitors

SINGLE_USER_PAGES = ["activations", "initialization", "depth"]
SINGLE_USER_SECONDS = 45
CROWD = 12
CROWD_SECONDS = 60
MIB = 2**20


def url_paths() -> list[str]:
    """The URL path of every registered page ("" for the home page, served at the root)."""
    return list(page_url_paths().values())


@cache
def single_user() -> VisitorReport:
    """One visitor cycling the three interactive pages, moving sliders."""
    server = Server()
    try:
        pages = [p for p in SINGLE_USER_PAGES if p in url_paths()]
        run_visitors(server, pages, users=1, seconds=10, moves=2)  # warm the caches first
        return run_visitors(server, pages, users=1, seconds=SINGLE_USER_SECONDS, moves=6)
    finally:
        server.stop()


@cache
def crowd() -> tuple[VisitorReport, int]:
    """Twelve visitors cycling every page at once; also the RSS of a server that one visitor
    has warmed, to estimate what each further session costs."""
    server = Server()
    try:
        run_visitors(server, url_paths(), users=1, seconds=20, moves=1)
        one_session = server.rss_bytes()
        return run_visitors(server, url_paths(), users=CROWD, seconds=CROWD_SECONDS, moves=3), one_session
    finally:
        server.stop()


def cases() -> list[Case]:
    result = []
    for page in SINGLE_USER_PAGES:
        result += [
            Case(
                "latency, 1 visitor",
                f"{page} p50",
                lambda: None,
                target=0.3,
                value=lambda p=page: single_user().median(p),
            ),
            Case(
                "latency, 1 visitor",
                f"{page} p95",
                lambda: None,
                target=0.8,
                value=lambda p=page: single_user().percentile(p, 0.95),
            ),
        ]
    result += [
        Case("latency, 12 visitors", "all pages p50", lambda: None, value=lambda: crowd()[0].median()),
        Case(
            "latency, 12 visitors",
            "all pages p95",
            lambda: None,
            target=2.0,
            value=lambda: crowd()[0].percentile(None, 0.95),
        ),
        Case(
            "memory, 12 visitors",
            "server peak RSS",
            lambda: None,
            target=1024 * MIB,
            per=MIB,
            unit="MiB",
            value=lambda: crowd()[0].peak_rss,
        ),
        Case(
            "memory, 12 visitors",
            "per extra session",
            lambda: None,
            per=MIB,
            unit="MiB",
            value=lambda: (crowd()[0].peak_rss - crowd()[1]) / (CROWD - 1),
        ),
        Case(
            "latency, 12 visitors",
            "server's share of busy CPU",
            lambda: None,
            per=0.01,
            unit="%",
            value=lambda: crowd()[0].server_cpu_share,
        ),
        Case(
            "memory, 12 visitors",
            "exceptions seen",
            lambda: None,
            per=1,
            unit="",
            value=lambda: len(crowd()[0].exceptions),
        ),
    ]
    return result
