"""Precomputed results (``explainer.store``): the page shows what the store holds without
computing it, what is stored equals the full computation, and the precompute command skips
what is there already."""

import dataclasses

import numpy as np
import pytest

from explainer import store
from explainer.lessons.initialization import travel as travel_module
from explainer.lessons.initialization.travel import variance_travel, variance_travel_depths
from explainer.ui import initialization, precompute

from .conftest import assert_clean, chart_frames, open_page


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path))
    return tmp_path


def _refuse(*args, **kwargs):
    raise AssertionError("computed although the store holds the result")


def test_the_heatmaps_come_from_the_store_and_equal_the_full_computation(fresh_store, monkeypatch):
    grids = variance_travel_depths([4, 5], 16, initialization.BATCH)
    for depth in (4, 5):
        stored = grids[grids["depth"] == depth].drop(columns="depth").reset_index(drop=True)
        store.put(initialization.travel, stored, depth, 16)
    full = variance_travel(5, 16, initialization.BATCH)
    monkeypatch.setattr(travel_module, "variance_travel", _refuse)
    at = open_page("app_pages/initialization.py", {"depth": "5", "width": "16"}, timeout=120)
    assert_clean(at)
    forward, backward = [
        f.set_index(["init", "activation"]) for f in chart_frames(at) if "shade" in f.columns
    ]
    full = full.set_index(["init", "activation"])
    for shown, direction in ((forward, "forward"), (backward, "backward")):
        expected = full[f"{direction}_log10"]
        finite = np.isfinite(expected)
        assert finite.sum() > 200
        np.testing.assert_array_equal(shown.loc[expected.index, "log10_ratio"][finite], expected[finite])
        assert (shown.loc[expected.index, "status"] == full[f"{direction}_status"]).all()


def test_precompute_stores_each_missing_depth_once_and_then_skips_them(fresh_store, monkeypatch):
    monkeypatch.setenv(store.WRITE_ENV, "1")
    width = dataclasses.replace(initialization.PARAMS["width"], options=(16,))
    monkeypatch.setitem(initialization.PARAMS, "width", width)
    monkeypatch.setattr(precompute, "heatmap_depths", lambda: range(2, 5))
    lines = []
    precompute.precompute_heatmaps(lines.append)
    assert len(lines) == 1 and precompute.missing_heatmaps(16) == []
    for depth in (2, 3, 4):
        assert store.stored(initialization.travel, depth, 16)
    precompute.precompute_heatmaps(lines.append)
    assert len(lines) == 1  # nothing left to do


def test_precompute_opens_pages_and_keeps_what_they_compute(fresh_store, monkeypatch):
    monkeypatch.setenv(store.WRITE_ENV, "1")
    monkeypatch.setattr(precompute, "SCENE_PAGES", {"app_pages/initialization.py": {}})
    monkeypatch.setitem(
        initialization.PARAMS, "width", dataclasses.replace(initialization.PARAMS["width"], default=16)
    )
    lines = []
    precompute.precompute_scenes(lines.append)
    # The page opened once per section (tab), the first holding the heatmaps.
    assert len(lines) == len(initialization.SECTIONS) and store.stored(initialization.travel, 20, 16)
    assert [line.split(":")[0] for line in lines] == [
        f"app_pages/initialization.py section {section}" for section in initialization.SECTIONS
    ]


def test_the_precompute_report_is_not_buried_under_bare_mode_notices():
    # Each page AppTest opened made Streamlit log "missing ScriptRunContext" (hundreds of lines in
    # the README command's output); the precompute's filter drops those notices and nothing else.
    import logging

    class Kept(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    precompute.quiet_bare_mode_notices()
    precompute.quiet_bare_mode_notices()  # installed once, however often asked
    for name in precompute.BARE_MODE_LOGGERS:
        logger, kept = logging.getLogger(name), Kept()
        assert logger.filters.count(precompute._not_bare_mode_notice) == 1
        logger.addHandler(kept)
        try:
            logger.warning("Thread 'MainThread': missing ScriptRunContext! This warning can be ignored.")
            logger.warning("No runtime found, using MemoryCacheStorageManager")
            logger.warning("another warning")
        finally:
            logger.removeHandler(kept)
        assert kept.messages == ["another warning"], name


def test_precompute_opens_each_training_section_and_moves_a_setting_in_its_own_section(monkeypatch):
    # The training page computes only its open tab: the precompute opens every section at the
    # defaults, each scene at its own section and then at every other, and each move with the
    # moved setting's tab.
    from explainer.ui import training

    opened = []
    monkeypatch.setattr(precompute, "_open", lambda page, query: opened.append((page, dict(query))))
    monkeypatch.setattr(precompute, "SCENE_PAGES", {"app_pages/training.py": training.SCENES})
    precompute.precompute_scenes(lambda line: None)
    sections = [q["section"] for _, q in opened if set(q) == {"section"}]
    assert sections == list(training.SECTION_LABELS)
    for scene, settings in training.SCENES.items():
        with_scene = [q for _, q in opened if q.get("preset") == scene]
        assert with_scene[0] == {"preset": scene}  # as its link opens it, at its own section
        others = {q["section"] for q in with_scene[1:]}
        assert len(with_scene) == len(sections) and settings["section"] not in others
        assert {training.SECTION_LABELS[s] for s in others} | {settings["section"]} == set(
            training.SECTION_LABELS.values()
        )
    opened.clear()
    monkeypatch.setattr(precompute, "VISITED_PAGES", ("app_pages/training.py",))
    precompute.precompute_moves(lambda line: None)
    by_key = {}
    for _, query in opened:
        (key,) = set(query) - {"section"}
        by_key.setdefault(key, set()).add(query.get("section"))
    assert by_key["lr_hi"] == {"dying"} and by_key["es_steps"] == {"early_stopping"}
    assert by_key["data"] == {None}  # the dataset, which every section reads: the page as it opens


def test_precompute_stores_the_mlp_pages_first_moves_every_noise_and_width_included(monkeypatch):
    from explainer.ui import mlp

    opened = []
    monkeypatch.setattr(precompute, "_open", lambda page, query: opened.append(dict(query)))
    monkeypatch.setattr(precompute, "VISITED_PAGES", ("app_pages/mlp.py",))
    precompute.precompute_moves(lambda line: None)
    moved, tabs = {}, {}
    for query in opened:
        (key,) = set(query) - {"section"}
        moved.setdefault(key, []).append(query[key])
        tabs.setdefault(key, set()).add(query.get("section"))
    # The settings above the tabs with the first tab open, as the page opens; the gradient switch in its tab.
    assert tabs.pop("grads") == {"layers"} and all(tab == {None} for tab in tabs.values())
    width, noise = mlp.PARAMS["width"], mlp.PARAMS["noise"]
    assert len(moved["width"]) == width.high - width.low and str(width.default) not in moved["width"]
    assert len(moved["noise"]) == round((noise.high - noise.low) / noise.step)
    assert len(moved["lr"]) == len(mlp.PARAMS["lr"].options) - 1
    # The sliders that change the amount of work (points, epochs) are not visited: too long.
    assert "epochs" not in moved and "n" not in moved
