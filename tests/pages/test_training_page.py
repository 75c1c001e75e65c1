"""The Training dynamics page: every section and control, chart data, presets, bad links, lecture mode.

One session opened from a link with small settings serves the tests in order; each test moves a
control and checks what its section redraws. Caches are cleared once per module, not per test, so
a control recomputes only its own section.
"""

import json

import pytest
import streamlit as st

from .conftest import assert_clean, chart_frames, open_page, presenter_points

PAGE = "app_pages/training.py"
# A link with small settings: fewer draws, examples, steps and layers than the defaults.
SMALL = {"trials": "25", "budget": "1200", "steps": "100", "depth": "3", "bn_depth": "3", "es_steps": "200"}
CHARTS = [
    "training_minibatch_error",
    "training_batch_race",
    "training_gradient_heatmap",
    "training_dead_units",
    "training_dead_unit_planes",
    "training_batchnorm_loss",
    "training_batchnorm_layers",
    "training_batchnorm_modes",
    "training_clipping_loss",
    "training_clipping_angles",
    "training_early_stopping",
]


@pytest.fixture(autouse=True)
def clear_caches():
    """Overrides the per-test clearing of conftest: this module shares one warm session."""
    yield


@pytest.fixture(scope="module")
def page():
    st.cache_data.clear()
    return open_page(PAGE, SMALL, timeout=120)


def _chart_names(at) -> list[str]:
    """The chart names in page order, read from the CSV download buttons that follow each chart."""
    buttons = [b for b in at.get("download_button") if b.proto.label == "Download data (CSV)"]
    return [b.proto.id.split("download_")[-1] if "download_" in b.proto.id else "" for b in buttons]


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_section_renders_a_chart_from_the_link_settings(page):
    assert_clean(page)
    assert [h.value for h in page.header] == [
        "1. Stochastic gradients",
        "2. Gradients during training",
        "3. Dying ReLU",
        "4. Batch norm",
        "5. Clipping",
        "6. Early stopping",
    ]
    assert len(page.get("vega_lite_chart")) == len(CHARTS)
    assert not page.error
    assert page.select_slider(key="trials").value == 25 and page.slider(key="depth").value == 3
    assert not [w for w in page.warning if "could not be used" in w.value]


def test_every_chart_has_a_csv_download(page):
    labels = [b.proto.label for b in page.get("download_button")]
    assert labels.count("Download data (CSV)") == len(CHARTS)
    assert labels.count("Download table (CSV)") == 4


def test_minibatch_error_chart_draws_measured_and_law_and_the_slope_sentence(page):
    data = chart_frames(page)[0]
    assert set(data["series"]) == {"measured", "1/√b law"}
    assert sorted(data["batch_size"].unique()) == [1, 2, 4, 8, 16, 32, 64, 128]
    text = markdown(page)
    assert "The error of a minibatch gradient falls like b to the power −0." in text
    assert page.dataframe[0].value["batch size b"].tolist() == [1, 2, 4, 8, 16, 32, 64, 128]


def test_trials_and_gradient_moment_controls_redraw_the_error(page):
    before = chart_frames(page)[0]
    page.select_slider(key="trials").set_value(50).run()
    page.segmented_control(key="sg_at").set_value("trained").run()
    assert_clean(page)
    after = chart_frames(page)[0]
    assert not before["value"].equals(after["value"])
    assert "after 500 training steps" in [o for o in page.segmented_control(key="sg_at").options]


def test_race_budget_sets_the_steps_of_each_batch_size(page):
    table = page.dataframe[1].value
    assert table["steps"].tolist() == [1200, 75, 9, 5]
    page.select_slider(key="budget").set_value(2400).run()
    page.select_slider(key="lr1").set_value(0.1).run()
    assert_clean(page)
    table = page.dataframe[1].value
    assert table["steps"].tolist() == [2400, 150, 18, 10]
    assert set(chart_frames(page)[1]["run"]) == {"b = 1", "b = 16", "b = 128", "full batch (240)"}


def test_gradient_heatmap_has_each_activation_and_layer_and_follows_its_controls(page):
    heat = chart_frames(page)[2]
    assert set(heat["run"]) == {"sigmoid", "ReLU"} and sorted(heat["layer"].unique()) == [1, 2, 3]
    page.pills(key="acts").set_value(["tanh", "relu", "elu"]).run()
    page.slider(key="depth").set_value(4).run()
    page.selectbox(key="init").set_value("he_normal").run()
    page.select_slider(key="lr").set_value(0.05).run()
    page.select_slider(key="steps").set_value(200).run()
    assert_clean(page)
    heat = chart_frames(page)[2]
    assert set(heat["run"]) == {"tanh", "ReLU", "ELU"} and heat["layer"].max() == 4
    assert heat["step"].max() == 200
    assert any("He (Kaiming) normal" in c.value and "200 steps" in c.value for c in page.caption)


def test_a_fourth_activation_pill_is_refused_with_the_reason(page):
    page.pills(key="acts").set_value(["sigmoid", "relu", "tanh"]).run()
    page.pills(key="acts").set_value(["sigmoid", "relu", "tanh", "elu"]).run()
    assert_clean(page)
    assert set(page.pills(key="acts").value) == {"sigmoid", "relu", "tanh"}
    assert any("at most 3 at once" in c.value for c in page.caption)
    page.pills(key="acts").set_value(["sigmoid", "relu"]).run()
    assert not any("at most 3 at once" in c.value for c in page.caption)


def test_no_activation_chosen_says_what_to_do(page):
    page.pills(key="acts").set_value([]).run()
    assert_clean(page)
    assert any("Choose at least one activation" in i.value for i in page.info)
    assert len(page.get("vega_lite_chart")) == len(CHARTS) - 1
    page.pills(key="acts").set_value(["sigmoid", "relu"]).run()


def test_dying_relu_high_rate_kills_units_and_leaky_relu_keeps_them(page):
    names = _chart_names(page)
    dead = dict(zip(names, chart_frames(page), strict=True))["training_dead_units"]
    last = dead[dead["step"] == dead["step"].max()]
    share = last.groupby("run")["dead_fraction"].mean()
    assert share["ReLU, learning rate 3"] > share["ReLU, learning rate 0.1"]
    assert share["Leaky ReLU, learning rate 3"] == 0
    text = markdown(page)
    assert "first-layer units are dead" in text and "its slope on the left is 0.01, never 0" in text
    # Dead is not forever beyond layer 1: the prose no longer says no update can revive a unit.
    assert "no update can revive" not in text and "a dead unit deeper in comes back" in text


def test_the_planes_prose_names_the_colours_the_chart_draws(page):
    from explainer.charts.training import PLANE_SHADES

    [spec] = [json.loads(c.proto.spec) for c in page.get("vega_lite_chart") if "active_share" in c.proto.spec]
    ranges = [
        layer["encoding"]["color"]["scale"]["range"]
        for layer in spec["spec"]["layer"]
        if "color" in layer.get("encoding", {})
    ]
    assert ranges == [[PLANE_SHADES["none"][1], PLANE_SHADES["all"][1]]]
    text = markdown(page)
    all_word, none_word = PLANE_SHADES["all"][0], PLANE_SHADES["none"][0]
    assert f"{all_word}: all of them, {none_word}: none" in text
    assert f"so its panel is {all_word} throughout" in text and "white" not in text


def test_the_planes_are_pictures_of_the_shares_the_lesson_computes(page):
    # Each run's plane is drawn as one picture: the page's pictures equal, byte for byte, those
    # made of dying_relu's own plane at the page's settings (the full computation, uncached).
    from explainer.charts.training import plane_pictures
    from explainer.lessons.training.dying import dying_relu

    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    shown = frames["training_dead_unit_planes"]
    shown = shown[shown["layer"] == "picture"].set_index("run")
    values = {w.key: w.value for w in page.select_slider if w.key in ("lr_ok", "lr_hi")}
    direct = dying_relu(
        page.selectbox(key="data").value,
        learning_rate=values["lr_ok"],
        high_learning_rate=values["lr_hi"],
        seed=int(page.number_input(key="seed").value),
    )
    expected = plane_pictures(direct.plane).set_index("run")
    assert sorted(shown.index) == sorted(expected.index) and len(expected) == 3
    for run, picture in expected.iterrows():
        assert shown.loc[run, "url"] == picture["url"]
        assert [shown.loc[run, side] for side in ("left", "right", "bottom", "top")] == [
            picture[side] for side in ("left", "right", "bottom", "top")
        ]


def test_dying_relu_learning_rates_are_controls(page):
    page.select_slider(key="lr_hi").set_value(5.0).run()
    page.select_slider(key="lr_ok").set_value(0.05).run()
    assert_clean(page)
    text = markdown(page)
    assert "**ReLU, learning rate 5**" in text and "**ReLU, learning rate 0.05**" in text
    assert "**Leaky ReLU, learning rate 5**: 0% dead" in text


def test_batch_norm_section_compares_with_and_without_and_both_modes(page):
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    assert set(frames["training_batchnorm_loss"]["run"]) == {"without batch norm", "with batch norm"}
    assert set(frames["training_batchnorm_modes"]["mode"]) == {
        "inference mode (running statistics)",
        "training mode (the batch's statistics)",
    }
    page.segmented_control(key="bn_act").set_value("tanh").run()
    page.slider(key="bn_depth").set_value(4).run()
    page.select_slider(key="bn_lr").set_value(0.5).run()
    assert_clean(page)
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    assert frames["training_batchnorm_layers"]["layer"].max() == 4
    assert "4-layer tanh net" in markdown(page)


def test_clipping_section_shows_the_unclipped_run_diverging(page):
    assert any("**no clipping** diverged at step 6" in w.value for w in page.warning)
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    assert set(frames["training_clipping_angles"]["run"]) == {"clip by value (0.1)", "clip by norm (1)"}
    norm = frames["training_clipping_angles"].query("run == 'clip by norm (1)'")
    assert norm["angle"].max() < 1e-3
    assert any("passes 100 at step" in c.value for c in page.caption)
    text = markdown(page)
    assert "turned the update by a median" in text and "turned none of them" in text


def test_clipping_controls_change_the_runs(page):
    page.select_slider(key="gain").set_value(1.0).run()
    page.select_slider(key="clip_v").set_value(1.0).run()
    page.select_slider(key="clip_n").set_value(5.0).run()
    assert_clean(page)
    assert not any("no clipping** diverged" in w.value for w in page.warning)
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    assert set(frames["training_clipping_loss"]["run"]) == {
        "no clipping",
        "clip by value (1)",
        "clip by norm (5)",
    }


def test_early_stopping_patience_moves_the_stop_without_retraining(page):
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    curves = frames["training_early_stopping"]
    assert set(curves["series"]) >= {"training loss", "validation loss", "test loss"}
    page.slider(key="patience").set_value(20).run()
    assert_clean(page)
    table = page.dataframe[-1].value
    assert table["policy"].iloc[0] == "train all steps"
    # The stop-against-restore sentence follows the table's test numbers, whichever wins.
    stopped, kept = table.iloc[1], table.iloc[2]
    said = markdown(page)
    if stopped["test accuracy"] > kept["test accuracy"] and stopped["test loss"] < kept["test loss"]:
        assert "do better on the test points than the restored best" in said
    elif stopped["test accuracy"] <= kept["test accuracy"] and stopped["test loss"] >= kept["test loss"]:
        assert "Restoring the best weights pays" in said or "Restoring changes nothing" in said
    else:
        assert "test accuracy but a" in said and "test loss than the restored best" in said
    page.slider(key="es_noise").set_value(0.3).run()
    page.select_slider(key="es_steps").set_value(300).run()
    assert_clean(page)
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    assert frames["training_early_stopping"]["step"].max() == 300


def test_dataset_and_seed_apply_to_every_section(page):
    page.selectbox(key="data").set_value("moons").run()
    page.number_input(key="seed").set_value(1).run()
    assert_clean(page)
    assert any("240 training points" in c.value for c in page.caption)


def test_preset_link_sets_its_scene_and_explicit_values_win():
    st.cache_data.clear()
    at = open_page(PAGE, {**SMALL, "preset": "deep_sigmoid", "depth": "4"}, timeout=120)
    assert_clean(at)
    assert at.pills(key="acts").value == ["sigmoid", "tanh", "relu"]
    assert at.slider(key="depth").value == 4
    assert "Sigmoid's slope is at most ¼" in " ".join(c.value for c in at.caption)


def test_bad_link_values_are_named_in_one_warning_and_the_page_renders():
    st.cache_data.clear()
    at = open_page(
        PAGE,
        {
            **SMALL,
            "lr": "1000",
            "lr_hi": "0",
            "clip_v": "0",
            "patience": "-5",
            "acts": ["gelu2"],
            "bogus": "1",
        },
        timeout=120,
    )
    assert_clean(at)
    (warning,) = [w.value for w in at.warning if "could not be used" in w.value]
    for name in ("`lr`", "`lr_hi`", "`clip_v`", "`patience`", "`acts`", "`bogus`"):
        assert name in warning
    assert at.select_slider(key="lr").value == 10.0
    assert at.select_slider(key="clip_v").value == 0.01
    assert at.slider(key="patience").value == 10


def test_lecture_mode_folds_prose_and_shows_presenter_notes_from_the_numbers():
    st.cache_data.clear()
    at = open_page(PAGE, {**SMALL, "lecture": "1", "presenter": "1"}, timeout=120)
    assert_clean(at)
    labels = [e.label for e in at.expander]
    assert "Explanation" in labels
    assert "b to the power −0." in (presenter_points(at) or "")
