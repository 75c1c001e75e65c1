"""The Training dynamics page: every section and control, chart data, presets, bad links, lecture mode.

One session opened from a link with small settings serves the tests in order; each test opens its
section's tab, moves a control and checks what the section redraws. Caches are cleared once per
module, not per test, so a control recomputes only its own section. The page shows one section at
a time: the tabs' own tests (closed sections draw nothing and keep their controls' values, links
and scenes open a section) are at the end.
"""

import json

import pytest
import streamlit as st

from .conftest import assert_clean, chart_frames, open_page, presenter_points, show_section

PAGE = "app_pages/training.py"
# A link with small settings: fewer draws, examples, steps and layers than the defaults.
SMALL = {"trials": "25", "budget": "1200", "steps": "100", "depth": "3", "bn_depth": "3", "es_steps": "200"}
SECTION_CHARTS = {
    "minibatch": ["training_minibatch_error", "training_batch_race"],
    "gradients": ["training_gradient_heatmap"],
    "dying": ["training_dead_units", "training_dead_unit_planes"],
    "batchnorm": ["training_batchnorm_loss", "training_batchnorm_layers", "training_batchnorm_modes"],
    "clipping": ["training_clipping_loss", "training_clipping_angles"],
    "early_stopping": ["training_early_stopping"],
}
SECTION_TABLES = {
    "minibatch": 2,
    "gradients": 0,
    "dying": 0,
    "batchnorm": 0,
    "clipping": 1,
    "early_stopping": 1,
}


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


def show(at, section: str):
    from explainer.ui.training import SECTION_LABELS

    return show_section(at, SECTION_LABELS, section)


@pytest.mark.parametrize("section", SECTION_CHARTS)
def test_every_section_renders_its_charts_from_the_link_settings(page, section):
    from explainer.ui.training import SECTION_LABELS

    show(page, section)
    assert_clean(page)
    assert [t.label for t in page.tabs] == list(SECTION_LABELS.values())
    assert [h.value for h in page.header] == [SECTION_LABELS[section]]
    assert _chart_names(page) == SECTION_CHARTS[section]
    assert len(page.get("vega_lite_chart")) == len(SECTION_CHARTS[section])
    assert not page.error
    assert page.select_slider(key="trials").value == 25 and page.slider(key="depth").value == 3
    assert not [w for w in page.warning if "could not be used" in w.value]


@pytest.mark.parametrize("section", SECTION_CHARTS)
def test_every_chart_has_a_csv_download(page, section):
    labels = [b.proto.label for b in show(page, section).get("download_button")]
    assert labels.count("Download data (CSV)") == len(SECTION_CHARTS[section])
    assert labels.count("Download table (CSV)") == SECTION_TABLES[section]


def test_minibatch_error_chart_draws_measured_and_law_and_the_slope_sentence(page):
    show(page, "minibatch")
    data = chart_frames(page)[0]
    assert set(data["series"]) == {"measured", "1/√b law"}
    assert sorted(data["batch_size"].unique()) == [1, 2, 4, 8, 16, 32, 64, 128]
    text = markdown(page)
    assert "The error of a minibatch gradient falls like b to the power −0." in text
    assert page.table[0].value["batch size b"].tolist() == [1, 2, 4, 8, 16, 32, 64, 128]


def test_trials_and_gradient_moment_controls_redraw_the_error(page):
    show(page, "minibatch")
    before = chart_frames(page)[0]
    page.select_slider(key="trials").set_value(50).run()
    page.segmented_control(key="sg_at").set_value("trained").run()
    assert_clean(page)
    after = chart_frames(page)[0]
    assert not before["value"].equals(after["value"])
    assert "after 500 training steps" in [o for o in page.segmented_control(key="sg_at").options]


def test_race_budget_sets_the_steps_of_each_batch_size(page):
    show(page, "minibatch")
    table = page.table[1].value
    assert table["steps"].tolist() == [1200, 75, 9, 5]
    page.select_slider(key="budget").set_value(2400).run()
    page.select_slider(key="lr1").set_value(0.1).run()
    assert_clean(page)
    table = page.table[1].value
    assert table["steps"].tolist() == [2400, 150, 18, 10]
    assert set(chart_frames(page)[1]["run"]) == {"b = 1", "b = 16", "b = 128", "full batch (240)"}


def test_gradient_heatmap_has_each_activation_and_layer_and_follows_its_controls(page):
    show(page, "gradients")
    heat = chart_frames(page)[0]
    assert set(heat["run"]) == {"sigmoid", "ReLU"} and sorted(heat["layer"].unique()) == [1, 2, 3]
    page.pills(key="acts").set_value(["tanh", "relu", "elu"]).run()
    page.slider(key="depth").set_value(4).run()
    page.selectbox(key="init").set_value("he_normal").run()
    page.select_slider(key="lr").set_value(0.05).run()
    page.select_slider(key="steps").set_value(200).run()
    assert_clean(page)
    heat = chart_frames(page)[0]
    assert set(heat["run"]) == {"tanh", "ReLU", "ELU"} and heat["layer"].max() == 4
    assert heat["step"].max() == 200
    assert any("He (Kaiming) normal" in c.value and "200 steps" in c.value for c in page.caption)


def test_a_fourth_activation_pill_is_refused_with_the_reason(page):
    show(page, "gradients")
    page.pills(key="acts").set_value(["sigmoid", "relu", "tanh"]).run()
    page.pills(key="acts").set_value(["sigmoid", "relu", "tanh", "elu"]).run()
    assert_clean(page)
    assert set(page.pills(key="acts").value) == {"sigmoid", "relu", "tanh"}
    assert any("at most 3 at once" in c.value for c in page.caption)
    page.pills(key="acts").set_value(["sigmoid", "relu"]).run()
    assert not any("at most 3 at once" in c.value for c in page.caption)


def test_no_activation_chosen_says_what_to_do(page):
    show(page, "gradients")
    page.pills(key="acts").set_value([]).run()
    assert_clean(page)
    assert any("Choose at least one activation" in i.value for i in page.info)
    assert len(page.get("vega_lite_chart")) == 0
    page.pills(key="acts").set_value(["sigmoid", "relu"]).run()


def test_dying_relu_high_rate_kills_units_and_leaky_relu_keeps_them(page):
    show(page, "dying")
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
    show(page, "dying")
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
    show(page, "dying")
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
    show(page, "dying")
    page.select_slider(key="lr_hi").set_value(5.0).run()
    page.select_slider(key="lr_ok").set_value(0.05).run()
    assert_clean(page)
    text = markdown(page)
    assert "**ReLU, learning rate 5**" in text and "**ReLU, learning rate 0.05**" in text
    assert "**Leaky ReLU, learning rate 5**: 0% dead" in text


def test_batch_norm_section_compares_with_and_without_and_both_modes(page):
    show(page, "batchnorm")
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
    show(page, "clipping")
    assert any("**no clipping** diverged at step 6" in w.value for w in page.warning)
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    assert set(frames["training_clipping_angles"]["run"]) == {"clip by value (0.1)", "clip by norm (1)"}
    norm = frames["training_clipping_angles"].query("run == 'clip by norm (1)'")
    assert norm["angle"].max() < 1e-3
    assert any("passes 100 at step" in c.value for c in page.caption)
    text = markdown(page)
    assert "turned the update by a median" in text and "turned none of them" in text


def test_clipping_controls_change_the_runs(page):
    show(page, "clipping")
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
    show(page, "early_stopping")
    frames = dict(zip(_chart_names(page), chart_frames(page), strict=True))
    curves = frames["training_early_stopping"]
    assert set(curves["series"]) >= {"training loss", "validation loss", "test loss"}
    page.slider(key="patience").set_value(20).run()
    assert_clean(page)
    table = page.table[-1].value
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
    for section in SECTION_CHARTS:
        show(page, section)
        assert_clean(page)
        assert len(page.get("vega_lite_chart")) == len(SECTION_CHARTS[section])
    assert any("240 training points" in c.value for c in show(page, "minibatch").caption)


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


# --- the sections' tabs ---------------------------------------------------------------------------


def test_a_closed_section_computes_nothing_and_keeps_its_controls_and_their_values(monkeypatch):
    from explainer.ui import training

    st.cache_data.clear()
    # The closed sections' computations fail if called: the page opened at section 1 runs none.
    for name in ("gradient_comparison", "dying_relu", "batchnorm_comparison", "clipping_comparison"):
        monkeypatch.setattr(training, name, lambda *a, _name=name, **k: pytest.fail(f"{_name} ran"))
    monkeypatch.setattr(
        training.stopping, "early_stopping", lambda *a, **k: pytest.fail("early stopping ran")
    )
    at = open_page(PAGE, SMALL, timeout=120)
    assert_clean(at)
    assert [h.value for h in at.header] == [training.SECTION_LABELS["minibatch"]]
    assert _chart_names(at) == SECTION_CHARTS["minibatch"]
    monkeypatch.undo()
    # Every control is drawn, in its own tab, so a value set in one section survives a visit to
    # another, and a link's value for a closed section is read.
    show(at, "dying").select_slider(key="lr_hi").set_value(5.0).run()
    show(at, "clipping")
    assert at.select_slider(key="lr_hi").value == 5.0 and not [h for h in at.header if "Dying" in h.value]
    assert "**ReLU, learning rate 5**" in markdown(show(at, "dying"))
    assert_clean(at)


@pytest.mark.parametrize("given", ["dying", "3", "Dying ReLU", "3. dying relu"])
def test_a_link_opens_a_section_by_id_number_or_title_and_names_it_by_id(given):
    at = open_page(PAGE, {**SMALL, "section": given}, timeout=120)
    assert_clean(at)
    assert [h.value for h in at.header] == ["3. Dying ReLU"]
    assert at.query_params["section"] == "dying"
    assert not [w for w in at.warning if "could not be used" in w.value]


def test_an_unknown_section_is_named_and_the_first_opens():
    at = open_page(PAGE, {**SMALL, "section": "optimizers"}, timeout=120)
    assert_clean(at)
    assert [h.value for h in at.header] == ["1. Stochastic gradients"]
    (warning,) = [w.value for w in at.warning if "could not be used" in w.value]
    assert "`section` = `optimizers` is not a section of this page" in warning
    assert "showing 1. Stochastic gradients" in warning


@pytest.mark.parametrize(
    "scene", ["deep_sigmoid", "relu_massacre", "tanh_batchnorm", "gentle_clipping", "impatient"]
)
def test_each_scene_opens_the_section_it_is_about(scene):
    from explainer.lessons.training.scenes import PRESETS
    from explainer.ui.training import SECTION_LABELS

    at = open_page(PAGE, {**SMALL, "preset": scene}, timeout=120)
    assert_clean(at)
    assert [h.value for h in at.header] == [SECTION_LABELS[PRESETS[scene]["section"]]]
    assert "section" not in at.query_params  # the scene's own section stays out of its link


def test_another_tab_of_a_scene_is_in_the_link_but_not_a_change_of_the_scene():
    at = open_page(PAGE, {**SMALL, "preset": "deep_sigmoid"}, timeout=120)
    show(at, "minibatch")
    assert_clean(at)
    assert at.query_params["section"] == "minibatch" and at.query_params["preset"] == "deep_sigmoid"
    (changed,) = [i.value for i in at.info if "Changed from the scene" in i.value]  # SMALL's values
    assert "`depth` = 3" in changed and "`section`" not in changed
    # Picking another scene in the picker opens that scene's section.
    at.selectbox(key="preset").set_value("relu_massacre").run()
    assert [h.value for h in at.header] == ["3. Dying ReLU"]
    assert "section" not in at.query_params


def test_leaving_the_page_forgets_its_section_and_a_closed_sections_scene_values():
    at = open_page(PAGE, SMALL, timeout=120)
    at.selectbox(key="preset").set_value("relu_massacre").run()
    show(at, "clipping")
    at.switch_page("app_pages/depth.py").run()
    assert_clean(at)
    assert "section" not in at.query_params and "gain" not in at.query_params
    at.switch_page(PAGE).run()
    assert [h.value for h in at.header] == ["1. Stochastic gradients"]
