"""Twelve visitors at once for a minute: every page renders for each, and none sees an exception.

The latencies and memory of the same run are the benchmark's business (`python -m benchmarks
load`); this test checks only that the app holds.
"""

import pytest

from benchmarks.live import run_visitors
from tests.pages.conftest import registered_pages

VISITORS = 12
SECONDS = 60


@pytest.mark.browser
def test_twelve_visitors_cycling_every_page_for_a_minute_see_no_exception(server):
    paths = [p.removeprefix("app_pages/").removesuffix(".py") for p in registered_pages()]
    report = run_visitors(server, paths, users=VISITORS, seconds=SECONDS, moves=2)
    assert report.exceptions == []
    assert set(report.renders) == set(paths), "every page rendered for some visitor"
    assert sum(report.renders.values()) >= VISITORS * len(paths) // 2
    assert report.timeouts == 0
    assert sum(len(v) for v in report.latencies.values()) > 0
