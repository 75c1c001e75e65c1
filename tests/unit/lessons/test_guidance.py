"""Which activation where: each rule's quoted number, against a direct computation of it."""

import math
from pathlib import Path

import numpy as np
import pytest

from explainer.lessons.guidance import activation_guidance

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def rules():
    return activation_guidance(depth=10)


def test_hidden_layer_rules_come_before_output_rules_and_each_points_to_a_page_that_exists(rules):
    layers = [rule.layer for rule in rules]
    assert layers == sorted(layers, key=["hidden", "output"].index) and set(layers) == {"hidden", "output"}
    for rule in rules:
        assert (ROOT / rule.page).is_file(), rule.page
        assert rule.because.endswith(".") or rule.because.endswith(")."), rule.because


def test_relu_first_because_sigmoid_caps_the_gradient_at_a_quarter_per_layer(rules):
    first = rules[0]
    assert first.use.startswith("ReLU")
    assert f"0.25^10 = {0.25**10:.1e}" in first.because and "tanh's 1^10" in first.because
    assert f"0.25^3 = {0.25**3:.1e}" in activation_guidance(depth=3)[0].because


def test_the_dying_relu_share_is_the_normal_probability_below_one_standard_deviation(rules):
    share = 0.5 * (1.0 + math.erf(1.0 / math.sqrt(2.0)))
    assert f"for {share:.0%} of inputs" in rules[1].because and "slope 0.01" in rules[1].because


def test_selu_keeps_mean_zero_and_variance_one_under_a_sampled_check(rules):
    text = rules[2].because
    mean = float(text.split("keeps mean ")[1].split(" ")[0])
    variance = float(text.split("variance ")[1].split(":")[0])
    z = np.random.default_rng(0).standard_normal(2_000_000)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    selu = scale * np.where(z > 0, z, alpha * np.expm1(z))
    assert abs(mean) < 1e-6 and mean == pytest.approx(selu.mean(), abs=3e-3)
    assert variance == pytest.approx(1.0, abs=1e-5) and variance == pytest.approx(selu.var(), abs=3e-3)


def test_softmax_probabilities_are_the_normalised_exponentials_of_the_logits(rules):
    [softmax] = [rule for rule in rules if rule.use.startswith("softmax")]
    e = np.exp([2.0, 1.0, 0.1])
    quoted = ", ".join(f"{p:.2f}" for p in e / e.sum())
    assert f"become probabilities {quoted}, summing to 1.000" in softmax.because


def test_sigmoid_output_rule_quotes_its_values_at_plus_and_minus_thirty(rules):
    [sigmoid] = [rule for rule in rules if rule.use.startswith("sigmoid")]
    low, high = 1 / (1 + math.exp(30.0)), 1 / (1 + math.exp(-30.0))
    assert f"{low:.1e} and {high:.10f}" in sigmoid.because
