"""A visitor per page at once, each cycling every page for half a minute: every page renders, and
none sees an exception or a stall.

This is the short version of the benchmark's twelve visitors for a minute (`python -m benchmarks
load`, which also reports their latencies and memory); the test checks only that the app holds.
Visitor i opens page i first, so every page has a visitor from the start.
"""

import pytest

from benchmarks.live import run_visitors
from tests.pages.conftest import page_url_paths

SECONDS = 25


@pytest.mark.browser
def test_a_visitor_per_page_cycling_every_page_at_once_sees_no_exception(server):
    paths = list(page_url_paths().values())
    visitors = len(paths)
    report = run_visitors(server, paths, users=visitors, seconds=SECONDS, moves=2)
    assert report.exceptions == []
    assert report.stalls == [], "every page a visitor opened finished drawing"
    assert set(report.renders) == set(paths), "every page rendered for some visitor"
    assert sum(report.renders.values()) >= visitors, "on average each visitor saw at least one page"
    assert report.timeouts == 0, "every slider move's rerun finished"
    assert sum(len(v) for v in report.latencies.values()) > 0
