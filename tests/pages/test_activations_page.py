"""The Activations page: every widget, the chart data it draws, typed activations, bad links."""

import re
import time

import numpy as np
import pytest

from tests.unit.test_expressions import REFUSED
from tests.unit.test_properties import assert_printed_ratios_match_printed_times

from .conftest import assert_clean, chart_frames, open_page, page_tables, presenter_points

PAGE = "app_pages/activations.py"


@pytest.fixture
def page():
    return open_page(PAGE)


def curves(at):
    frame = chart_frames(at)[0]
    return frame[["key", "label", "x", "panel", "value"]]


def test_default_draws_sigmoid_tanh_relu_leaky_in_both_panels(page):
    assert_clean(page)
    data = curves(page)
    assert sorted(data["key"].unique()) == ["leaky_relu", "relu", "sigmoid", "tanh"]
    assert set(data["panel"]) == {"f(x)", "f'(x)"}
    sigmoid_slope = data[(data["key"] == "sigmoid") & (data["panel"] == "f'(x)")]["value"]
    assert sigmoid_slope.max() == pytest.approx(0.25, abs=1e-4)
    assert page_tables(page)[0][0]["activation"].tolist() == ["sigmoid", "tanh", "ReLU", "Leaky ReLU"]


def test_x_range_slider_sets_the_plotted_range(page):
    page.slider(key="x").set_value((-2.0, 3.0)).run()
    data = curves(page)
    assert (data["x"].min(), data["x"].max()) == (-2.0, 3.0)


def test_choosing_activations_adds_their_parameter_sliders_and_rows(page):
    page.pills(key="act").set_value(["elu", "silu", "softplus", "selu"]).run()
    assert_clean(page)
    assert [s.key for s in page.slider] == ["x", "elu_alpha", "swish_beta", "softplus_beta"]
    assert page_tables(page)[0][0]["activation"].tolist() == ["ELU", "SiLU / Swish", "Softplus", "SELU"]
    assert len(page.latex) == 8


def test_parameter_slider_changes_the_curve(page):
    page.slider(key="leaky_slope").set_value(0.2).run()
    data = curves(page)
    leaky = data[(data["key"] == "leaky_relu") & (data["panel"] == "f(x)")]
    negative = leaky[leaky["x"] < 0]
    np.testing.assert_allclose(negative["value"], 0.2 * negative["x"], rtol=1e-12)
    assert "Leaky ReLU (negative_slope=0.2)" in set(data["label"])


def test_typed_activation_joins_the_chart_and_the_table(page):
    page.text_input(key="expr").set_value("x * tanh(softplus(x))").run()
    assert_clean(page)
    data = curves(page)
    typed = data[(data["key"] == "typed") & (data["panel"] == "f(x)")]
    assert typed["value"].min() == pytest.approx(-0.3088, abs=2e-3)
    assert page_tables(page)[0][0]["activation"].iloc[-1] == "typed: x * tanh(softplus(x))"


@pytest.mark.parametrize(
    "text", [t for t in REFUSED if len(t) <= 200 and t.strip()], ids=lambda t: repr(t[:25])
)
def test_refused_typed_activation_shows_an_error_and_the_page_keeps_working(page, text):
    page.text_input(key="expr").set_value(text).run()
    assert_clean(page)
    assert page.error and "was not plotted" in page.error[0].value
    assert sorted(curves(page)["key"].unique()) == ["leaky_relu", "relu", "sigmoid", "tanh"]


def test_overflowing_typed_activation_is_clipped_with_a_message(page):
    page.text_input(key="expr").set_value("exp(1000*x)").run()
    assert_clean(page)
    assert any("clipped" in w.value for w in page.warning)
    values = curves(page)["value"].dropna()
    assert np.isfinite(values).all() and values.abs().max() <= 1e6


def test_log_of_negative_numbers_is_a_gap_with_a_message(page):
    page.text_input(key="expr").set_value("log(x)").run()
    assert any("undefined (NaN)" in w.value and "gap" in w.value for w in page.warning)
    typed = curves(page).query("key == 'typed' and panel == 'f(x)'")
    assert typed["x"].min() > 0  # no points where log is undefined, and no NaN sent to the chart
    assert not chart_frames(page)[0]["value"].isna().any()


def test_a_pole_is_a_gap_with_a_message_not_a_spike(page):
    page.text_input(key="expr").set_value("1/x").run()
    assert_clean(page)
    assert any("f is infinite (undefined) at x ≈ 0" in w.value for w in page.warning)
    typed = chart_frames(page)[0].query("key == 'typed'")
    assert 0.0 not in set(typed["x"]) and (typed.query('panel == "f\'(x)"')["value"] < 0).all()
    assert typed.groupby("panel")["segment"].nunique().tolist() == [2, 2]  # the line breaks at the pole


def rendered_text(at) -> str:
    """All the Markdown, captions and alerts of the page as sent to the browser."""
    return "\n".join(
        e.value for kind in ("markdown", "caption", "warning", "info", "error") for e in at.get(kind)
    )


@pytest.mark.parametrize(
    "text", ["x**2", "1/x", "log(x)", "sqrt(x)", "exp(x)", "max(0, x)", "abs(x)", "tan(x)"]
)
def test_typed_activation_text_has_no_nan_no_empty_zone_and_keeps_its_stars(page, text):
    page.text_input(key="expr").set_value(text).run()
    assert_clean(page)
    shown = rendered_text(page)
    assert "typed: " + text.replace("*", "\\*") in shown  # Markdown shows x**2, not x2 in bold
    assert "*" not in text or "typed: " + text not in shown
    assert "nan" not in shown.lower().replace("nan)", "")  # "undefined (NaN)" says it in words
    assert not re.search(r"([-−]?[\d.]+) < x < \1\b", shown)
    table = page_tables(page)[0][0]
    assert "nan" not in table.astype(str).to_string().lower().replace("none", "")


def test_slope_sentence_speaks_of_the_range_on_screen(page):
    page.text_input(key="expr").set_value("exp(x)").run()
    sentence = next(m.value for m in page.markdown if "peak slope" in m.value)
    assert "x from −6 to 6" in sentence and "403^10" in sentence and "5.18e+21" not in sentence


@pytest.mark.parametrize("x_range", [(-20.0, 20.0), (-10.0, 18.0), (-15.5, 16.5)])
def test_a_wide_range_draws_saturating_functions_whole_without_a_warning(page, x_range):
    """tanh is ±1 in float64 beyond 19 and hard swish is flat at its minimum: the page once
    said "tanh: f jumps at x ≈ 18.99" or "Hard swish: f is infinite at x ≈ −1.58" there and
    broke their lines. Continuous functions, typed or not, are one line each, with no warning."""
    page.pills(key="act").set_value(["sigmoid", "tanh", "hard_sigmoid", "hard_swish"])
    page.text_input(key="expr").set_value("tanh(x)")
    page.slider(key="x").set_value(x_range).run()
    assert_clean(page)
    assert not page.warning, [w.value for w in page.warning]
    segments = chart_frames(page)[0].groupby(["key", "panel"])["segment"].nunique()
    assert len(segments) == 10 and (segments == 1).all()
    assert "undefined" not in page.markdown[0].value and "infinite" not in " ".join(
        m.value for m in page.markdown
    )


def test_a_reversed_range_in_the_link_is_put_in_order():
    at = open_page(PAGE, {"x": ["5", "-5"]})
    assert_clean(at)
    assert at.slider(key="x").value == (-5.0, 5.0)
    assert not [w for w in at.warning if "could not be used" in w.value]
    data = curves(at)
    assert (data["x"].min(), data["x"].max()) == (-5.0, 5.0)


def test_nothing_chosen_says_what_to_do(page):
    page.pills(key="act").set_value([]).run()
    assert_clean(page)
    assert "Choose at least one activation" in page.info[0].value
    assert not chart_frames(page)


def test_zone_strip_marks_relu_dead_left_of_zero(page):
    zones = chart_frames(page)[1]
    relu_dead = zones[(zones["key"] == "relu") & (zones["kind"] == "dead")]
    assert relu_dead[["x_start", "x_end"]].values.tolist() == [[-6.0, 0.0]]
    assert any("ReLU**: |f'| < 0.01 for x < 0" in m.value for m in page.markdown)


def timed(at, seconds: float = 60.0):
    """Rerun ``at`` as the page's polling part does until the background timings are in."""
    deadline = time.monotonic() + seconds
    while "× ReLU" not in page_tables(at)[0][0] and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()
    return at


def test_cost_columns_are_measured_relative_to_relu(page):
    table = page_tables(timed(page))[0][0]
    assert table.loc[table["activation"] == "ReLU", "× ReLU"].iloc[0] == 1.0
    assert (table["f+f′ ms per 10⁶"] > 0).all()
    assert (table["× ReLU"] == (table["f+f′ ms per 10⁶"] / table["ReLU ms, same runs"]).round(1)).all()


def test_cost_sentence_ratios_are_the_ratios_of_the_times_beside_them(page):
    sentence = next(m.value for m in timed(page).markdown if "Measured on this machine" in m.value)
    assert_printed_ratios_match_printed_times(sentence)


def test_a_new_activation_draws_at_once_and_its_cost_follows_when_timed(page):
    """Choosing a function never timed in this process does not wait for its timing: the table
    comes without cost columns and says what is being timed; the columns arrive afterwards."""
    timed(page)
    typed = "x*tanh(x) + 0.001*x"  # an expression no other test times
    page.text_input(key="expr").set_value(typed).run()
    assert_clean(page)
    table = page_tables(page)[0][0]
    label = "typed: " + typed
    assert label in set(table["activation"]) and "× ReLU" not in table
    assert any("Timing f and f′ of" in c.value and "a million inputs" in c.value for c in page.caption)
    table = page_tables(timed(page))[0][0]
    assert table.loc[table["activation"] == label, "f+f′ ms per 10⁶"].iloc[0] > 0
    assert not any("Timing f and f′ of" in c.value for c in page.caption)


def test_which_one_where_links_each_rule_to_a_page(page):
    assert len(page.get("page_link")) == 6


def test_link_restores_the_scene():
    at = open_page(
        PAGE, {"act": ["relu", "ELU"], "x": ["-2", "2"], "elu_alpha": "2.5", "expr": "x*sigmoid(x)"}
    )
    assert_clean(at)
    assert at.pills(key="act").value == ["relu", "elu"]
    assert at.slider(key="elu_alpha").value == 2.5
    assert not [w for w in at.warning if "could not be used" in w.value]
    labels = set(curves(at)["label"])
    assert labels == {"ReLU", "ELU (alpha=2.5)", "typed: x*sigmoid(x)"}


def test_bad_link_values_fall_back_with_one_warning_naming_each():
    at = open_page(PAGE, {"act": ["gelu2"], "x": ["nan", "1e400"], "elu_alpha": "7", "bogus": "1"})
    assert_clean(at)
    (warning,) = [w.value for w in at.warning if "could not be used" in w.value]
    assert "`act` = `gelu2`" in warning and "`x` = `nan, 1e400`" in warning and "`bogus`" in warning
    assert at.pills(key="act").value == ["sigmoid", "tanh", "relu", "leaky_relu"]


def test_lecture_mode_folds_prose_and_keeps_the_notes_for_the_presenter_view():
    at = open_page(PAGE, {"lecture": "1"})
    labels = [e.label for e in at.expander]
    assert "Explanation" in labels and "Presenter notes" not in labels
    assert presenter_points(at) is None, "the projected page carries no notes"
    at = open_page(PAGE, {"lecture": "1", "presenter": "1"})
    assert_clean(at)
    assert presenter_points(at)


def test_a_typed_functions_formula_says_how_its_derivative_is_computed(page):
    """The numerical f′'s words sit under its formula (inside the formula they ran past a
    laptop's column); a registry function's formulas have none."""
    page.text_input(key="expr").set_value("x * tanh(softplus(x))").run()
    assert_clean(page)
    assert len(page.latex) == 10 and r"h = 6\times10^{-6}" in page.latex[-1].value
    notes = [c.value for c in page.caption if "central difference" in c.value]
    assert notes == [
        "Typed by you; its derivative is numerical: a central difference, from the left at a kink."
    ]
