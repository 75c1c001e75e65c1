"""Three visitors at once, each cycling every page in Chromium for 25 seconds (and on, up to 90
seconds, until each has drawn two pages): every page they reach renders, and none sees an
exception or a stall.

This is the smoke version of the benchmark's twelve visitors for a minute (`python -m benchmarks
load`, which also reports their latencies and memory); the test checks only that the app holds.
Visitor i opens page i first, so three pages are busy from the start; the protocol-level classroom
(tests/browser/test_capacity.py) puts a visitor on every page at once.
"""

import pytest

from benchmarks.live import run_visitors
from tests.pages.conftest import page_url_paths

SECONDS = 25
CAP_SECONDS = 90  # a loaded machine (CI beside a precompute) takes longer; it may, up to this
VISITORS = 3
PAGES_EACH = 2


@pytest.mark.browser
def test_three_visitors_cycling_every_page_at_once_see_no_exception(server):
    paths = list(page_url_paths().values())
    # No warm-up visit first: the test asks only that the app holds, not how fast it answers.
    report = run_visitors(
        server,
        paths,
        users=VISITORS,
        seconds=SECONDS,
        moves=2,
        warm=False,
        min_pages=PAGES_EACH,
        cap_seconds=CAP_SECONDS,
    )
    assert report.exceptions == []
    assert report.stalls == [], "every page a visitor opened finished drawing"
    assert set(paths[:VISITORS]) <= set(report.renders), "each visitor's first page rendered"
    assert len(report.pages_seen) == VISITORS
    assert min(report.pages_seen) >= PAGES_EACH, f"pages drawn per visitor: {report.pages_seen}"
    assert report.timeouts == 0, "every slider move's rerun finished"
    assert sum(len(v) for v in report.latencies.values()) > 0
