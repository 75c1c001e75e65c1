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


@pytest.mark.browser
def test_the_training_live_benchmark_moves_a_sections_widget_after_another_and_the_page_answers(server):
    # ``bench_training_live``'s move "lr, depth=5" in a short form: its sections' runs train in the
    # server's workers; the page then describes the network and learning rate moved to.
    from benchmarks.bench_training_live import move_to
    from benchmarks.live import run_in_thread
    from benchmarks.protocol import Visitor

    async def visit():
        async with Visitor(server.url, timeout=300) as visitor:
            await visitor.open("training", "section=gradients")
            await move_to(visitor, "depth", 5)
            return [await move_to(visitor, "lr", value) for value in (0.3, 0.05)]

    runs = run_in_thread(visit())
    for run, rate in zip(runs, ("0.3", "0.05"), strict=True):
        assert any("5 hidden layers × 32" in t and f"learning rate {rate}," in t for t in run.texts), (
            run.texts
        )
