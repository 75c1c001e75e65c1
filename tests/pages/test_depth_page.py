"""The Depth page: every control and preset, the chart data each section draws, bad links, and
exploding settings that stay free of NaN and RuntimeWarnings. The page shows one section at a time
(tabs), the real network's gradient first; a test opens its section by link or by a click.

Caches are cleared once per module, not per test (the phase diagram and the presets cost seconds
cold); each test opens its own session from a link, so no test depends on another's clicks.
"""

import json
import math
import tempfile
import warnings

import pytest
import streamlit as st

from explainer import DEPTH_PRESETS, store
from explainer.lessons.depth.settings import PHASE_LAYOUT
from explainer.network import CLIP_SERIES, FRACTION_SERIES, GRADIENT_SERIES, PATH_SERIES
from explainer.ui import depth as depth_page
from tests.specs import spec_nodes

from .conftest import (
    assert_clean,
    chart_frames,
    each_section,
    open_page,
    presenter_points,
    share_link,
    show_section,
)

PAGE = "app_pages/depth.py"
# A small network for tests that move many controls.
SMALL = {"depth": "12", "width": "32", "batch": "32"}
CHARTS = ["gradients", "path", "histograms", "fractions", "compare", "fixes", "phase"]


@pytest.fixture(autouse=True)
def clear_caches():
    """Overrides conftest's per-test clearing: sessions here share warm caches."""
    yield


@pytest.fixture(scope="module", autouse=True)
def clear_once():
    st.cache_data.clear()
    yield


def charts(at) -> dict[str, object]:
    """Chart name → its data, read in page order (names from the CSV buttons after each chart)."""
    names = [
        b.proto.id.split("download_depth_")[-1]
        for b in at.get("download_button")
        if b.proto.label == "Download data (CSV)"
    ]
    return dict(zip(names, chart_frames(at), strict=True))


def text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def show(at, section: str):
    return show_section(at, depth_page.SECTION_LABELS, section)


def every_section(at) -> tuple[dict[str, object], str]:
    """Every tab opened in turn: each chart's data by name, and all the text, in page order."""
    data, words = {}, []
    for _, shown in each_section(at, depth_page.SECTION_LABELS):
        assert_clean(shown)
        data |= charts(shown)
        words.append(text(shown))
    return data, "\n".join(words)


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def link_warning(at) -> str:
    found = [w.value for w in at.warning if "could not be used" in w.value]
    assert len(found) == 1, [w.value for w in at.warning]
    return found[0]


def test_default_page_opens_on_the_gradients_and_every_section_draws_the_default_network():
    at = open_page(PAGE, timeout=120)
    assert_clean(at)
    assert [h.value for h in at.header] == ["1. The real network: gradient per layer"]
    assert list(charts(at)) == ["gradients"]
    headers = []
    for section in depth_page.SECTIONS:
        headers += [h.value for h in show(at, section).header]
    assert headers == [
        "1. The real network: gradient per layer",
        "2. The product of local derivatives",
        "3. Activations through depth",
        "4. Compare on the same axes",
        "5. Fixes",
        "6. Phase diagram: the edge of chaos",
        "7. Published results, reproduced",
    ]
    data, words = every_section(at)
    assert list(data) == CHARTS
    path = data["path"]
    assert set(path["series"]) == set(PATH_SERIES) and path["layer"].max() == 30
    bound = path[path["series"] == PATH_SERIES[1]].set_index("layer")["log10"]
    assert bound[30] == pytest.approx(30 * math.log10(0.25))
    product = path[path["series"] == PATH_SERIES[0]].set_index("layer")["log10"]
    assert (product <= bound + 1e-12).all()
    gradients = data["gradients"]
    assert set(gradients["series"]) == set(GRADIENT_SERIES)
    measured = gradients[gradients["series"] == "measured"].set_index("layer")["log10"]
    # Sigmoid with Glorot weights: well over ten orders of magnitude lost over 30 layers.
    assert measured[1] - measured[30] < -10
    assert "orders of magnitude" in words and "Mean field gives χ" in words
    assert set(data["fractions"]["series"]) == set(FRACTION_SERIES)
    assert data["histograms"]["fraction"].between(0, 1, inclusive="right").all()
    assert set(data["compare"]["series"]) == {"sigmoid", "tanh", "ReLU", "SELU"}
    marks = data["phase"].dropna(subset=["kind"]).set_index("kind")
    assert marks.loc["critical", "sigma_w"] > 3.5  # sigmoid's edge of chaos lies beyond the chart
    assert "beyond this chart" in words


def test_depth_slider_sets_the_layers_of_every_chart():
    at = open_page(PAGE, SMALL)
    at.slider(key="depth").set_value(17).run()
    assert_clean(at)
    data, words = every_section(at)
    for name in ("path", "gradients", "fractions", "compare", "fixes"):
        assert data[name]["layer"].max() == 17, name
    assert data["histograms"]["layer"].max() == 17
    assert "relative to layer 17" in words


def test_depth_200_shows_50_layers_of_histograms_and_every_layer_of_gradients():
    at = open_page(PAGE, {"depth": "200", "width": "16", "batch": "16"})
    assert_clean(at)
    data, _ = every_section(at)
    assert data["histograms"]["layer"].nunique() == 50
    assert data["gradients"]["layer"].max() == 200


def test_activation_initializer_gain_width_batch_and_seed_change_the_network():
    at = open_page(PAGE, SMALL)
    before = charts(at)["gradients"]
    for key, value in (("act", "relu"), ("init", "he_normal")):
        at.selectbox(key=key).set_value(value).run()
        assert_clean(at)
    relu_he = charts(at)["gradients"]
    measured = relu_he[relu_he["series"] == "measured"]["log10"]
    assert abs(measured.iloc[0] - measured.iloc[-1]) < 1.5  # He keeps ReLU's gradient
    assert not relu_he.equals(before)
    at.slider(key="gain").set_value(2.0).run()
    assert "σ_w = √(width · Var W) = 2.83" in captions(at)  # He: √2 × 2
    exploding = charts(at)["gradients"]
    grown = exploding[exploding["series"] == "measured"]["log10"]
    assert grown.iloc[0] - grown.iloc[-1] > 3
    at.slider(key="width").set_value(64).run()
    at.select_slider(key="batch").set_value(64).run()
    at.number_input(key="seed").set_value(7).run()
    assert_clean(at)
    assert "12 layers of 64 units" in captions(at)


def test_compare_by_activations_and_by_initializers():
    at = show(open_page(PAGE, SMALL), "compare")
    at.pills(key="cmp_act").set_value(["tanh", "gelu"]).run()
    compare = charts(at)["compare"]
    assert set(compare["series"]) == {"tanh", "GELU"} and set(compare["key"]) == {"tanh", "gelu"}
    at.segmented_control(key="cmp").set_value("init").run()
    assert_clean(at)
    at.pills(key="cmp_init").set_value(["small_normal", "he_normal"]).run()
    compare = charts(at)["compare"]
    assert set(compare["series"]) == {"N(0, 0.01²)", "He (Kaiming) normal"}
    assert "Gradient std at layer 1 relative to layer 12" in text(at)
    at.pills(key="cmp_init").set_value([]).run()
    assert "compare" not in charts(at) and "Choose at least one" in at.info[0].value


@pytest.mark.parametrize(
    ("query", "toggle", "phrase"),
    [
        ({}, "fix_relu", "ReLU instead of sigmoid"),
        ({"act": "relu"}, "fix_init", "He (Kaiming) normal weights at gain 1 (σ_w 1 → 1.41)"),
        ({}, "bn", "With batch norm"),
        ({}, "res", "With residual connections"),
    ],
)
def test_each_fix_redraws_the_fixed_line_beside_the_original(query, toggle, phrase):
    at = open_page(PAGE, {**SMALL, **query, "section": "fixes"})
    at.toggle(key=toggle).set_value(True).run()
    assert_clean(at)
    fixes = charts(at)["fixes"]
    fixed = fixes[fixes["series"] == "with the fixes"].set_index("layer")["log10"]
    original = fixes[fixes["series"] == "as set above"].set_index("layer")["log10"]
    assert phrase in text(at)
    # Each fix leaves layer 1 at least ten times more of the last layer's gradient.
    assert fixed[1] - fixed[12] > original[1] - original[12] + 1


def test_relu_alone_on_glorot_weights_says_it_is_worse_and_points_to_he():
    at = open_page(PAGE, {**SMALL, "act": "tanh", "fix_relu": "1", "section": "fixes"})
    assert "on its own, this does not fix this network" in text(at)
    assert "ReLU keeps σ_w²/2 = 0.5 of a layer's variance at σ_w = 1" in text(at)


def test_clipping_alone_says_the_layer_gradients_are_unchanged():
    at = open_page(PAGE, {**SMALL, "clip": "1", "section": "fixes"})
    assert "Clipping scales the weight gradients only" in text(at)


def test_an_initialization_fix_that_changes_nothing_says_so():
    at = open_page(PAGE, {**SMALL, "fix_init": "1", "section": "fixes"})
    assert "σ_w stays 1: the weights already had this scale" in text(at)


def test_clipping_shows_the_norm_before_and_after_with_one_factor_for_every_layer():
    at = open_page(PAGE, {**SMALL, "act": "relu", "init": "standard_normal", "section": "fixes"})
    at.toggle(key="clip").set_value(True).run()
    at.select_slider(key="clip_at").set_value(0.1).run()
    assert_clean(at)
    clipping = charts(at)["clipping"]
    before = clipping[clipping["series"] == CLIP_SERIES[0]].set_index("layer")["log10"]
    after = clipping[clipping["series"] == CLIP_SERIES[1]].set_index("layer")["log10"]
    shift = before - after
    assert shift.max() - shift.min() < 1e-9 and shift.iloc[0] > 0
    assert "clipping to 0.1 multiplies every layer's gradient by" in text(at)


def test_phase_diagram_marks_the_edge_of_chaos_and_this_network():
    at = open_page(PAGE, {**SMALL, "act": "tanh", "init": "lecun_normal", "gain": "1.5", "section": "phase"})
    assert_clean(at)
    phase = charts(at)["phase"]
    marks = phase.dropna(subset=["kind"]).set_index("kind")
    assert marks.loc["critical", "sigma_w"] == pytest.approx(1.0, abs=1e-6)
    assert marks.loc["here", "sigma_w"] == pytest.approx(1.5) and marks.loc["here", "depth"] == 12
    cells = phase.dropna(subset=["value"])
    deep = cells[cells["depth"] == 200].set_index("sigma_w")["value"]
    assert deep[0.5] < -5 and deep[3.0] > 5  # ordered left of χ = 1, chaotic right of it
    spec = at.get("vega_lite_chart")[-1].proto.spec
    assert '"pick"' in spec and "for tanh at σ_w = 1" in text(at)


@pytest.mark.parametrize("key", list(DEPTH_PRESETS))
def test_each_preset_link_sets_the_scene_and_puts_published_beside_measured(key):
    at = open_page(PAGE, {"preset": key}, timeout=180)
    assert_clean(at)
    preset = DEPTH_PRESETS[key]
    first = preset.runs[0]
    assert at.selectbox(key="act").value == first.activation
    assert at.selectbox(key="init").value == first.init
    assert at.slider(key="width").value == first.width
    table = at.table[0].value
    # The page shows the preset's claims table as computed (its columns are checked in
    # tests/unit/lessons/depth/test_presets.py); the page's run filled the cache this reads.
    assert table.equals(depth_page.published(key).extra)
    printed = table["published"] != "—"
    assert (table.loc[printed, "agrees"] == "✓").all() and (table.loc[~printed, "agrees"] == "—").all(), table
    assert (table.loc[printed, "where printed"] != "—").all()
    assert "REFERENCE" not in text(at)
    layers = charts(at)[f"{key}_layers"]
    assert set(layers["series"]) == {run.label for run in preset.runs}
    assert preset.source.split(":")[0] in text(at)
    assert not [w for w in at.warning if "could not be used" in w.value]
    assert [h.value for h in at.header] == ["7. Published results, reproduced"]  # the scene's own tab


def test_a_preset_button_sets_the_scene_in_one_click():
    at = open_page(PAGE, SMALL)
    at.button(key="go_selu_lecun_depth100").click().run(timeout=180)
    assert_clean(at)
    assert at.query_params["preset"] == "selu_lecun_depth100" and "section" not in at.query_params
    assert at.selectbox(key="preset").value == "selu_lecun_depth100"
    assert at.selectbox(key="act").value == "selu" and at.slider(key="depth").value == 100
    assert (
        "2 of the 2 numbers are printed in the source, and all 2 lie within the range of our re-run"
        in text(at)
    )


@pytest.mark.parametrize(
    ("query", "named", "expected"),
    [
        ({"depth": "0"}, "`depth` = `0` is below the minimum 1", ("depth", 1)),
        ({"depth": "10000"}, "`depth` = `10000` is above the maximum 200", ("depth", 200)),
        ({"width": "0"}, "`width` = `0` is below the minimum 4", ("width", 4)),
        ({"gain": "1e6"}, "`gain` = `1e6` is above the maximum 4", ("gain", 4.0)),
        ({"depth": "NaN"}, "`depth` = `NaN` is not a number", ("depth", 30)),
    ],
)
def test_bad_link_values_are_clamped_with_the_shared_warning(query, named, expected):
    at = open_page(PAGE, {**{"width": "16", "batch": "16"}, **query})
    assert_clean(at)
    assert named in link_warning(at)
    key, value = expected
    assert at.slider(key=key).value == value


def test_a_network_too_large_for_the_page_takes_a_smaller_width_and_batch_and_says_so():
    at = open_page(PAGE, {"depth": "200", "width": "1000", "batch": "1000", "act": "relu"}, timeout=180)
    assert_clean(at)
    # 200 × 204² weights and 200 × 204 × 64 values stay within 2^23 and 2^22.
    assert "it uses a width of 204 and a batch of 64 instead" in at.info[0].value
    assert "200 layers of 204 units" in captions(at)
    assert at.slider(key="width").value == 1000  # the link keeps what was asked


EXPLODING = {"init": "standard_normal", "gain": "4", "depth": "200", "batch": "16"}


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ({"act": "relu", "width": "512"}, "The forward pass exploded at layer"),
        ({"act": "tanh", "width": "64"}, "times the gradient the last layer receives"),
        (
            {"act": "elu", "width": "64", "res": "1", "depth": "150"},
            "times the gradient the last layer receives",
        ),
    ],
)
def test_exploding_settings_say_so_in_words_and_warn_nothing(query, phrase):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        at = open_page(PAGE, {**EXPLODING, **query}, timeout=120)
    assert_clean(at)
    data, words = every_section(at)
    assert phrase in words
    for name, frame in data.items():
        numbers = frame.select_dtypes("number")
        assert not (numbers.abs() == math.inf).any(axis=None), name


def test_lecture_mode_folds_the_prose_and_shows_presenter_notes_from_the_numbers():
    at = open_page(PAGE, {**SMALL, "lecture": "1", "presenter": "1"})
    assert_clean(at)
    labels = [e.label for e in at.expander]
    assert labels.count("Explanation") == 2  # the page's and its open section's
    assert "orders of magnitude" in (presenter_points(at) or "")


def test_every_chart_has_a_csv_download_and_the_link_lists_only_changed_settings():
    at = open_page(PAGE, SMALL)
    downloads = 0
    for section in depth_page.SECTIONS:
        labels = [b.proto.label for b in show(at, section).get("download_button")]
        downloads += labels.count("Download data (CSV)")
    assert downloads == len(CHARTS)
    show(at, "gradients")
    link = share_link(at)
    assert "depth=12" in link and "act=" not in link


def phase_view(at) -> tuple[object, object]:
    """The phase diagram's cells and its marks (kind → row) as drawn."""
    phase = charts(at)["phase"]
    return phase.dropna(subset=["value"]), phase.dropna(subset=["kind"]).set_index("kind")


def test_phase_text_counts_the_colours_drawn_and_says_why_the_default_has_no_chi_one_line():
    at = open_page(PAGE, {**SMALL, "section": "phase"})
    assert_clean(at)
    cells, marks = phase_view(at)
    low, high = PHASE_LAYOUT["sigma_range"]
    assert not low <= marks.loc["critical", "sigma_w"] <= high  # sigmoid's χ = 1 is off the chart
    words = text(at)
    assert "The dashed line is where" not in words and "orange: far more" not in words
    assert "No dashed line is drawn" in words and "beyond this chart's σ_w of 0.3 to 3.5" in words
    blue, orange = int((cells["value"] < -1).sum()), int((cells["value"] > 1).sum())
    assert f"Of the chart's {len(cells)} cells, {blue} are blue" in words
    assert ("none is orange" if orange == 0 else f"{orange} are orange") in words


def test_phase_text_says_where_the_drawn_chi_one_line_is_for_tanh():
    at = open_page(PAGE, {**SMALL, "act": "tanh", "section": "phase"})
    cells, marks = phase_view(at)
    assert marks.loc["critical", "sigma_w"] == pytest.approx(1.0, abs=1e-6)
    orange = int((cells["value"] > 1).sum())
    assert orange > 0 and f"{orange} are orange" in text(at)
    assert "The dashed line marks the edge of chaos for tanh at σ_w = 1," in text(at)


def test_gelu_phase_diagram_draws_no_chi_one_line_and_says_chi_jumps_over_one():
    at = open_page(PAGE, {**SMALL, "act": "gelu", "section": "phase"})
    assert_clean(at)
    cells, marks = phase_view(at)
    assert list(marks.index) == ["here"]  # no χ = 1 line: χ(q*) never equals 1 for GELU
    words = text(at)
    assert "No dashed line is drawn: for GELU χ at the fixed point never equals 1" in words
    assert "below σ_w = 1.47, where χ = 0.539" in words and "above it, where χ = 1.08" in words
    # The measured cells change side where mean field's q* jumps: blue at 1.4, orange at 1.5.
    deep = cells[cells["depth"] == 200].set_index("sigma_w")["value"]
    assert deep[1.4] < -1 and deep[1.5] > 1


def test_section_7_speaks_of_a_table_only_when_one_is_shown():
    at = open_page(PAGE, {**SMALL, "section": "published"})
    assert not at.table
    assert "once one is chosen, a table sets each number its source prints" in text(at)
    assert "the table below" not in text(at)
    at = open_page(PAGE, {"preset": "selu_lecun_depth100"}, timeout=180)
    assert_clean(at)
    assert at.table and "the table below sets each number its source prints" in text(at)


# --- the sections' tabs ---------------------------------------------------------------------------


def test_a_closed_section_computes_nothing_and_keeps_its_controls_and_their_values(monkeypatch):
    st.cache_data.clear()
    # The closed sections' computations fail if called: the page opened at section 1 runs only the
    # network's gradient.
    for name in ("path_products", "compare_profile", "phase_diagram", "preset_results", "clipping_profile"):
        monkeypatch.setattr(depth_page, name, lambda *a, _name=name, **k: pytest.fail(f"{_name} ran"))
    with tempfile.TemporaryDirectory() as empty:
        monkeypatch.setenv(store.STORE_ENV, empty)  # nothing stored to read instead
        at = open_page(PAGE, {**SMALL, "depth": "13", "cmp_act": "tanh", "clip": "1"})
        assert_clean(at)
        assert [h.value for h in at.header] == ["1. The real network: gradient per layer"]
        assert list(charts(at)) == ["gradients"]
    monkeypatch.undo()
    # A value set in one tab survives a visit to another, and a link's value for a closed one is read.
    assert at.pills(key="cmp_act").value == ["tanh"] and at.toggle(key="clip").value is True
    show(at, "fixes").select_slider(key="clip_at").set_value(0.1).run()
    show(at, "compare")
    assert set(charts(at)["compare"]["series"]) == {"tanh"}
    assert "clipping to 0.1 multiplies every layer's gradient by" in text(show(at, "fixes"))
    assert_clean(at)


@pytest.mark.parametrize("given", ["phase", "6", "Phase diagram", "6. phase diagram"])
def test_a_link_opens_a_section_by_id_number_or_title_and_names_it_by_id(given):
    at = open_page(PAGE, {**SMALL, "section": given})
    assert_clean(at)
    assert [h.value for h in at.header] == ["6. Phase diagram: the edge of chaos"]
    assert at.query_params["section"] == "phase"
    assert not [w for w in at.warning if "could not be used" in w.value]


def test_shares_that_coincide_are_drawn_with_dashes_of_their_own():
    # Sigmoid at the defaults: no unit saturated, none with a zero slope, none dead. Three solid
    # lines at 0 showed as one line for three legend entries.
    at = open_page(PAGE, {**SMALL, "section": "activations"})
    assert_clean(at)
    shares = charts(at)["fractions"]
    assert (shares["value"] == 0).all()
    [scale] = [
        node["strokeDash"]["scale"]
        for element in at.get("vega_lite_chart")
        for node in spec_nodes(json.loads(element.proto.spec))
        if "strokeDash" in node and node["strokeDash"]["scale"]["domain"] == list(FRACTION_SERIES)
    ]
    assert len({str(dash) for dash in scale["range"]}) == 3


@pytest.mark.parametrize(("section", "series"), [("gradients", GRADIENT_SERIES), ("path", PATH_SERIES)])
def test_the_measured_line_keeps_its_dots_above_the_line_it_is_compared_with(section, series):
    # Where the mean-field prediction (or the bound) agrees with the measurement, the reference's
    # own dots covered the measured ones: on a phone the measured line could not be seen at all.
    at = open_page(PAGE, {**SMALL, "section": section})
    assert_clean(at)
    [element] = at.get("vega_lite_chart")
    lines, dots = json.loads(element.proto.spec)["layer"]
    assert lines["mark"]["type"] == "line" and dots["mark"]["type"] == "point"
    assert dots["transform"] == [{"filter": {"field": "series", "oneOf": [series[0]]}}]
