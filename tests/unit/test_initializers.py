"""Initializers: variance formulas as published, samples that match them, and the gains."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from explainer import ACTIVATIONS, parse_activation
from explainer.initializers import (
    INITIALIZERS,
    MAX_FAN,
    MAX_SAMPLE_ENTRIES,
    MIN_SAMPLE_ENTRIES,
    TRUNCATED_STD,
    check_fans,
    closed_form,
    distribution_comparison,
    gain,
    get_initializer,
    variance_table,
)

# Var[W] of each registered initializer as its source states it (REFERENCE.md §1-3, §5), written
# independently of the registry's scale/mode so that a drifted entry fails here.
PUBLISHED_VARIANCE = {
    "standard_normal": lambda fi, fo: 1.0,
    "small_normal": lambda fi, fo: 0.01**2,
    "lecun_normal": lambda fi, fo: 1.0 / fi,
    "lecun_uniform": lambda fi, fo: (math.sqrt(3.0 / fi)) ** 2 / 3.0,
    "lecun_truncated_normal": lambda fi, fo: 1.0 / fi,
    "glorot_normal": lambda fi, fo: 2.0 / (fi + fo),
    "glorot_uniform": lambda fi, fo: (math.sqrt(6.0 / (fi + fo))) ** 2 / 3.0,
    "glorot_truncated_normal": lambda fi, fo: 2.0 / (fi + fo),
    "he_normal": lambda fi, fo: 2.0 / fi,
    "he_uniform": lambda fi, fo: (math.sqrt(6.0 / fi)) ** 2 / 3.0,
    "he_truncated_normal": lambda fi, fo: 2.0 / fi,
    "orthogonal": lambda fi, fo: 1.0 / max(fi, fo),
    "torch_linear_default": lambda fi, fo: (1.0 / math.sqrt(fi)) ** 2 / 3.0,
    "sklearn_mlp_default": lambda fi, fo: (math.sqrt(6.0 / (fi + fo))) ** 2 / 3.0,
    "sklearn_mlp_logistic": lambda fi, fo: (math.sqrt(2.0 / (fi + fo))) ** 2 / 3.0,
    "keras_dense_default": lambda fi, fo: (math.sqrt(6.0 / (fi + fo))) ** 2 / 3.0,
}
FANS = [(256, 128), (128, 256), (1, 1), (7, 300), (1000, 1000)]
GAINS = [1.0, 0.5, math.sqrt(2.0), 5.0 / 3.0]

PYTORCH_GAINS = {
    "identity": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1.0 + 0.01**2)),
    "selu": 3.0 / 4.0,
}


def test_every_registered_initializer_has_a_published_formula_in_this_test():
    assert set(PUBLISHED_VARIANCE) == set(INITIALIZERS)


@pytest.mark.parametrize("key", INITIALIZERS)
@pytest.mark.parametrize(("fan_in", "fan_out"), FANS)
@pytest.mark.parametrize("g", GAINS)
def test_std_equals_the_published_formula_times_the_gain(key, fan_in, fan_out, g):
    expected = g * math.sqrt(PUBLISHED_VARIANCE[key](fan_in, fan_out))
    assert INITIALIZERS[key].std(fan_in, fan_out, g) == pytest.approx(expected, rel=1e-15)
    assert INITIALIZERS[key].variance(fan_in, fan_out, g) == pytest.approx(expected**2, rel=1e-15)


def test_spot_values_glorot_uniform_bound_he_normal_std_torch_linear_bound():
    assert INITIALIZERS["glorot_uniform"].bound(256, 128) == pytest.approx(0.125, rel=1e-15)
    assert INITIALIZERS["he_normal"].std(256, 128) == pytest.approx(math.sqrt(2.0 / 256.0), rel=1e-15)
    assert INITIALIZERS["torch_linear_default"].bound(256, 128) == pytest.approx(1.0 / 16.0, rel=1e-15)
    assert INITIALIZERS["keras_dense_default"].bound(256, 128) == INITIALIZERS["glorot_uniform"].bound(
        256, 128
    )


def test_keras_truncation_constant_is_the_std_of_a_standard_normal_cut_at_two():
    assert stats.truncnorm(-2.0, 2.0).std() == pytest.approx(TRUNCATED_STD, rel=1e-15)


@pytest.mark.parametrize("key", [k for k, i in INITIALIZERS.items() if i.distribution == "truncated_normal"])
def test_truncated_normal_cuts_at_two_parent_standard_deviations(key):
    init = INITIALIZERS[key]
    assert init.bound(256, 128) == pytest.approx(2.0 * init.std(256, 128) / TRUNCATED_STD, rel=1e-15)


@pytest.mark.parametrize("key", ["he_normal", "he_uniform", "lecun_normal", "lecun_uniform"])
def test_mode_chooses_fan_in_fan_out_or_their_mean(key):
    init = INITIALIZERS[key]
    scale = init.variance(100, 100)
    assert init.variance(300, 50) == pytest.approx(scale * 100 / 300)
    assert init.variance(300, 50, mode="fan_out") == pytest.approx(scale * 100 / 50)
    assert init.variance(300, 50, mode="fan_avg") == pytest.approx(scale * 100 / 175)


def test_mode_is_refused_where_the_variance_ignores_the_fans():
    with pytest.raises(ValueError, match="takes no mode"):
        INITIALIZERS["standard_normal"].std(10, 10, mode="fan_in")
    with pytest.raises(ValueError, match="fixed by the shape"):
        INITIALIZERS["orthogonal"].std(10, 10, mode="fan_out")
    with pytest.raises(ValueError, match="Unknown mode 'fan_max'"):
        INITIALIZERS["he_normal"].std(10, 10, mode="fan_max")


def _standard_error_of_variance(w: np.ndarray) -> float:
    centred = w - w.mean()
    return math.sqrt(max(np.mean(centred**4) - np.mean(centred**2) ** 2, 0.0) / w.size)


@pytest.mark.parametrize("key", [k for k, i in INITIALIZERS.items() if i.distribution != "orthogonal"])
@pytest.mark.parametrize(("fan_in", "fan_out"), [(256, 128), (64, 512), (1000, 30)])
@pytest.mark.parametrize("g", [1.0, 2.5])
def test_sample_variance_is_within_five_standard_errors_of_std_squared(key, fan_in, fan_out, g):
    init = INITIALIZERS[key]
    w = init.sample(fan_in, fan_out, np.random.default_rng(7), g)
    assert w.shape == (fan_in, fan_out)
    assert w.dtype == np.float64
    assert abs(np.var(w) - init.std(fan_in, fan_out, g) ** 2) <= 5.0 * _standard_error_of_variance(w)


@pytest.mark.parametrize(("fan_in", "fan_out"), [(256, 128), (128, 256), (50, 50), (1, 9)])
@pytest.mark.parametrize("g", [1.0, 1.7])
def test_orthogonal_columns_or_rows_are_orthonormal_times_the_gain(fan_in, fan_out, g):
    w = INITIALIZERS["orthogonal"].sample(fan_in, fan_out, np.random.default_rng(3), g)
    gram = w.T @ w if fan_in >= fan_out else w @ w.T
    np.testing.assert_allclose(gram, g * g * np.eye(min(fan_in, fan_out)), atol=1e-12)
    # Its entries' mean square is then exactly the variance the registry states.
    assert np.mean(w**2) == pytest.approx(INITIALIZERS["orthogonal"].variance(fan_in, fan_out, g), rel=1e-12)


@pytest.mark.parametrize(
    "key", [k for k, i in INITIALIZERS.items() if i.distribution in ("uniform", "truncated_normal")]
)
def test_bounded_samples_never_exceed_the_bound(key):
    init = INITIALIZERS[key]
    w = init.sample(300, 200, np.random.default_rng(11), 1.3)
    assert np.max(np.abs(w)) <= init.bound(300, 200, 1.3)


@pytest.mark.parametrize("key", INITIALIZERS)
def test_a_seed_reproduces_the_sample_exactly(key):
    init = INITIALIZERS[key]
    a = init.sample(40, 30, np.random.default_rng(5))
    b = init.sample(40, 30, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("key", INITIALIZERS)
def test_huge_fans_are_sampled_as_a_leading_block_with_the_same_variance(key):
    init = INITIALIZERS[key]
    w = init.sample(MAX_FAN, 5_000, np.random.default_rng(2), max_entries=200_000)
    assert 0 < w.size <= 200_000
    assert abs(np.mean(w**2) - init.variance(MAX_FAN, 5_000)) <= 6.0 * _standard_error_of_variance(w) + 1e-15


@pytest.mark.parametrize("bad", [0, -3, MAX_FAN + 1, 2.5, math.nan, math.inf, True, "256", None])
def test_fans_outside_one_to_a_hundred_thousand_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match=r"fan_in must be a whole number between 1 and 100,000; got"):
        check_fans(bad, 10)
    with pytest.raises(ValueError, match=r"fan_out must be a whole number between 1 and 100,000; got"):
        INITIALIZERS["he_normal"].std(10, bad)


@pytest.mark.parametrize("bad", [0.0, -1.0, 1e6, math.nan, math.inf])
def test_gains_outside_zero_to_a_thousand_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match=r"gain must be a number in \(0, 1000\]; got"):
        INITIALIZERS["he_normal"].std(10, 10, bad)


def test_an_unknown_initializer_names_the_valid_keys():
    with pytest.raises(
        ValueError, match=r"Unknown initializer 'he_normall'; expected one of \[.*'he_normal'"
    ):
        get_initializer("he_normall")


# --- gains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "expected"), PYTORCH_GAINS.items())
def test_torch_gain_equals_pytorchs_calculate_gain_table(key, expected):
    assert gain(key, "torch") == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2, 0.3, 0.5])
def test_leaky_relu_torch_gain_uses_the_slope_and_equals_the_forward_gain(slope):
    params = {"negative_slope": slope}
    expected = math.sqrt(2.0 / (1.0 + slope * slope))
    assert gain("leaky_relu", "torch", params) == pytest.approx(expected, rel=1e-15)
    # E[leaky(z)^2] = (1 + s^2)/2 for z ~ N(0, 1), so the forward rule lands on PyTorch's formula.
    assert gain("leaky_relu", "forward", params) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("key", [k for k in ACTIVATIONS if k not in PYTORCH_GAINS])
def test_torch_gain_is_none_where_pytorch_defines_none(key):
    assert gain(key, "torch") is None


def test_relu_forward_and_backward_gains_are_root_two_to_1e_10():
    assert gain("relu", "forward") == pytest.approx(math.sqrt(2.0), abs=1e-10)
    assert gain("relu", "backward") == pytest.approx(math.sqrt(2.0), abs=1e-10)


def test_selu_forward_gain_is_one_because_its_second_moment_is_one():
    assert gain("selu", "forward") == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_quadrature_gains_agree_with_monte_carlo_within_five_standard_errors(key):
    act = ACTIVATIONS[key]
    z = np.random.default_rng(0).standard_normal(1_000_000)
    for rule, values in (("forward", act.f(z) ** 2), ("backward", act.df(z) ** 2)):
        estimate = values.mean()
        error = values.std() / math.sqrt(values.size)
        assert 1.0 / gain(key, rule) ** 2 == pytest.approx(estimate, abs=5.0 * error + 1e-12), rule


def test_a_typed_activation_gets_forward_and_backward_gains_and_no_torch_gain():
    typed = parse_activation("x * sigmoid(x)")
    assert gain(typed, "torch") is None
    assert gain(typed, "forward") == pytest.approx(gain("silu", "forward"), rel=1e-12)
    # The typed derivative is a central difference, good to about 1e-9.
    assert gain(typed, "backward") == pytest.approx(gain("silu", "backward"), rel=1e-7)


def test_a_typed_activation_that_is_zero_everywhere_has_no_gain_and_says_why():
    with pytest.raises(ValueError, match=r"forward gain .* needs a finite, positive E\[f\(z\)²\]"):
        gain(parse_activation("0 * x"), "forward")


def test_unknown_activation_and_rule_are_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match=r"Unknown activation 'rellu'; expected one of"):
        gain("rellu", "forward")
    with pytest.raises(
        ValueError, match=r"Unknown gain rule 'sideways'; expected one of \['torch', 'forward', 'backward'\]"
    ):
        gain("relu", "sideways")


@pytest.mark.parametrize(
    ("value", "form"),
    [
        (math.sqrt(2.0), "√2"),
        (5.0 / 3.0, "5/3"),
        (0.75, "3/4"),
        (1.0, "1"),
        (math.sqrt(2.0 / 3.0), "√(2/3)"),
        (1.2345, None),
    ],
)
def test_closed_form_recognises_small_fractions_and_their_roots(value, form):
    assert closed_form(value) == form


# --- tables ------------------------------------------------------------------------------------


def test_variance_table_checks_itself_every_row_agrees_with_its_sample():
    table = variance_table(256, 128, "relu", seed=0)
    assert list(table["key"]) == list(INITIALIZERS)
    assert table["agrees"].all()
    assert (table["sample_size"] == 256 * 128).all()
    he = table.set_index("key").loc["he_normal"]
    # He normal keeps the forward second moment of ReLU: fan_in * (2/fan_in) * 1/2 = 1.
    assert he.forward_factor == pytest.approx(1.0, rel=1e-12)
    glorot = table.set_index("key").loc["glorot_uniform"]
    assert glorot.bound == pytest.approx(0.125, rel=1e-15)


def test_variance_table_is_reproducible_from_its_seed():
    a, b = variance_table(64, 32, seed=4), variance_table(64, 32, seed=4)
    assert a.equals(b)


def test_variance_table_at_the_largest_fans_samples_a_capped_block():
    table = variance_table(MAX_FAN, MAX_FAN, "tanh")
    assert (table["sample_size"] <= MAX_SAMPLE_ENTRIES).all()
    assert table["agrees"].all()


@pytest.mark.parametrize("family", ["lecun", "glorot", "he"])
def test_normal_uniform_and_truncated_share_the_variance_but_not_the_tails(family):
    comparison = distribution_comparison(family, 256, 128, seed=1)
    summary = comparison.summary.set_index("distribution")
    for _, row in summary.iterrows():
        assert abs(row.empirical_variance - row.variance) <= 5.0 * row.variance * math.sqrt(
            2.0 / row.sample_size
        )
        assert row.max_abs <= row.bound
    assert summary.loc["uniform", "beyond_2std"] == 0.0
    assert (
        summary.loc["normal", "max_abs"]
        > summary.loc["truncated normal", "max_abs"]
        > summary.loc["uniform", "max_abs"]
    )
    assert summary.loc["uniform", "kurtosis"] == pytest.approx(1.8, abs=0.05)
    assert summary.loc["normal", "kurtosis"] == pytest.approx(3.0, abs=0.15)
    assert f"{summary.loc['normal', 'max_abs']:.3g}" in comparison.sentence
    histogram = comparison.histogram
    widths = histogram["bin_right"] - histogram["bin_left"]
    for _, group in histogram.assign(mass=histogram["density"] * widths).groupby("key"):
        assert group["mass"].sum() == pytest.approx(1.0, rel=1e-9)


def test_an_unknown_family_names_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"Unknown initializer family 'kaiming'; expected one of \['glorot', 'he', 'lecun'\]"
    ):
        distribution_comparison("kaiming")


@pytest.mark.parametrize(("fan_in", "fan_out"), [(1, 1), (3, 7), (64, 64)])
def test_a_small_shape_is_sampled_as_several_matrices_so_the_check_still_means_something(fan_in, fan_out):
    table = variance_table(fan_in, fan_out, "relu", seed=2)
    per_matrix = fan_in * fan_out
    assert (table["matrices"] == -(-MIN_SAMPLE_ENTRIES // per_matrix)).all()
    assert (table["sample_size"] == table["matrices"] * per_matrix).all()
    assert (table["sample_size"] >= MIN_SAMPLE_ENTRIES).all()
    assert table["agrees"].all()
    # The estimator is mean(w²): an orthonormal matrix's is exactly 1 / max(fan_in, fan_out).
    orthogonal = table.set_index("key").loc["orthogonal"]
    assert orthogonal.empirical_variance == pytest.approx(1 / max(fan_in, fan_out), rel=1e-12)


# --- the page's formulas, scenes and sentences ------------------------------------------------------


def _gaps_in_standard_errors(table: pd.DataFrame) -> np.ndarray:
    """(empirical σ² − σ²) / standard error per row, without orthogonal (its Σw² is exact)."""
    rows = table[table["key"] != "orthogonal"]
    return ((rows["empirical_variance"] - rows["variance"]) / rows["standard_error"]).to_numpy()


def test_every_variance_check_draws_its_own_matrix_so_the_gaps_differ_and_spread_like_a_normal():
    gaps = _gaps_in_standard_errors(variance_table(seed=0))
    # One shared seed gave every normal row one gap and every uniform row another (0.6 and 1.2).
    assert len(np.unique(np.round(gaps, 6))) == len(gaps), gaps
    pooled = np.concatenate([_gaps_in_standard_errors(variance_table(seed=seed)) for seed in range(10)])
    assert abs(pooled.mean()) < 0.3 and 0.75 < pooled.std() < 1.25, (pooled.mean(), pooled.std())
    assert stats.kstest(pooled, "norm").pvalue > 0.001
    assert np.abs(pooled).max() < 5.0


def test_the_family_comparison_draws_each_variant_independently():
    comparison = distribution_comparison("glorot", 256, 256)
    # Glorot normal and uniform at fan_in = fan_out have the same variance; independent draws
    # give different sample variances (one seed gave the normal and truncated ones one error).
    spread = comparison.summary["empirical_variance"]
    assert spread.nunique() == len(spread)
