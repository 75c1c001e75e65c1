"""The "Through time" page: it opens clean at its defaults, every control moves, every scene opens
from its link at its own tab, bad links fall back with a warning, lecture and presenter modes
work, and the sentences quote the numbers the charts draw."""

import numpy as np
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from explainer.lessons import recurrent as lesson
from explainer.ui import recurrent as page

from .conftest import assert_clean, chart_frames, open_page, presenter_points, show_section

PAGE = "app_pages/recurrent.py"
# Cheap values for the training controls: T = 10 and 200 iterations train in well under a second.
QUICK_TRAINING = {"add_T": "10", "iters": "200"}


def assert_clean_charts(at, count: int) -> None:
    """No exception, ``count`` charts, and no NaN or infinity in any chart's datasets (each alone:
    a line chart's rows and its baseline rule's have different columns)."""
    assert_clean(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == count
    for element in charts:
        for dataset in element.proto.datasets:
            frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
            assert not frame.isna().any().any()
            assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()


def bullets(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_the_page_opens_at_its_defaults_with_sentences_from_the_drawn_numbers():
    at = open_page(PAGE)
    assert_clean_charts(at, 3)  # gradients, forget gates, products
    found = page.traces(200, 32, 1.0, 1.0, 0, False)  # from the page's cache
    rnn = found.cells["rnn"].frame
    step = lesson.fade_step(rnn)
    assert f"at step {step} of 200" in bullets(at)
    drawn = chart_frames(at)[0]
    rnn_rows = drawn[drawn["series"] == "RNN (tanh)"].sort_values("t")
    np.testing.assert_allclose(rnn_rows["log10"], rnn["grad_log10"])
    assert not at.info  # the adding problem's tab is closed: nothing of it is drawn
    show_section(at, page.SECTION_LABELS, "adding")
    assert_clean_charts(at, 0)  # its runs are off until switched on
    assert "Switch on the training" in " ".join(i.value for i in at.info)
    assert [h.value for h in at.header] == ["2. Learn it live: the adding problem"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("steps", 500),
        ("hidden", 64),
        ("rho", 2.0),
        ("rho", 0.5),
        ("fbias", 0.0),
        ("relu", True),
        ("seed", 9999),
    ],
)
def test_every_gradient_control_moves_the_chart_cleanly(key, value):
    at = open_page(PAGE)
    before = chart_frames(at)[0]
    widget = at.get_by_key(key) if key != "seed" else at.number_input(key="seed")
    widget.set_value(value).run()
    assert_clean_charts(at, 3)
    assert not chart_frames(at)[0].equals(before)


def test_the_extremes_together_stay_finite():
    at = open_page(PAGE, {"steps": "500", "hidden": "64", "rho": "2", "relu": "true", "fbias": "0"})
    assert_clean_charts(at, 3)
    assert "RNN (ReLU, identity init)" in bullets(at)


def test_training_and_clipping_controls_train_and_draw_against_the_baseline():
    at = show_section(open_page(PAGE, QUICK_TRAINING), page.SECTION_LABELS, "adding")
    at.toggle(key="train").set_value(True).run()
    assert_clean_charts(at, 2)  # the race's losses and its gradients as training goes
    assert "of the 1/6 baseline" in bullets(at) and at.table
    show_section(at, page.SECTION_LABELS, "clipping")
    # Its runs' T and seed are set in the other tabs; the tab says which and where.
    assert "on the adding problem of length T = 10 (set in 2. The adding problem), seed 0" in " ".join(
        c.value for c in at.caption
    )
    at.toggle(key="clip_demo").set_value(True).run()
    assert_clean_charts(at, 1)
    assert "With clipping at 1" in bullets(at)
    for key, value in (("clip", 10.0), ("clip_rho", 1.05), ("iters", 400), ("add_T", 50)):
        if key == "add_T":
            at.toggle(key="train").set_value(False)
        at.select_slider(key=key).set_value(value).run()
        assert_clean(at)


@pytest.mark.parametrize("scene", list(page.SCENES))
def test_every_scene_opens_from_its_link(scene):
    at = open_page(PAGE, {"preset": scene}, timeout=120)
    assert_clean(at)
    assert at.selectbox(key="preset").value == scene
    for key, value in page.SCENES[scene].items():
        if key != "section":  # the tabs, read below
            assert at.get_by_key(key).value == value
    assert page.SCENE_DESCRIPTIONS[scene] in [c.value for c in at.caption]
    # The scene opens at the tab that shows it: the adding problem's runs, or the gradient.
    opened = page.SCENES[scene].get("section", page.SECTION_LABELS["gradients"])
    assert at.session_state["section"] == opened
    assert_clean_charts(at, {"adding_problem_T50": 2, "exploding_rnn_clipped": 1}.get(scene, 3))
    if scene == "adding_problem_T50":
        assert "T = 50" in bullets(at)
    if scene == "exploding_rnn_clipped":
        assert "Without clipping" in bullets(at)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"steps": "9999"}, "steps"),
        ({"hidden": "-3"}, "hidden"),
        ({"rho": "NaN"}, "rho"),
        ({"fbias": "0.5"}, "fbias"),
        ({"add_T": "1e400"}, "add_T"),
        ({"preset": "lstm_remembers_forever"}, "preset"),
        ({"cell": "gru"}, "cell"),
    ],
)
def test_a_bad_link_falls_back_with_a_warning_and_no_traceback(query, named):
    at = open_page(PAGE, query)
    assert_clean_charts(at, 3)
    warnings = [w.value for w in at.warning if "could not be used" in w.value]
    assert len(warnings) == 1 and named in warnings[0]


def test_lecture_mode_opens_clean_with_the_prose_folded():
    at = open_page(PAGE, {"lecture": "1"})
    assert_clean_charts(at, 3)
    assert at.expander and at.expander[0].label == "Explanation"


def test_the_presenter_view_lists_talking_points_from_the_numbers():
    at = open_page(PAGE, {"presenter": "1"})
    assert_clean(at)
    points = presenter_points(at)
    assert points is not None and "‖∂L/∂h_1‖" in points
