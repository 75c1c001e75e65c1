"""The recurrent cells: BPTT against central differences, Pascanu's bound, the LSTM's memory, the
adding problem's baseline, determinism, extremes, and training (the LSTM learns, clipping saves
an exploding RNN)."""

import math

import numpy as np
import pytest

import explainer
from explainer.nn import recurrent as R

from .differences import central_difference


def _small_network(cell):
    """A 5-unit cell with weights large enough that every nonlinearity bends, inputs (7, 3, 2),
    an initial state, and a random readout v with L = Σ v ⊙ h_T."""
    rng = np.random.default_rng(3)
    w = R.init_weights(cell, 5, rng, spectral_radius=1.3, forget_bias=1.0)
    w.Wx = rng.normal(0.0, 1.0, w.Wx.shape)  # the IRNN's inputs weights are 0.001: too flat to test
    w.b[:] = rng.normal(0.0, 0.5, w.b.shape)
    x = rng.standard_normal((7, 3, R.INPUT_SIZE))
    v = rng.standard_normal((3, 5))
    h0 = 0.5 * rng.standard_normal((3, 5))
    c0 = 0.5 * rng.standard_normal((3, 5)) if cell == "lstm" else None
    return w, x, v, h0, c0


def _loss(w, x, v, h0, c0):
    return float(np.sum(v * R.forward(w, x, h0, c0).states[-1]))


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_tape_keeps_each_gates_sigmoid_and_the_candidates_tanh_as_taken_from_z(cell):
    w, x, _, h0, c0 = _small_network(cell)
    tape = R.forward(w, x, h0, c0)
    H = w.hidden
    expected = 1.0 / (1.0 + np.exp(-tape.z))
    expected[..., 2 * H : 3 * H] = np.tanh(tape.z[..., 2 * H : 3 * H])
    np.testing.assert_allclose(tape.values, expected, rtol=1e-14, atol=1e-300)
    if cell == "gru":
        assert np.shares_memory(tape.candidates, tape.values)


@pytest.mark.parametrize("cell", R.CELLS)
@pytest.mark.parametrize("norms", [True, False])
def test_bptt_matches_central_differences_for_the_state_and_every_weight(cell, norms):
    w, x, v, h0, c0 = _small_network(cell)
    tape = R.forward(w, x, h0, c0)
    result = R.backward(w, x, tape, v, weights=True, norms=norms)
    loss = lambda: _loss(w, x, v, h0, c0)
    np.testing.assert_allclose(result.dh0, central_difference(loss, h0), atol=1e-7)
    if cell == "lstm":
        np.testing.assert_allclose(result.dc0, central_difference(loss, c0), atol=1e-7)
    for array, grad in zip(w.arrays(), result.grads, strict=True):
        np.testing.assert_allclose(grad, central_difference(loss, array), atol=1e-7)
    if norms:
        assert result.grad_log10[0] == pytest.approx(math.log10(np.linalg.norm(result.dh0)), abs=1e-9)


@pytest.mark.parametrize("cell", R.CELLS)
def test_the_training_loss_gradient_matches_central_differences(cell):
    rng = np.random.default_rng(5)
    w = R.init_weights(cell, 4, rng, spectral_radius=1.1)
    out = rng.normal(0.0, 1.0, 5)
    x, y = R.adding_batch(6, 3, rng)
    _, grads, norms = R._loss_and_grads(w, out, x, y, keep_norms=True)
    value = lambda: R._loss_and_grads(w, out, x, y, keep_norms=False)[0]
    for array, grad in zip([*w.arrays(), out], grads, strict=True):
        np.testing.assert_allclose(grad, central_difference(value, array), atol=1e-7)
    assert norms.shape == (6,) and np.isfinite(norms).all()


@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99])
def test_a_tanh_rnn_below_spectral_radius_one_decays_at_least_as_fast_as_pascanus_bound(rho):
    frame = explainer.recurrent_gradients("rnn", 300, 32, spectral_radius=rho, seed=1)
    relative = frame["grad_log10"] - frame["grad_log10"].iloc[-1]
    assert (relative <= frame["bound_log10"] + 1e-9).all()
    assert frame["bound_log10"].iloc[0] == pytest.approx(299 * math.log10(rho))


def test_the_jacobian_norm_column_is_the_spectral_norm_of_each_steps_jacobian():
    trace = R.gradient_trace("rnn", 20, 8, spectral_radius=1.4, seed=2)
    w = R.init_weights("rnn", 8, R.cell_rng(2, "rnn"), spectral_radius=1.4)
    x, _ = R.trace_inputs(20, 2)
    z = R.forward(w, x).z[:, 0, :]
    exact = [np.linalg.norm(np.diag(explainer.ACTIVATIONS["tanh"].df(zt)) @ w.Wh.T, 2) for zt in z]
    np.testing.assert_allclose(10 ** trace.frame["jacobian_log10"], exact, rtol=1e-10)
    assert trace.sigma_max == pytest.approx(1.4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_lstm_with_forget_bias_one_keeps_its_gradient_where_the_rnn_loses_ten_decades(seed):
    lstm = explainer.recurrent_gradients("lstm", 100, 32, forget_bias=1.0, seed=seed)
    rnn = explainer.recurrent_gradients("rnn", 100, 32, spectral_radius=0.9, seed=seed)
    assert lstm["grad_log10"].iloc[0] > -4
    assert rnn["grad_log10"].iloc[0] < -10
    assert lstm["forget_gate"].between(0, 1).all()


def test_the_gradient_stays_exact_in_logs_far_below_float64():
    frame = explainer.recurrent_gradients("rnn", 500, 16, spectral_radius=0.2, seed=0)
    assert frame["grad_log10"].iloc[0] < -330  # 0.2^499 ≈ 1e-349: beyond the smallest float64
    assert np.isfinite(frame["grad_log10"]).all() and (frame["grad_norm"].iloc[:10] == 0).all()
    assert (np.diff(frame["grad_log10"]) > 0).all()


def test_the_adding_baseline_is_one_sixth_exactly_and_on_a_large_sample():
    # Exactly: E[(u₁ + u₂ − 1)²] over the unit square by 2-point Gauss–Legendre (exact for cubics).
    nodes, weights = np.polynomial.legendre.leggauss(2)
    u, wu = (nodes + 1) / 2, weights / 2
    exact = sum(
        a * b * (x + y - 1) ** 2 for x, a in zip(u, wu, strict=True) for y, b in zip(u, wu, strict=True)
    )
    assert exact == pytest.approx(1 / 6, abs=1e-15)
    assert pytest.approx(1 / 6, abs=1e-15) == R.ADDING_BASELINE
    _, y = R.adding_batch(40, 50_000, np.random.default_rng(11))
    squared = (y - 1.0) ** 2
    assert abs(squared.mean() - 1 / 6) < 4 * squared.std() / math.sqrt(len(y))


def test_each_adding_sequence_marks_one_step_in_each_half_and_its_target_is_their_sum():
    x, y = R.adding_batch(10, 200, np.random.default_rng(0))
    markers = x[:, :, 1]
    assert (markers.sum(axis=0) == 2).all()
    assert (markers[:5].sum(axis=0) == 1).all() and (markers[5:].sum(axis=0) == 1).all()
    np.testing.assert_allclose((x[:, :, 0] * markers).sum(axis=0), y)
    assert ((x[:, :, 0] >= 0) & (x[:, :, 0] <= 1)).all()


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others():
    first = explainer.recurrent_gradients("gru", 50, 8, seed=4)
    assert first.equals(explainer.recurrent_gradients("gru", 50, 8, seed=4))
    assert not first.equals(explainer.recurrent_gradients("gru", 50, 8, seed=5))
    a = explainer.train_recurrent("lstm", "adding", 6, 4, iterations=5, seed=4)
    b = explainer.train_recurrent("lstm", "adding", 6, 4, iterations=5, seed=4)
    assert a.history.equals(b.history) and a.gradients.equals(b.gradients)


@pytest.mark.parametrize("cell", R.CELLS)
@pytest.mark.parametrize(("rho", "bias"), [(R.SPECTRAL_RADIUS_RANGE[1], 5.0), (0.0, -5.0), (2.0, 0.0)])
def test_extreme_settings_give_finite_numbers_and_no_warning(cell, rho, bias):
    frame = explainer.recurrent_gradients(
        cell, R.MAX_STEPS, R.MAX_HIDDEN, spectral_radius=rho, forget_bias=bias
    )
    assert len(frame) == R.MAX_STEPS and not frame.isna().any().any()
    assert np.isfinite(frame.select_dtypes("number")).all().all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: explainer.recurrent_gradients("lstm2", 10, 4), "Unknown cell"),
        (lambda: explainer.recurrent_gradients("rnn", 501, 4), "steps"),
        (lambda: explainer.recurrent_gradients("rnn", 10, 65), "hidden"),
        (lambda: explainer.recurrent_gradients("rnn", 10, 4, spectral_radius=math.nan), "spectral_radius"),
        (lambda: explainer.train_recurrent("rnn", "copying"), "Unknown task"),
        (lambda: explainer.train_recurrent("rnn", clip=0.0), "threshold"),
        (lambda: explainer.train_recurrent("rnn", learning_rate=0), "learning_rate"),
    ],
)
def test_a_refused_argument_says_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_lstm_learns_the_adding_problem_while_the_plain_rnn_stays_at_the_baseline():
    # T = 30 keeps this under 2 s; the page measures T = 50 (the scene adding_problem_T50).
    common = dict(learning_rate=0.03, iterations=400, seed=0)
    lstm = explainer.train_recurrent("lstm", "adding", 30, 8, **common)
    rnn = explainer.train_recurrent("rnn", "adding", 30, 8, **common)
    assert lstm.final_loss < 0.1 * R.ADDING_BASELINE
    assert rnn.final_loss > 0.8 * R.ADDING_BASELINE
    assert lstm.diverged_at is None and rnn.diverged_at is None


def test_clipping_keeps_an_exploding_relu_rnn_finite_where_plain_sgd_diverges():
    common = dict(learning_rate=0.01, iterations=150, seed=0, spectral_radius=1.2, optimizer="sgd")
    plain = explainer.train_recurrent("rnn_relu", "adding", 50, 16, **common)
    clipped = explainer.train_recurrent("rnn_relu", "adding", 50, 16, clip=1.0, **common)
    assert plain.diverged_at is not None and "Diverged" in plain.message
    assert clipped.diverged_at is None and clipped.message is None
    assert clipped.history["clipped"].any() and len(clipped.history) == 150
    for run in (plain, clipped):
        assert np.isfinite(run.history.select_dtypes("number")).all().all()
        assert np.isfinite(run.gradients["grad_log10"]).all()
    assert clipped.final_loss < 2 * R.ADDING_BASELINE


def test_progress_reports_rising_fractions_up_to_one():
    seen = []
    explainer.train_recurrent("gru", "adding", 5, 4, iterations=7, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 7


def test_the_registry_is_what_the_page_and_charts_read():
    assert set(R.CELLS) == {"rnn", "rnn_relu", "gru", "lstm"}
    assert all(isinstance(c, explainer.Cell) and c.label and c.description for c in explainer.CELLS.values())
    assert [R.CELLS[k].gates for k in ("rnn", "gru", "lstm")] == [1, 3, 4]
