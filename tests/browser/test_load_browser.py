"""Twelve visitors at once for a minute: every page renders, and none sees an exception or a stall.

The latencies and memory of the same run are the benchmark's business (`python -m benchmarks
load`); this test checks only that the app holds.
"""

import pytest

from benchmarks.live import run_visitors
from tests.pages.conftest import page_url_paths

VISITORS = 12
SECONDS = 60


@pytest.mark.browser
def test_twelve_visitors_cycling_every_page_for_a_minute_see_no_exception(server):
    paths = list(page_url_paths().values())
    report = run_visitors(server, paths, users=VISITORS, seconds=SECONDS, moves=2)
    assert report.exceptions == []
    assert report.stalls == [], "every page a visitor opened finished drawing"
    assert set(report.renders) == set(paths), "every page rendered for some visitor"
    assert sum(report.renders.values()) >= VISITORS, "on average each visitor saw at least one page"
    assert report.timeouts == 0, "every slider move's rerun finished"
    assert sum(len(v) for v in report.latencies.values()) > 0
