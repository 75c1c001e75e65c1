"""The Playground page: every control moves and the page stays clean, play/step/reset move the
counter and the loss, scenes open from links, bad links fall back with a message, and the network
chart's link widths follow the weights (or the gradients in the gradient view)."""

import math

import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from explainer.charts.playground import shade_colors
from explainer.nn.playground import LEARNING_RATES, Playground
from explainer.ui import playground as page
from tests.unit.charts.test_playground import decode_png

from .conftest import assert_clean, open_page, presenter_points

PAGE = "app_pages/playground.py"
CHARTS = {"pictures", "links", "nodes", "titles", "layers", "losses", "picture", "points"}


def datasets(at) -> dict[str, pd.DataFrame]:
    """Every named dataset of every chart on the page, by name."""
    found = {}
    for element in at.get("vega_lite_chart"):
        for d in element.proto.datasets:
            found.setdefault(d.name, []).append(convert_arrow_bytes_to_pandas_df(d.data.data))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in found.items()}


def assert_clean_charts(at) -> None:
    assert_clean(at)
    frames = datasets(at)
    assert set(frames) >= CHARTS, sorted(frames)
    for name, frame in frames.items():
        numbers = frame.select_dtypes("number")
        assert not frame.isna().any().any(), name
        assert np.isfinite(numbers.to_numpy(dtype=float)).all(), name


def counter(at) -> tuple[int, int]:
    """(epoch, updates) from the counter line."""
    (line,) = [m.value for m in at.markdown if m.value.startswith("**Epoch")]
    epoch, updates = line.split("·")[:2]
    return int(epoch.strip("* Epoch").replace(",", "")), int(updates.split()[0].replace(",", ""))


def live(at) -> Playground:
    return at.session_state["pg_playground"]


def test_the_page_opens_at_tensorflow_playgrounds_defaults():
    at = open_page(PAGE)
    assert_clean_charts(at)
    assert counter(at) == (0, 0)
    pg = live(at)
    assert pg.settings.hidden == (4, 2) and pg.settings.features == ("x1", "x2")
    assert "squared error" in " ".join(m.value for m in at.markdown)  # the loss note


def test_step_advances_an_epoch_and_changes_the_loss_and_reset_restores_it():
    at = open_page(PAGE)
    start = live(at).loss()
    at.button(key="pg_step").click().run()
    assert_clean_charts(at)
    epoch, updates = counter(at)
    assert epoch == 1 and updates == live(at).n_train // live(at).settings.batch_size
    assert live(at).loss() != start
    assert "Layer 1's gradient norm is" in " ".join(m.value for m in at.markdown)
    assert not [c for c in at.caption if "no bars until the first update" in c.value]
    at.button(key="pg_reset").click().run()
    assert counter(at) == (0, 0) and live(at).loss() == start
    # Before any update the update-ratio panel is empty, and the page says why.
    assert [c for c in at.caption if "‖ΔW‖ / ‖W‖ has no bars until the first update" in c.value]


def test_play_steps_each_frame_and_pause_stops():
    at = open_page(PAGE)
    at.button(key="pg_play").click().run()
    assert_clean_charts(at)
    assert at.session_state["pg_playing"] and at.button(key="pg_play").label == "Pause"
    assert counter(at)[1] == page.STEPS_PER_FRAME
    at.button(key="pg_play").click().run()
    assert not at.session_state["pg_playing"] and at.button(key="pg_play").label == "Play"
    assert counter(at)[1] == page.STEPS_PER_FRAME  # a paused frame makes no update


def test_the_learning_rate_moves_while_playing_without_a_reset():
    at = open_page(PAGE)
    at.button(key="pg_play").click().run()
    before = live(at)
    at.select_slider(key="lr").set_value(0.3).run()
    assert live(at) is before and before.settings.learning_rate == 0.3
    assert counter(at)[1] == 2 * page.STEPS_PER_FRAME and at.session_state["pg_playing"]
    # A setting that defines the network builds a new one, paused at update 0.
    at.selectbox(key="act").set_value("relu").run()
    assert live(at) is not before and counter(at) == (0, 0) and not at.session_state["pg_playing"]


MOVES = [
    ("selectbox", "data", "spiral"),
    ("slider", "noise", 0.3),
    ("slider", "ratio", 80),
    ("slider", "batch", 25),
    ("select_slider", "lr", 1.0),
    ("selectbox", "act", "sigmoid"),
    ("segmented_control", "reg", "l1"),
    ("select_slider", "reg_rate", 0.01),
    ("pills", "feat", ["x1", "x2", "x1x2", "sin_x1"]),
    ("number_input", "layers", 3),
    ("number_input", "u1", 8),
    ("selectbox", "init", "he_normal"),
    ("number_input", "seed", 7),
    ("toggle", "test", True),
    ("toggle", "discrete", True),
    ("segmented_control", "view", "gradients"),
    ("toggle", "race", True),
    ("selectbox", "race_act", "elu"),
    ("selectbox", "race_init", "lecun_normal"),
]


def test_every_control_moves_and_the_page_stays_clean():
    at = open_page(PAGE)
    at.button(key="pg_step").click().run()
    for kind, key, value in MOVES:
        getattr(at, kind)(key=key).set_value(value).run()
        assert_clean_charts(at)
        assert getattr(at, kind)(key=key).value == value, key
    s = live(at).settings
    assert (s.dataset, s.activation, s.regularization, s.init, s.seed) == (
        "spiral",
        "sigmoid",
        "l1",
        "he_normal",
        7,
    )
    assert s.hidden == (8, 2, 2) and s.features == ("x1", "x2", "x1x2", "sin_x1")
    assert (s.noise, s.train_fraction, s.batch_size, s.learning_rate) == (0.3, 0.8, 25, 1.0)
    # The test points are shown and the output is 0 or 1.
    frames = datasets(at)
    assert set(frames["points"]["split"]) == {"train", "test"}
    # Discretized, the output's picture has only the colours of the scale's two ends.
    (url,) = frames["picture"]["url"]
    assert {tuple(c) for c in decode_png(url).reshape(-1, 3)} <= {
        tuple(c) for c in shade_colors(np.array([-1.0, 1.0]))
    }
    # A fourth layer's units box appears with the layer, and −/+ moves it.
    at.number_input(key="layers").increment().run()
    at.number_input(key="u4").decrement().run()
    assert live(at).settings.hidden == (8, 2, 2, 1)
    assert_clean_charts(at)


def test_without_input_features_the_page_says_so_instead_of_a_network():
    at = open_page(PAGE)
    at.pills(key="feat").set_value([]).run()
    assert_clean(at)
    assert any("at least one input feature" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


def test_network_link_widths_follow_the_weights_and_in_the_gradient_view_the_gradients():
    at = open_page(PAGE)
    at.button(key="pg_step").click().run()
    links = datasets(at)["links"]
    weights = live(at).links()
    merged = links.merge(weights, on=["source", "target"], suffixes=("", "_engine"))
    assert len(merged) == len(weights) == 2 * 4 + 4 * 2 + 2
    order = np.argsort(np.abs(merged["weight_engine"].to_numpy()))
    assert (np.diff(merged["width"].to_numpy()[order]) >= 0).all()
    assert merged["width"].max() > 3 * merged["width"].min()
    at.segmented_control(key="view").set_value("gradients").run()
    links = datasets(at)["links"].merge(live(at).links(), on=["source", "target"], suffixes=("", "_engine"))
    order = np.argsort(links["grad_mean_abs_engine"].to_numpy())
    assert (np.diff(links["width"].to_numpy()[order]) >= -1e-9).all()
    assert links["log10_grad"].to_numpy() == pytest.approx(np.log10(links["grad_mean_abs_engine"]))


def test_before_the_first_update_the_gradient_shown_is_the_training_sets_at_the_initial_weights():
    link = {"act": "sigmoid", "view": "gradients", "layers": 6, **{f"u{i}": 8 for i in range(1, 7)}}
    at = open_page(PAGE, link)
    assert_clean_charts(at)
    pg = live(at)
    assert pg.steps == 0 and pg.depth == 6
    norms = [np.linalg.norm(g) for g in pg.training_set_gradients()]
    bars = datasets(at)["layers"].query("quantity == '‖∂L/∂W‖'")
    assert bars["value"].to_numpy() == pytest.approx(norms, rel=1e-12)
    assert datasets(at)["layers"]["quantity"].nunique() == 1  # no update ratio before an update
    links = datasets(at)["links"]
    expected = np.concatenate([np.abs(g).ravel() for g in pg.training_set_gradients()])
    assert np.sort(links["grad_mean_abs"].to_numpy()) == pytest.approx(np.sort(expected), rel=1e-12)
    text = " ".join(m.value for m in at.markdown)
    ratio = norms[0] / norms[-1]
    assert (
        f"At the initial weights, over all {pg.n_train:,} training points: layer 1's gradient norm is" in text
    )
    assert f"{math.log10(1 / ratio):.1f} decades lost" in text
    assert "Press play or step" not in text


def test_a_race_trains_a_rival_on_the_same_batches_and_draws_both_losses():
    at = open_page(PAGE, {"act": "sigmoid"})
    at.toggle(key="race").set_value(True).run()
    assert_clean_charts(at)
    rival = at.session_state["pg_rival"]
    assert rival.settings.activation == "relu" and rival.settings.init == "he_normal"
    assert rival.points().equals(live(at).points())
    at.button(key="pg_step").click().run()
    assert rival.steps == live(at).steps > 0 and rival.loss() != live(at).loss()
    runs = set(datasets(at)["losses"]["run"])
    assert runs == {"sigmoid, Glorot (Xavier) uniform", "ReLU, He (Kaiming) normal"}
    assert any(m.value.startswith("**The rival: ReLU") for m in at.markdown)
    # A new rival starts the race again, both at update 0.
    at.selectbox(key="race_act").set_value("tanh").run()
    assert at.session_state["pg_rival"].steps == live(at).steps == 0
    at.toggle(key="race").set_value(False).run()
    assert at.session_state["pg_rival"] is None and set(datasets(at)["losses"]["run"]) == {"network"}


@pytest.mark.parametrize("scene", page.SCENES)
def test_each_scene_opens_from_its_link_with_its_settings(scene):
    at = open_page(PAGE, {"preset": scene})
    assert_clean_charts(at)
    s = live(at).settings
    values = page.SCENES[scene]
    assert s.dataset == values["data"] and s.activation == values["act"]
    assert len(s.hidden) == values["layers"] and s.hidden[0] == values["u1"]
    assert page.SCENE_DESCRIPTIONS[scene] in [c.value for c in at.caption]


def test_relu_at_learning_rate_3_says_its_units_are_dead():
    at = open_page(PAGE, {"preset": "relu_dies_at_lr_3"})
    for _ in range(12):
        at.button(key="pg_step").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "hidden units are dead" in text


def test_a_diverging_network_is_explained_in_words():
    query = {"act": "leaky_relu", "lr": "10", "layers": "4", **{f"u{i}": "8" for i in range(1, 5)}}
    query["feat"] = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sin_x1", "sin_x2"]
    at = open_page(PAGE, query)
    for _ in range(12):
        at.button(key="pg_step").click().run()
        if live(at).diverged_at:
            break
    assert_clean_charts(at)
    (error,) = [e.value for e in at.error]
    assert "Diverged at update" in error and "learning rate is 10 now" in error


def test_bad_link_values_get_a_message_and_a_fallback():
    at = open_page(PAGE, {"lr": "banana", "layers": "40", "act": "gelu2", "feat": ["x9", "x1"], "u1": "0"})
    assert_clean_charts(at)
    (warning,) = [w.value for w in at.warning if "could not be used" in w.value]
    for name in ("`lr`", "`layers`", "`act`", "`feat`", "`u1`"):
        assert name in warning
    s = live(at).settings
    assert s.learning_rate == 0.03 and s.activation == "tanh" and len(s.hidden) == 10
    assert s.features == ("x1",) and s.hidden[0] == 1


def test_the_learning_rates_are_the_engines_and_chance_is_ln_2():
    assert page.PARAMS["lr"].options == LEARNING_RATES
    assert page.PARAMS["feat"].labels["sin_x2"] == "sin x₂"
    assert math.isclose(math.log(2), 0.6931, abs_tol=1e-4)


def test_classroom_switches_hide_controls_that_still_take_the_links_values():
    at = open_page(PAGE, {"hide": ["features", "layers"], "feat": ["x1", "x1x2"], "layers": "1", "u1": "3"})
    assert_clean_charts(at)
    assert at.pills(key="hide").value == ["features", "layers"]
    assert any("st-key-pg_hidden_" in h.proto.body for h in at.get("html"))
    s = live(at).settings
    assert s.features == ("x1", "x1x2") and s.hidden == (3,)
    at.pills(key="hide").set_value([]).run()
    assert not any("st-key-pg_hidden_" in h.proto.body for h in at.get("html"))
    assert live(at).settings.hidden == (3,)


def test_lecture_mode_folds_prose_and_the_presenter_reads_the_numbers_on_screen():
    at = open_page(PAGE, {"lecture": "1", "presenter": "1"})
    assert_clean_charts(at)
    assert "How to read the network" in [e.label for e in at.expander]
    at.button(key="pg_step").click().run()
    points = presenter_points(at) or ""
    train, _ = live(at).loss()
    assert f"the training loss is {train:.3f} nats" in points and "Layer 1's gradient norm" in points


def test_leaving_the_page_while_it_plays_pauses_it_and_keeps_the_network():
    at = open_page(PAGE)
    at.button(key="pg_play").click().run()
    steps = live(at).steps
    assert at.session_state["pg_playing"] and steps > 0
    at.switch_page("app_pages/activations.py").run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert not at.session_state["pg_playing"] and at.button(key="pg_play").label == "Play"
    assert live(at).steps == steps
