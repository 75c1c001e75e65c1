"""The home page: six steps, each with a number computed live and a link to its page."""

import re

import pytest

from .conftest import assert_clean, chart_frames, open_page


@pytest.fixture(scope="module")
def home():
    return open_page()


def test_six_numbered_steps_each_with_a_link(home):
    assert_clean(home)
    headers = [h.value for h in home.header]
    assert [h.split(".")[0] for h in headers] == ["1", "2", "3", "4", "5", "6"]
    assert len(home.get("page_link")) >= 6


def test_every_step_quotes_a_number(home):
    steps = [m.value for m in home.markdown if len(m.value) > 120]
    assert len(steps) >= 6
    for text in steps[1:]:
        assert re.search(r"\d", text), text


def test_chain_rule_product_equals_the_finite_difference(home):
    text = next(m.value for m in home.markdown if "A finite difference" in m.value)
    product, finite = re.findall(r"(\d\.\d+e-\d+)", text)[-2:]
    assert product == finite


def test_chain_slider_changes_the_chain_and_its_chart():
    at = open_page()
    at.slider(key="chain").set_value(20).run()
    assert_clean(at)
    chain = chart_frames(at)[0]
    assert chain["layer"].max() == 20
    assert "A chain of 20 sigmoid units" in next(m.value for m in at.markdown if "A chain of" in m.value)


def test_fixes_table_shows_each_fix_restoring_the_gradient(home):
    table = home.table[0].value
    assert table["setting"].tolist()[0] == "sigmoid, Glorot init"
    assert table["orders of magnitude"].iloc[0] < -8
    assert (table["orders of magnitude"].iloc[1:].abs() < 1).all()


def test_fixes_table_prints_tiny_ratios_in_scientific_notation(home):
    table = home.table[0].value
    ratios = table["layer 1 ÷ layer L gradient"].tolist()
    assert re.fullmatch(r"\d\.\d\de-\d+", ratios[0]), ratios
    assert not any("0.00000" in str(r) for r in ratios)


def test_fixes_sentence_bound_is_not_below_the_largest_distance_it_bounds(home):
    table = home.table[0].value
    text = next(m.value for m in home.markdown if "orders of magnitude" in m.value)
    bound = float(re.search(r"within (\d+\.\d+) orders of magnitude", text).group(1))
    assert bound >= table["orders of magnitude"].iloc[1:].abs().max()
    assert "0.000000" not in text
