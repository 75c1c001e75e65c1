"""A short run of the live move benchmark (``python -m benchmarks live``): each key press moves
the slider to a new value and is timed to the finished, repainted rerun."""

import pytest

from benchmarks.bench_live_moves import slider_move_times


@pytest.mark.browser
def test_each_key_press_moves_the_depth_slider_on_and_is_timed(server, visit):
    times = slider_move_times(visit.page, f"{server.url}/depth", "depth", presses=3)
    assert len(times) == 3 and all(0 < t < 120 for t in times)
    value = visit.page.locator(".st-key-depth input[type='range']").first.evaluate("e => Number(e.value)")
    assert value == 33  # 30, the default, and three presses
