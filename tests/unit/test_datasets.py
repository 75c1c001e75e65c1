"""The toy datasets: shape, labels, determinism, separability and input checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from explainer.datasets import DATASETS, MAX_NOISE, MAX_SAMPLES, get_dataset


def test_registry_holds_the_playground_set_plus_moons_and_linear():
    assert set(DATASETS) == {"circles", "xor", "gaussians", "spiral", "moons", "linear"}
    for key, entry in DATASETS.items():
        assert entry.key == key
        assert entry.label and entry.description.endswith(".")
        assert 0.0 <= entry.default_noise <= MAX_NOISE


@pytest.mark.parametrize("key", DATASETS)
@pytest.mark.parametrize("n_samples", [2, 7, 500])
def test_every_dataset_returns_float64_points_and_balanced_binary_labels(key, n_samples):
    X, y = DATASETS[key](n_samples, 0.1, 0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == {0, 1}
    assert np.sum(y == 0) == n_samples // 2
    assert np.isfinite(X).all()


@pytest.mark.parametrize("key", DATASETS)
def test_every_dataset_is_deterministic_for_a_seed_and_changes_with_it(key):
    X1, y1 = DATASETS[key](300, 0.2, 7)
    X2, y2 = DATASETS[key](300, 0.2, 7)
    X3, _ = DATASETS[key](300, 0.2, 8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("key", DATASETS)
def test_every_dataset_fits_one_plot_range(key):
    X, _ = DATASETS[key](1000, None, 0)
    assert np.abs(X).max() < 2.0


@pytest.mark.parametrize("key", DATASETS)
def test_noise_none_means_the_datasets_default_noise(key):
    entry = DATASETS[key]
    np.testing.assert_array_equal(entry(200, None, 3)[0], entry(200, entry.default_noise, 3)[0])


@pytest.mark.parametrize("key", DATASETS)
def test_the_linearly_separable_flag_matches_what_a_linear_model_achieves(key):
    X, y = DATASETS[key](600, 0.0, 0)
    accuracy = LogisticRegression(C=1e4, max_iter=5000).fit(X, y).score(X, y)
    if DATASETS[key].linearly_separable:
        assert accuracy >= 0.99
    else:
        assert accuracy <= 0.9


def test_noise_jitters_the_points_without_moving_the_labels():
    X0, y0 = DATASETS["xor"](400, 0.0, 1)
    X1, y1 = DATASETS["xor"](400, 0.3, 1)
    np.testing.assert_array_equal(y0, y1)
    assert 0.1 < np.std(X1 - X0) < 0.5
    # Without noise every xor point keeps the Playground's padding off the axes.
    assert np.abs(X0).min() >= 0.05 - 1e-12
    np.testing.assert_array_equal(y0, (X0[:, 0] * X0[:, 1] > 0).astype(int))


@pytest.mark.parametrize("bad", [0, 1, -5, MAX_SAMPLES + 1, 2.5, "100", None, True, float("nan")])
def test_bad_sample_counts_are_refused_with_what_came(bad):
    with pytest.raises(ValueError, match="n_samples"):
        DATASETS["circles"](bad, 0.1, 0)


@pytest.mark.parametrize("bad", [-0.1, MAX_NOISE + 0.5, float("nan"), float("inf"), "0.1"])
def test_bad_noise_is_refused_with_what_came(bad):
    with pytest.raises(ValueError, match="noise"):
        DATASETS["moons"](100, bad, 0)


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, None])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(ValueError, match="seed"):
        DATASETS["spiral"](100, 0.1, bad)


def test_whole_float_sample_counts_are_accepted():
    X, _ = DATASETS["linear"](100.0, 0.0, 0)
    assert X.shape == (100, 2)


def test_unknown_dataset_names_the_valid_keys():
    with pytest.raises(ValueError, match=r"Unknown dataset 'ring'.*circles"):
        get_dataset("ring")


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(sorted(DATASETS)),
    n_samples=st.integers(2, 400),
    noise=st.floats(0.0, MAX_NOISE),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_valid_request_gives_finite_balanced_data(key, n_samples, noise, seed):
    X, y = DATASETS[key](n_samples, noise, seed)
    assert X.shape == (n_samples, 2) and np.isfinite(X).all()
    assert np.bincount(y, minlength=2).tolist() == [n_samples // 2, n_samples - n_samples // 2]
