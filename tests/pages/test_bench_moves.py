"""The move benchmark (``python -m benchmarks moves``) really moves what it names: a short run
of it, and every widget and value it lists exists on its page."""

from importlib import import_module
from pathlib import Path

from benchmarks.bench_moves import PAGE_MOVES, page_timings, percentile


def test_a_short_run_moves_the_widget_to_each_new_value_then_back_to_seen_ones():
    timings = page_timings.__wrapped__("app_pages/home.py", moves=3)
    assert len(timings["chain"].new) == 3 and len(timings["chain"].cached) == 4
    assert all(seconds > 0 for seconds in timings["chain"].new)


def test_every_benchmarked_widget_is_a_param_of_its_page_and_every_value_a_new_legal_one():
    for page, moves in PAGE_MOVES.items():
        params = import_module(f"explainer.ui.{Path(page).stem}").PARAMS
        for move in moves:
            param = params[move.key]
            values = [tuple(v) if isinstance(v, list) else v for v in move.values]
            assert len(set(values)) == len(values), f"{page} {move.key}: each value is new"
            default = tuple(param.default) if isinstance(param.default, list) else param.default
            assert default not in values, f"{page} {move.key}: the default is not a new value"
            for value in move.values:
                if param.options and param.widget != "multiselect":
                    assert value in param.options, (page, move.key, value)
                elif param.widget == "multiselect":
                    assert set(value) <= set(param.options), (page, move.key, value)
                elif param.low is not None:
                    for v in value if isinstance(value, tuple) else (value,):
                        assert param.low <= v <= param.high, (page, move.key, value)


def test_p95_is_the_nearest_rank_quantile():
    assert percentile([3.0, 1.0, 2.0], 0.95) == 3.0
    assert percentile(list(range(1, 21)), 0.95) == 19
    assert percentile([5.0], 0.5) == 5.0


def test_a_move_after_another_widget_leaves_the_stored_scenes_with_a_legal_value():
    afters = [(page, move) for page, moves in PAGE_MOVES.items() for move in moves if move.after]
    assert {Path(page).stem for page, _ in afters} >= {"depth", "initialization", "training"}
    for page, move in afters:
        param = import_module(f"explainer.ui.{Path(page).stem}").PARAMS[move.after[0]]
        assert move.after[1] != param.default and move.after[0] != move.key, (page, move.name)
        if param.options:
            assert move.after[1] in param.options, (page, move.name)
        else:
            assert param.low <= move.after[1] <= param.high, (page, move.name)


def test_the_fresh_scene_benchmarks_open_every_named_scene_of_every_page():
    from benchmarks import bench_fresh

    pages = sorted(path.stem for path in (Path(__file__).resolve().parents[2] / "app_pages").glob("*.py"))
    expected = {(page, scene) for page in pages for scene in import_module(f"explainer.ui.{page}").SCENES}
    assert set(bench_fresh._scenes()) == expected
    assert {"recurrent", "playground"} <= {page for page, _ in expected}
