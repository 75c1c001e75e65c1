"""The depth page's PARAMS and scenes: every published preset a scene the widgets can show, its size
within the page's budget, and a click on the phase diagram that only ever sets a valid network."""

import pytest
import streamlit as st

from explainer import DEPTH_PRESETS, ui
from explainer.lessons.depth.settings import MAX_VALUES, MAX_WEIGHTS, PHASE_LAYOUT
from explainer.ui import depth as page

PARAMS = page.PARAMS


def test_the_widgets_offer_every_registered_activation_and_initializer():
    assert PARAMS["act"].options == tuple(ui.ACTIVATION_LABELS) == PARAMS["cmp_act"].options
    assert PARAMS["init"].options == tuple(ui.INITIALIZER_LABELS) == PARAMS["cmp_init"].options


def test_the_gain_slider_covers_the_phase_diagram_so_a_clicked_cell_is_a_setting():
    low, high = PHASE_LAYOUT["sigma_range"]
    assert PARAMS["gain"].low <= low and high <= PARAMS["gain"].high


def test_the_fix_switches_are_the_toggles_of_the_table():
    assert all(PARAMS[key].widget == "toggle" for key in page.FIX_KEYS)


@pytest.mark.parametrize("key", DEPTH_PRESETS)
def test_every_preset_is_a_scene_of_its_first_network_within_the_budget(key):
    preset, scene = DEPTH_PRESETS[key], page.SCENES[key]
    first = preset.runs[0]
    assert set(scene) == {"section", *PARAMS} and page.SCENE_LABELS[key] == preset.title
    assert scene["section"] == page.SECTION_LABELS["published"]  # the scene opens its published results
    assert (scene["act"], scene["init"]) == (first.activation, first.init)
    assert scene["depth"] == max(run.depth for run in preset.runs)
    assert scene["depth"] * scene["width"] ** 2 <= MAX_WEIGHTS
    assert scene["depth"] * scene["width"] * scene["batch"] <= MAX_VALUES
    compared = scene["cmp_init"] if scene["cmp"] == "init" else scene["cmp_act"]
    runs = {run.init if scene["cmp"] == "init" else run.activation for run in preset.runs}
    assert runs <= set(compared)


def test_a_preset_on_the_page_s_own_width_keeps_it():
    assert page.SCENES["selu_lecun_depth100"]["width"] == DEPTH_PRESETS["selu_lecun_depth100"].runs[0].width


def test_fit_uses_the_width_and_batch_sliders_steps():
    assert page.fit(200, 1000, 1000)[:2] == (204, 64)
    assert page.fit(30, 128, 128) == (128, 128, None)


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ({"sigma_w": 2.3, "depth": 70}, {"init": "lecun_normal", "gain": 2.3, "depth": 70}),
        ({"sigma_w": 9.0, "depth": 70}, {}),  # beyond the gain slider
        ({"sigma_w": 1.0, "depth": 500}, {}),  # beyond the depth slider
        ({"sigma_w": "x", "depth": 70}, {}),
    ],
)
def test_a_phase_cell_sets_the_network_only_when_the_sliders_can_show_it(monkeypatch, point, expected):
    state = {"chart_depth_phase": {"selection": {"pick": [point]}}}
    monkeypatch.setattr(st, "session_state", state)
    page.pick_phase_cell()
    assert {k: v for k, v in state.items() if k != "chart_depth_phase"} == expected


def test_an_empty_phase_selection_changes_nothing(monkeypatch):
    state = {"chart_depth_phase": {"selection": {"pick": []}}}
    monkeypatch.setattr(st, "session_state", state)
    page.pick_phase_cell()
    assert list(state) == ["chart_depth_phase"]


def test_a_scene_button_sets_the_picker_and_every_setting(monkeypatch):
    state = {}
    monkeypatch.setattr(st, "session_state", state)
    page.apply_scene("cs231n_tanh")
    assert state == {"preset": "cs231n_tanh", **page.SCENES["cs231n_tanh"]}
