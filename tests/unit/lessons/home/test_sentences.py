"""The home page's sentences and chart rows, each written from the story's numbers."""

import re

import pytest

from explainer.lessons.home import sentences as home
from explainer.lessons.home import story


@pytest.fixture(scope="module")
def chain():
    return story.chain_rule("sigmoid", 10)


def test_the_collapse_sentence_quotes_the_gap_and_the_unexplained_share():
    collapse = story.linear_collapse()
    text = home.collapse_sentence(collapse)
    assert f"on {collapse.samples:,} random inputs" in text
    assert f"at most {collapse.linear_gap:.1e}" in text and f"**{collapse.relu_unexplained:.0%}**" in text


def test_the_chain_sentence_shows_four_factors_and_a_product_equal_to_the_finite_difference(chain):
    text = home.chain_sentence(chain)
    assert text.startswith("A chain of 10 sigmoid units")
    factors = re.search(r"per unit: (.*) × … =", text).group(1).split(" × ")
    assert factors == [f"{v:.3f}" for v in chain.local["local_derivative"][:4]]
    product, finite = re.findall(r"(\d\.\d+e-\d+)", text)
    assert product == finite


def test_a_chain_of_four_or_fewer_units_has_no_ellipsis():
    assert "…" not in home.chain_sentence(story.chain_rule("sigmoid", 4))


def test_the_bounds_sentence_quotes_sigmoids_quarter_and_the_first_units_share(chain):
    text = home.bounds_sentence(story.slope_bounds(), chain)
    assert "Sigmoid's slope is at most 0.25, so 30 sigmoid layers keep at most 8.7e-19" in text
    assert "keep up to 1." in text
    assert f"the first unit received {chain.product:.1e}" in text


def test_the_dead_units_sentence_and_rows_come_from_the_same_curve():
    dead = story.dead_relu_units()
    text = home.dead_units_sentence(dead)
    assert f"**{dead.dead_at_shift:.0%} of the units are dead**" in text and "down by 4.5" in text
    rows = home.dead_units_lines(dead)
    assert list(rows.columns) == ["bias_shift", "share of", "fraction"]
    assert set(rows["share of"]) == set(home.DEAD_SERIES.values()) and len(rows) == 2 * len(dead.curve)


def test_the_recurrent_sentence_compares_a_forget_gate_with_sigmoids():
    text = home.recurrent_sentence(*story.gated_versus_squashed())
    assert "keeps 0.61 of a gradient over 50 steps" in text and "keep 8e-31" in text


def test_the_talking_points_give_one_line_per_number_and_the_two_story_sentences(chain):
    dead = story.dead_relu_units()
    points = home.talking_points(story.linear_collapse(), chain, dead, "init.", "fixes.")
    assert len(points) == 5 and points[1] == f"10 sigmoid units: gradient product {chain.product:.1e}."
    assert points[3:] == ["init.", "fixes."]
