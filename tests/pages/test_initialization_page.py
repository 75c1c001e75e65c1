"""The Initialization page: every control and scene, each section's data, the self-checking variance
table, clicks by choice, bad links and library errors. The page shows one section at a time (tabs),
the travel heatmaps first; each test opens its section's tab, by link or by a click.

Most tests open the page at width 64 (a link parameter), where the 16 × 17 heatmap networks run in
about a second; the issue's numbers are checked once at the defaults (width 256, depth 20).
"""

import json
import math
import tempfile

import pandas as pd
import pytest
import streamlit as st

from explainer import ACTIVATIONS, INITIALIZERS, store
from explainer.ui import display
from explainer.ui import initialization as page

from .conftest import assert_clean, chart_frames, open_page, page_tables, presenter_points, show_section

PAGE = "app_pages/initialization.py"
SMALL = {"width": "64"}
TIMEOUT = 120


def open_init(query: dict | None = None):
    return open_page(PAGE, query, timeout=TIMEOUT)


def show(at, section: str):
    return show_section(at, page.SECTION_LABELS, section)


def headers(at) -> list[str]:
    return [h.value for h in at.header]


@pytest.fixture
def small():
    return open_init(SMALL)


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def link_warning(at) -> str:
    return "\n".join(w.value for w in at.warning if "could not be used" in w.value)


def table(at, column: str) -> pd.DataFrame:
    """The page's one table with ``column``, as displayed."""
    [frame] = [data for data, _ in page_tables(at) if column in data.columns]
    return frame


def variance_table(at) -> pd.DataFrame:
    return table(at, "formula").set_index("initializer")


def distribution_summary(at) -> pd.DataFrame:
    return table(at, "largest |w| drawn").set_index("initializer")


def heatmaps(at) -> list[pd.DataFrame]:
    """The forward and the backward heatmap's cells, in that order."""
    return [f for f in chart_frames(at) if "shade" in f.columns]


def curve(at) -> pd.DataFrame:
    [frame] = [f for f in chart_frames(at) if "series" in f.columns and "log10_ratio" in f.columns]
    return frame


def biases(at) -> pd.DataFrame:
    [frame] = [f for f in chart_frames(at) if "bias_label" in f.columns]
    return frame


def cell(frame: pd.DataFrame, init: str, activation: str) -> pd.Series:
    return frame[(frame["init"] == init) & (frame["activation"] == activation)].iloc[0]


# --- the defaults: the issue's numbers --------------------------------------------------------


def test_defaults_open_on_the_heatmaps_and_each_section_has_the_issues_shapes_and_spot_values():
    at = open_init()
    assert_clean(at)
    assert headers(at) == ["1. How variance travels through depth"]
    assert at.number_input(key="fan_in").value == 256 and at.number_input(key="fan_out").value == 128
    assert at.slider(key="depth").value == 20 and at.select_slider(key="width").value == 256
    forward, backward = heatmaps(at)
    assert len(forward) == len(backward) == len(INITIALIZERS) * len(ACTIVATIONS)
    assert cell(forward, "he_normal", "relu")["healthy"]
    assert not cell(forward, "standard_normal", "relu")["healthy"]
    assert cell(forward, "standard_normal", "relu")["log10_ratio"] > 30
    assert "Over 20 layers of width 256" in texts(at)
    rows = variance_table(show(at, "variance"))
    assert len(rows) == len(INITIALIZERS)
    # The issue's spot values at fan_in = 256, fan_out = 128.
    assert rows.loc["Glorot (Xavier) uniform", "largest |w|"] == "a = 0.125"
    assert float(rows.loc["He (Kaiming) normal", "std σ"]) == pytest.approx(math.sqrt(2 / 256), rel=1e-3)
    assert rows.loc["PyTorch nn.Linear default", "largest |w|"] == "a = 0.0625"
    assert headers(at) == ["2. The variance each rule draws, checked by sampling"]
    assert not heatmaps(at), "a closed section draws nothing"


def test_the_variance_table_checks_itself_within_its_stated_tolerance():
    at = open_init({**SMALL, "section": "variance"})
    rows = variance_table(at)
    assert (rows["within 5"] == "✓").all()
    assert (rows["gap in std. errors"].astype(float) <= 5.0).all()
    n = rows["weights drawn"].str.replace(",", "").astype(int)
    assert (n == 256 * 128).all()
    # An independent bound: the sampled variance of n draws with kurtosis ≤ 3 has a standard error
    # of at most σ²·√(2/n); 5 of them, plus the table's rounding to 4 significant digits.
    sigma2 = rows["σ²"].astype(float)
    sampled = rows["sampled σ²"].astype(float)
    assert ((sampled - sigma2).abs() <= 5 * sigma2 * (2 / n) ** 0.5 + 1e-3 * sigma2).all()
    assert "All 16 freshly drawn matrices" in texts(at)


def test_each_row_of_the_variance_check_has_its_own_gap_not_one_per_distribution():
    rows = variance_table(open_init({**SMALL, "section": "variance"})).drop(
        index="Orthogonal", errors="ignore"
    )
    gaps = rows["gap in std. errors"].astype(float)
    # With one shared seed the table showed two values only (0.6 and 1.2).
    assert gaps.nunique() >= len(gaps) // 2, gaps.tolist()


@pytest.mark.parametrize(("fan_in", "fan_out"), [(100, 300), (1, 1), (4096, 64)])
def test_the_fans_set_every_formula(fan_in, fan_out):
    at = open_init({**SMALL, "fan_in": str(fan_in), "fan_out": str(fan_out), "section": "variance"})
    assert_clean(at)
    rows = variance_table(at)
    assert float(rows.loc["He (Kaiming) normal", "σ²"]) == pytest.approx(2 / fan_in, rel=1e-3)
    assert float(rows.loc["Glorot (Xavier) normal", "σ²"]) == pytest.approx(2 / (fan_in + fan_out), rel=1e-3)
    assert float(rows.loc["Orthogonal", "σ²"]) == pytest.approx(1 / max(fan_in, fan_out), rel=1e-3)
    assert (rows["within 5"] == "✓").all()
    assert not rows["gap in std. errors"].str.contains("nan").any()
    if fan_in * fan_out < 4096:
        assert rows["weights drawn"].str.endswith("matrices)").all()


def test_changing_a_fan_on_the_page_redraws_the_table_and_the_histograms(small):
    show(small, "variance").number_input(key="fan_in").set_value(1000).run()
    assert_clean(small)
    assert float(variance_table(small).loc["LeCun normal", "σ²"]) == pytest.approx(1e-3)
    # The tails' matrices have the fans set in section 2, and say so.
    show(small, "distributions")
    assert "fan_in × fan_out = 1,000 × 128 weights, as set in 2. Variance by rule" in texts(small)
    [histogram] = [f for f in chart_frames(small) if "density" in f.columns]
    summary = distribution_summary(small)
    # The bins span the largest |w| drawn, the normal's (He std √(2/1000) ≈ 0.045).
    assert histogram["bin_right"].max() == pytest.approx(float(summary["largest |w| drawn"].max()), rel=1e-3)
    assert float(summary.loc["He (Kaiming) normal", "σ²"]) == pytest.approx(2e-3)


# --- gains ------------------------------------------------------------------------------------


def test_gains_table_has_every_activation_and_pytorchs_values(small):
    gains = table(show(small, "gains"), "PyTorch calculate_gain").set_index("activation")
    assert len(gains) == len(ACTIVATIONS)
    assert gains.loc["tanh", "PyTorch calculate_gain"] == "5/3 ≈ 1.667"
    assert gains.loc["SELU", "PyTorch calculate_gain"] == "3/4 ≈ 0.75"
    assert gains.loc["ReLU", "forward gain 1/√E[f(z)²]"] == "√2 ≈ 1.414"
    assert gains.loc["ELU", "PyTorch calculate_gain"] == "—"


@pytest.mark.parametrize(
    ("act", "phrase"),
    [
        ("relu", "All three agree on ReLU"),
        ("tanh", "PyTorch's 5/3 ≈ 1.667"),
        ("selu", "recommend nonlinearity='linear' (gain 1)"),
        ("sigmoid", "sigmoid's outputs average 0.5"),
    ],
)
def test_the_chosen_activation_gets_its_gain_sentence_and_factor_columns(act, phrase):
    at = open_init({**SMALL, "act": act, "section": "gains"})
    assert_clean(at)
    label = ACTIVATIONS[act].label
    assert f"**{label}.** " in texts(at) and phrase in texts(at)
    assert f"forward ×/layer, {label}" in variance_table(show(at, "variance")).columns


# --- normal vs uniform --------------------------------------------------------------------------


@pytest.mark.parametrize("family", ["lecun", "glorot", "he"])
def test_each_family_overlays_its_three_variants_at_one_variance(small, family):
    show(small, "distributions").button_group(key="family").set_value(family).run()
    assert_clean(small)
    [histogram] = [f for f in chart_frames(small) if "density" in f.columns]
    keys = set(histogram["key"])
    assert keys == {k for k, i in INITIALIZERS.items() if i.family == family}
    summary = distribution_summary(small)
    assert summary["σ²"].nunique() == 1
    uniform = summary[summary.index.str.contains("uniform")].iloc[0]
    assert float(uniform["largest |w| drawn"]) <= float(uniform["largest |w| possible"]) * (1 + 1e-3)
    assert "the tails" in texts(small) and "0.8796" in texts(small)


# --- how variance travels ---------------------------------------------------------------------


def test_outlined_cells_are_the_healthy_ones_on_both_heatmaps_and_within_one_decade_both_ways(small):
    forward, backward = heatmaps(small)
    assert forward["healthy"].tolist() == backward["healthy"].tolist()
    for frame in (forward, backward):
        ok = frame["status"] == "ok"
        assert (frame.loc[frame["healthy"], "log10_ratio"].abs() <= 1.0).all()
        assert not frame.loc[~ok, "healthy"].any()
        assert frame["shade"].between(-10, 10).all()
        assert frame["chosen"].sum() == 1


def test_a_saturated_network_is_not_outlined_healthy_and_he_relu_still_is():
    at = open_init()
    assert_clean(at)
    for frame in heatmaps(at):
        tanh = cell(frame, "standard_normal", "tanh")
        assert not tanh["healthy"]
        assert cell(frame, "he_normal", "relu")["healthy"]
    forward, _ = heatmaps(at)
    # Its activation variance is flat: the outline used to say healthy.
    assert abs(cell(forward, "standard_normal", "tanh")["log10_ratio"]) <= 1.0
    assert "keep a flat activation variance only because their units saturate" in texts(at)


def test_depth_and_width_set_the_networks_and_the_curve(small):
    small.slider(key="depth").set_value(5).run()
    assert_clean(small)
    assert curve(small)["layer"].max() == 5
    assert "Over 5 layers of width 64" in texts(small)
    small.select_slider(key="width").set_value(32).run()
    assert "Over 5 layers of width 32" in texts(small)


def test_choosing_a_pair_outlines_its_cells_and_draws_its_curve(small):
    small.selectbox(key="init").set_value("glorot_normal").run()
    small.selectbox(key="act").set_value("relu").run()
    assert_clean(small)
    for frame in heatmaps(small):
        chosen = frame[frame["chosen"]]
        assert chosen[["init", "activation"]].values.tolist() == [["glorot_normal", "relu"]]
    line = curve(small)
    forward = line[line["series"].str.startswith("activations")]
    # Glorot at fan_in = fan_out has He's half variance: ReLU halves the variance at every layer.
    per_layer = forward["log10_ratio"].iloc[-1] / 19
    assert per_layer == pytest.approx(math.log10(0.5), abs=0.05)
    assert "Glorot (Xavier) normal with ReLU" in texts(small) and "vanishing" in texts(small)


def test_the_heatmap_cell_agrees_with_its_curve(small):
    small.selectbox(key="init").set_value("small_normal").run()
    small.selectbox(key="act").set_value("tanh").run()
    forward, backward = heatmaps(small)
    line = curve(small)
    last = line[line["series"].str.startswith("activations")]["log10_ratio"].iloc[-1]
    first = line[line["series"].str.startswith("gradient")]["log10_ratio"].iloc[0]
    assert cell(forward, "small_normal", "tanh")["log10_ratio"] == pytest.approx(last, abs=1e-9)
    assert cell(backward, "small_normal", "tanh")["log10_ratio"] == pytest.approx(first, abs=1e-9)


def test_the_heatmaps_are_clickable_cells(small):
    specs = [json.loads(e.proto.spec) for e in small.get("vega_lite_chart") if '"cell"' in e.proto.spec]
    assert len(specs) == 2
    for spec in specs:
        [param] = [p for p in spec["params"] if p["name"] == "cell"]
        assert param["select"]["fields"] == ["init", "activation"] and param["select"]["on"] == "click"
    assert {e.proto.selection_mode[0] for e in small.get("vega_lite_chart") if '"cell"' in e.proto.spec} == {
        "cell"
    }


# --- biases -------------------------------------------------------------------------------------


def test_pytorch_biases_with_pytorch_weights_kill_more_units_than_zeros(small):
    table = biases(show(small, "biases"))
    last = table[table["layer"] == table["layer"].max()].set_index("bias")
    assert last.loc["torch_uniform", "dead_unit_fraction"] > last.loc["zeros", "dead_unit_fraction"]
    assert "PyTorch U(±1/√64)" in set(table["bias_label"])
    assert "At layer 20 — zeros:" in texts(small)


def test_bias_controls_set_the_weights_and_the_constant(small):
    show(small, "biases").slider(key="bias_c").set_value(0.2).run()
    small.selectbox(key="b_init").set_value("he_normal").run()
    assert_clean(small)
    table = biases(small)
    constant = table[(table["bias"] == "constant") & (table["layer"] == 1)]
    assert constant["preact_mean"].iloc[0] == pytest.approx(0.2, abs=0.02)
    assert "He (Kaiming) normal weights; ReLU" in texts(small)
    assert "constant 0.2" in set(table["bias_label"])


# --- why not N(0, 1) --------------------------------------------------------------------------


def test_one_click_shows_the_standard_normal_row_with_its_numbers(small):
    assert "Switch it on" in texts(show(small, "standard_normal"))
    small.toggle(key="n01").set_value(True).run()
    assert_clean(small)
    row = table(small, "log10 Var h_L ÷ Var h_1")
    assert len(row) == len(ACTIVATIONS)
    relu = row.set_index("activation").loc["ReLU"]
    assert relu["log10 Var h_L ÷ Var h_1"].endswith("✗")
    story = table(small, "saturated, last layer")
    tanh = story[(story["activation"] == "tanh") & (story["weights"] == "N(0, 1)")].iloc[0]
    assert int(tanh["saturated, last layer"].rstrip("%")) > 50
    assert "the activation variance grows by" in texts(small) and "saturate instead" in texts(small)
    # The switch, in section 6, also marks the N(0, 1) row on section 1's heatmaps.
    for frame in heatmaps(show(small, "travel")):
        assert frame["chosen"].sum() == 1
    spec = json.loads(small.get("vega_lite_chart")[0].proto.spec)
    assert any(layer.get("mark", {}).get("strokeDash") == [4, 3] for layer in spec["layer"])


# --- scenes, lecture mode, links ----------------------------------------------------------------


@pytest.mark.parametrize("name", page.SCENES)
def test_every_scene_is_a_link_and_sets_its_widgets(name):
    at = open_init({"preset": name, **SMALL})
    assert_clean(at)
    assert not link_warning(at)
    settings = page.SCENES[name]
    assert at.selectbox(key="preset").value == name
    assert at.selectbox(key="init").value == settings["init"]
    assert at.selectbox(key="act").value == settings["act"]
    assert at.slider(key="depth").value == settings["depth"]
    assert at.select_slider(key="width").value == 64  # the link's own value wins
    assert at.toggle(key="n01").value == settings["n01"]
    assert page.SCENE_DESCRIPTIONS[name] in texts(at)
    # The scene opens its own section.
    section = next(sid for sid, label in page.SECTION_LABELS.items() if label == settings["section"])
    assert headers(at) == [f"{settings['section'].split('.')[0]}. {page.HEADINGS[section]}"]


def test_picking_a_scene_sets_the_pair():
    at = open_init({"depth": "5", "width": "32"})
    at.selectbox(key="preset").set_value("lecun_selu").run()
    assert_clean(at)
    assert at.selectbox(key="init").value == "lecun_normal" and at.selectbox(key="act").value == "selu"
    assert at.slider(key="depth").value == 50
    assert "LeCun normal with SELU" in texts(at)


def test_a_link_restores_the_scene():
    query = {"init": "Orthogonal", "act": "tanh", "depth": "7", "width": "32", "family": "glorot", "n01": "1"}
    at = open_init(query)
    assert_clean(at)
    assert not link_warning(at)
    assert at.selectbox(key="init").value == "orthogonal" and at.button_group(key="family").value == "glorot"
    assert curve(at)["layer"].max() == 7


def test_lecture_mode_folds_prose_and_adds_presenter_notes_from_the_numbers():
    at = open_init({**SMALL, "lecture": "1", "presenter": "1", "section": "variance"})
    assert_clean(at)
    labels = [e.label for e in at.expander]
    assert "Explanation" in labels
    assert "freshly drawn matrices" in (presenter_points(at) or "")
    for element in at.get("vega_lite_chart"):
        assert json.loads(element.proto.spec)["config"]["axis"]["labelFontSize"] >= 13


# --- the sections' tabs ---------------------------------------------------------------------------


def test_a_closed_section_computes_nothing_and_keeps_its_controls_and_their_values(monkeypatch):
    import explainer.initializers as initializers
    from explainer.lessons.initialization import travel

    st.cache_data.clear()
    # The closed sections' computations fail if called: the page opened at section 1 runs none.
    for module, name in (
        (initializers, "variance_table"),
        (initializers, "distribution_comparison"),
        (travel, "bias_comparison"),
        (travel, "standard_normal_story"),
    ):
        monkeypatch.setattr(module, name, lambda *a, _name=name, **k: pytest.fail(f"{_name} ran"))
    with tempfile.TemporaryDirectory() as empty:
        monkeypatch.setenv(store.STORE_ENV, empty)  # nothing stored to read instead
        at = open_init({**SMALL, "fan_in": "300", "bias_c": "0.3"})
        assert_clean(at)
        assert headers(at) == ["1. How variance travels through depth"] and len(heatmaps(at)) == 2
    monkeypatch.undo()
    # Every control is drawn, in its own tab, so a value set in one section survives a visit to
    # another, and a link's value for a closed section is read.
    assert at.number_input(key="fan_in").value == 300 and at.slider(key="bias_c").value == 0.3
    show(at, "biases").slider(key="bias_c").set_value(0.1).run()
    show(at, "variance")
    assert at.slider(key="bias_c").value == 0.1
    assert float(variance_table(at).loc["LeCun normal", "σ²"]) == pytest.approx(1 / 300, rel=1e-3)
    assert "constant 0.1" in set(biases(show(at, "biases"))["bias_label"])
    assert_clean(at)


@pytest.mark.parametrize("given", ["biases", "5", "Biases", "5. biases"])
def test_a_link_opens_a_section_by_id_number_or_title_and_names_it_by_id(given):
    at = open_init({**SMALL, "section": given})
    assert_clean(at)
    assert headers(at) == ["5. Biases: zero, a small constant, or PyTorch's uniform"]
    assert at.query_params["section"] == "biases"
    assert not link_warning(at)


def test_the_first_section_stays_out_of_the_link_and_an_unknown_one_is_named():
    at = open_init({**SMALL, "section": "1"})
    assert "section" not in at.query_params and not link_warning(at)
    at = open_init({**SMALL, "section": "activations"})
    assert_clean(at)
    assert headers(at) == ["1. How variance travels through depth"]
    assert "`section` = `activations` is not a section of this page" in link_warning(at)
    assert "showing 1. Through depth" in link_warning(at)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named", "used"),
    [
        ({"fan_in": "0"}, "`fan_in` = `0` is below the minimum 1", ("number_input", "fan_in", 1)),
        ({"fan_out": "-7"}, "`fan_out` = `-7` is below the minimum 1", ("number_input", "fan_out", 1)),
        (
            {"fan_in": "1000000"},
            "`fan_in` = `1000000` is above the maximum 100,000",
            ("number_input", "fan_in", 100_000),
        ),
        (
            {"init": "xavier_magic"},
            "`init` = `xavier_magic` is not one of the options",
            ("selectbox", "init", "he_normal"),
        ),
        (
            {"b_init": "nope"},
            "`b_init` = `nope` is not one of the options",
            ("selectbox", "b_init", "torch_linear_default"),
        ),
        ({"act": "gelu2"}, "`act` = `gelu2` is not one of the options", ("selectbox", "act", "relu")),
        ({"depth": "1000"}, "`depth` = `1000` is above the maximum 100", ("slider", "depth", 100)),
        (
            {"preset": "nope"},
            "`preset` = `nope` is not one of the options",
            ("selectbox", "preset", "custom"),
        ),
        ({"zzz": "1"}, "`zzz`: not a setting of this page", None),
    ],
    ids=["fan-zero", "fan-negative", "fan-huge", "init", "bias-init", "act", "depth", "preset", "unknown"],
)
def test_a_bad_link_value_is_clamped_or_replaced_with_one_warning(query, named, used):
    at = open_init({"width": "16", **query})
    assert_clean(at)
    assert named in link_warning(at)
    if used:
        kind, key, value = used
        assert getattr(at, kind)(key=key).value == value
    assert heatmaps(at), "the page still draws"


def test_a_hostile_link_never_raises():
    query = {
        "fan_in": "NaN",
        "width": "1e400",
        "bias_c": "inf",
        "act": "x" * 10_000,
        "n01": "maybe",
        "depth": "2",
        "section": "2",
    }
    at = open_init(query)
    assert_clean(at)
    assert len(variance_table(at)) == len(INITIALIZERS)


def test_input_the_library_refuses_shows_its_reason_not_a_traceback(monkeypatch):
    import explainer.initializers as initializers

    def refuse(*args, **kwargs):
        raise ValueError("fan_in must be a whole number between 1 and 100,000; got 0.")

    monkeypatch.setattr(initializers, "variance_table", refuse)
    monkeypatch.setattr(initializers, "distribution_comparison", refuse)
    at = open_init(SMALL)
    assert_clean(at)
    assert heatmaps(at), "the rest of the page still draws"
    reason = "fan_in must be a whole number between 1 and 100,000; got 0."
    for section in ("variance", "distributions"):
        assert [e.value for e in show(at, section).error] == [reason]


def test_the_page_caches_are_bounded():
    for function in (
        page.variance_table,
        page.gains,
        page.distributions,
        page.travel,
        page.travel_curve,
        page.biases,
        page.standard_normal,
    ):
        assert 0 < function._info.max_entries <= page.NETWORK_CACHE_ENTRIES
    assert display._chart_spec._info.max_entries == display.CHART_SPEC_ENTRIES
