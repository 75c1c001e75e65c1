"""Recurrent cells in numpy (a plain RNN, a GRU and an LSTM): the gradient through time, and
training on the adding problem.

One registry, ``CELLS``, names the cells the page, its charts and the tests read. Every cell maps
the input x_t (``INPUT_SIZE`` numbers) and the previous state to the next state with weights
W_x (input → gates), W_h (state → gates) and b, one block of ``hidden`` columns per gate:

- ``rnn``: h_t = tanh(W_xᵀx_t + W_hᵀh_{t−1} + b) (Elman 1990), W_h = ρ·Q with Q a random
  orthogonal matrix, so its spectral radius and its largest singular value are both ρ;
- ``rnn_relu``: the same with ReLU and W_h = ρ·I (the IRNN of Le, Jaitly & Hinton 2015, at
  ρ = 1), input weights N(0, 0.001²) as in Keras's reproduction of the IRNN
  (keras-team/keras, ``examples/mnist_irnn.py``);
- ``gru``: Cho et al. 2014 as PyTorch writes it: u, r = σ(·), n = tanh(W_xnᵀx + W_hnᵀ(r⊙h) + b_n),
  h_t = (1 − u)⊙n + u⊙h_{t−1};
- ``lstm``: Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000, gates in
  PyTorch's order i, f, g, o: c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t); the forget gate's bias
  starts at ``forget_bias`` (1 in Jozefowicz, Zaremba & Sutskever 2015), the others at 0.

The GRU and LSTM start as Keras does: W_x Glorot-uniform, each gate's W_h block orthogonal.
Everything is float64, seeded, and uses the project's stable sigmoid and tanh derivative
(``explainer.activations``), so nothing overflows or warns.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..activations import relu_grad, sigmoid, sigmoid_into, tanh_grad
from ..initializers import get_initializer
from .checks import real, whole
from .optimizers import Optimizer, check_clip, check_learning_rate, global_norm


@dataclass(frozen=True)
class Cell:
    """A recurrent cell: its key, label, gates per unit, and what a learner should know about it."""

    key: str
    label: str
    gates: int
    description: str


CELLS: dict[str, Cell] = {
    c.key: c
    for c in (
        Cell(
            "rnn",
            "RNN (tanh)",
            1,
            "h_t = tanh(W_xᵀx_t + W_hᵀh_{t−1} + b); the recurrent matrix is ρ times a random "
            "orthogonal matrix.",
        ),
        Cell(
            "rnn_relu",
            "RNN (ReLU, identity init)",
            1,
            "h_t = max(0, W_xᵀx_t + W_hᵀh_{t−1} + b) with W_h = ρ·I (the IRNN of Le, Jaitly & "
            "Hinton 2015 at ρ = 1).",
        ),
        Cell(
            "gru",
            "GRU",
            3,
            "An update gate u mixes the old state and a candidate: h_t = (1 − u)⊙n + u⊙h_{t−1} "
            "(Cho et al. 2014).",
        ),
        Cell(
            "lstm",
            "LSTM",
            4,
            "A cell state c_t = f⊙c_{t−1} + i⊙g carried by the forget gate f; h_t = o⊙tanh(c_t) "
            "(Hochreiter & Schmidhuber 1997; forget gate: Gers et al. 2000).",
        ),
    )
}
CELL_LABELS = {key: cell.label for key, cell in CELLS.items()}

INPUT_SIZE = 2  # the adding problem's (value, marker); random numbers in the gradient trace
MAX_STEPS = 500
MAX_HIDDEN = 64
SPECTRAL_RADIUS_RANGE = (0.0, 4.0)
FORGET_BIAS_RANGE = (-5.0, 5.0)
# An exactly zero gradient (every ReLU unit off) has no logarithm: it is drawn at this floor.
GRAD_LOG10_FLOOR = -400.0
FLOAT64_LOG10_CAP = 308.0  # grad_norm's ceiling, as log10
# The IRNN's input weights are N(0, 0.001²): the scale of Keras's reproduction of Le, Jaitly &
# Hinton 2015 (keras-team/keras, examples/mnist_irnn.py, ``RandomNormal(stddev=0.001)``).
IRNN_INPUT_STD = 1e-3


def get_cell(key: str) -> Cell:
    """The registry entry for ``key``; a ValueError naming the cells otherwise."""
    if key not in CELLS:
        raise ValueError(f"Unknown cell {key!r}; expected one of {list(CELLS)}.")
    return CELLS[key]


# --- weights -------------------------------------------------------------------------------------


@dataclass
class Weights:
    """A cell's parameters: ``Wx`` (INPUT_SIZE, gates·hidden), ``Wh`` (hidden, gates·hidden), ``b``."""

    cell: str
    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray

    @property
    def hidden(self) -> int:
        return self.Wh.shape[0]

    def arrays(self) -> list[np.ndarray]:
        return [self.Wx, self.Wh, self.b]


def cell_rng(seed: int, cell: str) -> np.random.Generator:
    """The generator of ``cell``'s weights for ``seed``: each cell its own stream, the same on every run."""
    return np.random.default_rng([seed, list(CELLS).index(cell)])


def init_weights(
    cell: str, hidden: int, rng: np.random.Generator, spectral_radius: float = 1.0, forget_bias: float = 1.0
) -> Weights:
    """Fresh weights for ``cell`` (see the module docstring for each cell's rule)."""
    gates = get_cell(cell).gates
    b = np.zeros(gates * hidden)
    if cell == "rnn_relu":
        Wx = rng.normal(0.0, IRNN_INPUT_STD, (INPUT_SIZE, hidden))
        return Weights(cell, Wx, spectral_radius * np.eye(hidden), b)
    Wx = get_initializer("glorot_uniform").sample(INPUT_SIZE, gates * hidden, rng)
    orthogonal = get_initializer("orthogonal")
    blocks = [orthogonal.sample(hidden, hidden, rng) for _ in range(gates)]
    Wh = np.concatenate(blocks, axis=1)
    if cell == "rnn":
        Wh *= spectral_radius
    if cell == "lstm":
        b[hidden : 2 * hidden] = forget_bias
    return Weights(cell, Wx, Wh, b)


# --- forward and backward through time -------------------------------------------------------------


@dataclass
class Tape:
    """What the forward pass keeps for the backward pass: ``states`` (T + 1, B, H) from h_0, the
    pre-activations ``z`` (T, B, gates·H), and for the LSTM the cell states (T + 1, B, H), for the
    GRU the candidates (T, B, H); ``values`` for both."""

    states: np.ndarray
    z: np.ndarray
    cells: np.ndarray | None = None
    candidates: np.ndarray | None = None
    # The gated cells' σ of each gate and tanh of the candidate, (T, B, gates·H), as the forward
    # pass took them, so the backward pass does not take them again.
    values: np.ndarray | None = None


def forward(w: Weights, x: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None) -> Tape:
    """Run ``w``'s cell over inputs ``x`` (T, B, INPUT_SIZE) from h_0 (and c_0) = 0 unless given."""
    steps, batch, _ = x.shape
    H = w.hidden
    xz = x @ w.Wx + w.b  # every step's input part at once
    states = np.zeros((steps + 1, batch, H))
    if h0 is not None:
        states[0] = h0
    z = np.empty_like(xz)
    cells = candidates = values = None
    if w.cell in ("rnn", "rnn_relu"):
        act = np.tanh if w.cell == "rnn" else (lambda u: np.maximum(u, 0.0))
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged ReLU net: checked by the caller
            for t in range(steps):
                z[t] = xz[t] + states[t] @ w.Wh
                states[t + 1] = act(z[t])
    elif w.cell == "lstm":
        cells = np.zeros((steps + 1, batch, H))
        if c0 is not None:
            cells[0] = c0
        values = np.empty_like(z)
        # Each step written into the tape's own arrays (``out=``): the same numbers, no temporaries.
        for t in range(steps):
            zt = np.matmul(states[t], w.Wh, out=z[t])
            zt += xz[t]
            v = sigmoid_into(zt, values[t])
            np.tanh(zt[:, 2 * H : 3 * H], out=v[:, 2 * H : 3 * H])  # the candidate g
            c = np.multiply(v[:, H : 2 * H], cells[t], out=cells[t + 1])
            c += v[:, :H] * v[:, 2 * H : 3 * H]
            h = np.tanh(c, out=states[t + 1])
            h *= v[:, 3 * H :]
    else:
        values = np.empty_like(z)
        candidates = values[..., 2 * H :]
        for t in range(steps):
            h = states[t]
            zt, v = z[t], values[t]
            np.matmul(h, w.Wh[:, : 2 * H], out=zt[:, : 2 * H])
            zt[:, : 2 * H] += xz[t, :, : 2 * H]
            sigmoid_into(zt[:, : 2 * H], v[:, : 2 * H])  # the update gate u, the reset gate r
            u, r = v[:, :H], v[:, H : 2 * H]
            np.matmul(r * h, w.Wh[:, 2 * H :], out=zt[:, 2 * H :])
            zt[:, 2 * H :] += xz[t, :, 2 * H :]
            n = np.tanh(zt[:, 2 * H :], out=v[:, 2 * H :])
            states[t + 1] = (1.0 - u) * n + u * h
    return Tape(states, z, cells, candidates, values)


@dataclass
class Backward:
    """The backward pass's results: ``grad_log10`` (T + 1,) log10 ‖∂L/∂h_t‖ for t = 0 … T (the
    Frobenius norm over the batch), ``cell_grad_log10`` the same for the LSTM's c_t (else None),
    the weight gradients ``grads`` (Wx, Wh, b; None when not asked for), and ``dh0``/``dc0``:
    ∂L/∂h_0 and ∂L/∂c_0 as float64 (0 where they underflow)."""

    grad_log10: np.ndarray
    cell_grad_log10: np.ndarray | None
    grads: list[np.ndarray] | None
    dh0: np.ndarray
    dc0: np.ndarray | None


def _pow10(exponent: float) -> float:
    """10**exponent, inf above float64's range and 0 below it (Python's pow would raise)."""
    return math.inf if exponent > 308.0 else (0.0 if exponent < -330.0 else 10.0**exponent)


def _slopes(w: Weights, tape: Tape) -> tuple[np.ndarray, np.ndarray | None]:
    """Every step's activation slopes at once, (T, B, gates·H): f′(z) for the plain RNNs; for the
    gated cells σ′ of each gate and tanh′ of the candidate; and the gates' values (else None)."""
    z, H = tape.z, w.hidden
    if w.cell == "rnn":
        return tanh_grad(z), None
    if w.cell == "rnn_relu":
        return relu_grad(z), None
    gates = tape.values  # σ(z) of the gates and tanh of the candidate, from the forward pass
    slopes = gates * sigmoid(-z)  # σ′(z) = σ(z)·σ(−z), as sigmoid_grad computes it, with σ(z) reused
    candidate = slice(2 * H, 3 * H)  # the LSTM's g, the GRU's n: tanh, not a gate
    slopes[..., candidate] = tanh_grad(z[..., candidate])
    return slopes, gates


def _summed_outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σ over steps t and rows b of a[t, b]ᵀ b[t, b]: (T, B, I) and (T, B, J) to (I, J), as one
    matrix product (about 9× faster than the equivalent einsum here)."""
    return a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])


def _squared(a: np.ndarray) -> float:
    flat = a.ravel()
    return float(flat @ flat)


def _log10_of(squared: float) -> float:
    return 0.5 * math.log10(squared) if squared > 0 else -math.inf


def backward(
    w: Weights, x: np.ndarray, tape: Tape, dh_top: np.ndarray, weights: bool = True, norms: bool = True
) -> Backward:
    """Backpropagate ∂L/∂h_T = ``dh_top`` (B, H) through time. With ``norms`` the adjoint is divided
    by its norm after every step and the norms' logarithms summed, so ‖∂L/∂h_t‖ is exact in logs
    however far below 1e-308 it falls; the weight gradients (``weights``) are at the true scale."""
    steps, _, _ = x.shape
    H = w.hidden
    lstm, gru = w.cell == "lstm", w.cell == "gru"
    slopes, gates = _slopes(w, tape)
    dh = np.array(dh_top, dtype=np.float64)
    dc = np.zeros_like(dh) if lstm else None
    scale_log10 = 0.0  # true adjoint = 10**scale_log10 × (dh, dc)
    grad_log10 = np.full(steps + 1, np.nan) if norms else None
    cell_log10 = np.full(steps + 1, np.nan) if lstm and norms else None
    dz_all = np.empty_like(tape.z) if weights else None
    scratch = None if weights else np.empty_like(tape.z[0])  # each step's dz when not kept
    scales = np.ones(steps) if weights else None
    WhT = w.Wh.T
    # Factors of every step taken at once outside the loop; inside it each step's dz is written
    # into its row of ``dz_all`` (``out=``). The same operations in the same order: the same numbers.
    if lstm:
        tanh_cells = np.tanh(tape.cells)
        cell_slopes = 1.0 - tanh_cells * tanh_cells
    if gru:
        Wh_gates_T, Wh_candidate_T = w.Wh[:, : 2 * H].T, w.Wh[:, 2 * H :].T
        keeps = 1.0 - gates[..., :H]  # 1 − u
        changes = tape.states[:-1] - gates[..., 2 * H :]  # h_(t−1) − n
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        for t in range(steps, 0, -1):
            if norms:
                dh_squared = _squared(dh)
                grad_log10[t] = scale_log10 + _log10_of(dh_squared)
            slope = slopes[t - 1]
            dz = dz_all[t - 1] if weights else scratch
            if not (lstm or gru):
                np.multiply(dh, slope, out=dz)
                dh_prev = dz @ WhT
            elif lstm:
                if norms:
                    cell_log10[t] = scale_log10 + _log10_of(_squared(dc))
                gate = gates[t - 1]
                to_cell = dh * gate[:, 3 * H :]
                to_cell *= cell_slopes[t]
                dc = dc + to_cell
                np.multiply(dc, gate[:, 2 * H : 3 * H], out=dz[:, :H])
                np.multiply(dc, tape.cells[t - 1], out=dz[:, H : 2 * H])
                np.multiply(dc, gate[:, :H], out=dz[:, 2 * H : 3 * H])
                np.multiply(dh, tanh_cells[t], out=dz[:, 3 * H :])
                dz *= slope
                dh_prev = dz @ WhT
                dc = dc * gate[:, H : 2 * H]
            else:
                gate = gates[t - 1]
                u, r = gate[:, :H], gate[:, H : 2 * H]
                h_prev = tape.states[t - 1]
                dn = np.multiply(dh, keeps[t - 1], out=dz[:, 2 * H :])
                dn *= slope[:, 2 * H :]
                d_rh = dn @ Wh_candidate_T
                np.multiply(dh, changes[t - 1], out=dz[:, :H])
                np.multiply(d_rh, h_prev, out=dz[:, H : 2 * H])
                dz[:, : 2 * H] *= slope[:, : 2 * H]
                dh_prev = dh * u + d_rh * r + dz[:, : 2 * H] @ Wh_gates_T
            if weights:
                scales[t - 1] = scale_log10
            dh = dh_prev
            if norms:
                # Rescale so the next step starts from a vector of norm 1 (exact in logs).
                size = math.sqrt(_squared(dh) + (_squared(dc) if lstm else 0.0))
                if size > 0 and math.isfinite(size):
                    dh = dh / size
                    if lstm:
                        dc = dc / size
                    scale_log10 += math.log10(size)
        if norms:
            grad_log10[0] = scale_log10 + _log10_of(_squared(dh))
            if lstm:
                cell_log10[0] = scale_log10 + _log10_of(_squared(dc))
        factor = _pow10(scale_log10)
        grads = None
        if weights:
            dz_all *= np.array([_pow10(s) for s in scales])[:, None, None]
            dWx = _summed_outer(x, dz_all)
            previous = tape.states[:-1]
            if gru:
                dWh = np.empty_like(w.Wh)
                dWh[:, : 2 * H] = _summed_outer(previous, dz_all[..., : 2 * H])
                reset_states = gates[..., H : 2 * H] * previous
                dWh[:, 2 * H :] = _summed_outer(reset_states, dz_all[..., 2 * H :])
            else:
                dWh = _summed_outer(previous, dz_all)
            grads = [dWx, dWh, dz_all.sum(axis=(0, 1))]
        dh0 = dh * factor
        dc0 = dc * factor if lstm else None
    return Backward(grad_log10, cell_log10, grads, dh0, dc0)


# --- the gradient through time ---------------------------------------------------------------------


@dataclass(frozen=True)
class GradientTrace:
    """One cell run over one random sequence, backpropagated from the last step: ``frame`` as
    ``recurrent_gradients`` returns it, ``forget_gates`` (T, H) for the LSTM (else None),
    ``sigma_max`` of W_h (the RNNs; for the gated cells the largest of their blocks)."""

    cell: str
    frame: pd.DataFrame
    forget_gates: np.ndarray | None
    sigma_max: float


def trace_inputs(steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The random sequence (T, 1, INPUT_SIZE) of standard normals every cell reads for ``seed``, and
    the unit vector v with L = v·h_T (so ‖∂L/∂h_T‖ = 1), for hidden size ``MAX_HIDDEN`` (cut to size)."""
    rng = np.random.default_rng([seed, 1_000])
    x = rng.standard_normal((steps, 1, INPUT_SIZE))
    v = rng.standard_normal(MAX_HIDDEN)
    return x, v


def _check_trace(cell, steps, hidden, spectral_radius, forget_bias, seed) -> tuple:
    get_cell(cell)
    steps = whole("steps", steps, 1, MAX_STEPS)
    hidden = whole("hidden", hidden, 1, MAX_HIDDEN)
    spectral_radius = real("spectral_radius", spectral_radius, *SPECTRAL_RADIUS_RANGE)
    forget_bias = real("forget_bias", forget_bias, *FORGET_BIAS_RANGE)
    seed = whole("seed", seed, 0, 2**32 - 1)
    return cell, steps, hidden, spectral_radius, forget_bias, seed


def gradient_trace(
    cell: str,
    steps: int,
    hidden: int,
    *,
    spectral_radius: float = 1.0,
    forget_bias: float = 1.0,
    seed: int = 0,
) -> GradientTrace:
    """``recurrent_gradients`` with what the page draws beside it (the LSTM's forget gates)."""
    cell, steps, hidden, spectral_radius, forget_bias, seed = _check_trace(
        cell, steps, hidden, spectral_radius, forget_bias, seed
    )
    w = init_weights(cell, hidden, cell_rng(seed, cell), spectral_radius, forget_bias)
    x, v = trace_inputs(steps, seed)
    top = v[:hidden] / np.linalg.norm(v[:hidden])
    tape = forward(w, x)
    result = backward(w, x, tape, top[None, :], weights=False)
    t = np.arange(1, steps + 1)
    grad_log10 = np.maximum(result.grad_log10[1:], GRAD_LOG10_FLOOR)
    with np.errstate(under="ignore"):
        # 0 below 1e-308 and capped at 1e308: grad_log10 holds the exact value.
        grad_norm = 10.0 ** np.minimum(grad_log10, FLOAT64_LOG10_CAP)
    frame = pd.DataFrame({"t": t, "grad_norm": grad_norm, "grad_log10": grad_log10})
    frame["exact_zero"] = ~np.isfinite(result.grad_log10[1:])
    H = hidden
    sigma_max = float(max(np.linalg.norm(w.Wh[:, k * H : (k + 1) * H], 2) for k in range(CELLS[cell].gates)))
    forget = None
    if cell in ("rnn", "rnn_relu"):
        slope = tanh_grad(tape.z[:, 0, :]) if cell == "rnn" else relu_grad(tape.z[:, 0, :])
        # ‖∂h_t/∂h_{t−1}‖ = ‖diag(f′(z_t)) W_hᵀ‖ = σ_max · max|f′(z_t)| exactly for W_h = ρ·(orthogonal).
        jac = sigma_max * slope.max(axis=1)
        with np.errstate(divide="ignore"):
            frame["jacobian_log10"] = np.maximum(np.log10(jac), GRAD_LOG10_FLOOR)
        # Pascanu et al. 2013: ‖∂L/∂h_t‖ ≤ ‖∂L/∂h_T‖ · (σ_max · max|f′|)^(T − t), max|f′| = 1.
        frame["bound_log10"] = (steps - t) * (math.log10(sigma_max) if sigma_max > 0 else GRAD_LOG10_FLOOR)
        frame["bound_log10"] = frame["bound_log10"].clip(lower=GRAD_LOG10_FLOOR)
    if cell == "lstm":
        forget = sigmoid(tape.z[:, 0, H : 2 * H])
        frame["forget_gate"] = forget.mean(axis=1)
        frame["forget_log10"] = np.log10(forget).mean(axis=1)
        frame["cell_grad_log10"] = np.maximum(result.cell_grad_log10[1:], GRAD_LOG10_FLOOR)
    return GradientTrace(cell, frame, forget, sigma_max)


def recurrent_gradients(
    cell: str,
    steps: int,
    hidden: int,
    *,
    spectral_radius: float = 1.0,
    forget_bias: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """‖∂L/∂h_t‖ for every step t = 1 … T of one cell run on random inputs (x_t standard normal,
    the same sequence for every cell of a seed) with L = v·h_T, v a random unit vector, so
    ‖∂L/∂h_T‖ = 1. One row per step: ``t``, ``grad_log10`` (exact: the backward vector is
    rescaled every step and the logarithms summed; an exactly zero gradient at
    ``GRAD_LOG10_FLOOR``, flagged in ``exact_zero``), ``grad_norm`` (10**grad_log10, 0 below
    1e-308). The plain RNNs add ``jacobian_log10`` (log10 ‖∂h_t/∂h_{t−1}‖ = σ_max(W_h)·max|f′(z_t)|)
    and ``bound_log10`` (Pascanu, Mikolov & Bengio 2013: (T − t)·log10 σ_max(W_h)); the LSTM adds
    ``forget_gate`` (the mean of f_t over units), ``forget_log10`` (the mean of log10 f_t) and
    ``cell_grad_log10`` (‖∂L/∂c_t‖). ``spectral_radius`` sets the plain RNNs' W_h, ``forget_bias``
    the LSTM's forget-gate bias; the other cells ignore them."""
    return gradient_trace(
        cell, steps, hidden, spectral_radius=spectral_radius, forget_bias=forget_bias, seed=seed
    ).frame


# --- the adding problem -----------------------------------------------------------------------------

TASKS = ("adding",)
ADDING_BASELINE = 1.0 / 6.0  # Var[u₁ + u₂] for u uniform on [0, 1]: 2 · 1/12
MAX_ITERATIONS = 5_000
BATCH_SIZE = 32
SNAPSHOTS = 6  # iterations whose per-step gradient norms are kept


def adding_batch(steps: int, batch: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem (Hochreiter & Schmidhuber 1997) in our own setup (values on [0, 1], one
    marker in each half, the target their plain sum; the form later papers use, not checked here
    against them): inputs (T, B, 2), a value uniform on [0, 1] and a marker, 1 at one step of the
    first half and one of the second (at the first and last step when T = 2), 0 elsewhere;
    targets (B,) the sum of the two marked values."""
    values = rng.uniform(0.0, 1.0, (steps, batch))
    half = max(1, steps // 2)
    first = rng.integers(0, half, batch)
    second = rng.integers(half, steps, batch) if steps > 1 else first
    markers = np.zeros((steps, batch))
    columns = np.arange(batch)
    markers[first, columns] = 1.0
    markers[second, columns] = 1.0
    targets = values[first, columns] + values[second, columns]
    return np.stack([values, markers], axis=2), targets


@dataclass
class RecurrentTraining:
    """A training run on the adding problem. ``history``: one row per iteration, ``iteration``
    (from 1), ``loss`` (the minibatch's MSE before the update), ``grad_norm`` (the global norm of
    the raw gradient, log-safe: capped at 1e300), ``clipped`` (whether clipping shortened it).
    ``gradients``: at ``SNAPSHOTS`` iterations, ``iteration``, ``t`` (1 … T) and ``grad_log10``
    (log10 ‖∂loss/∂h_t‖ over the minibatch). ``diverged_at``: the iteration whose update was undone
    because it would have left float64 (training stopped there), else None; ``message`` says so."""

    cell: str
    steps: int
    history: pd.DataFrame
    gradients: pd.DataFrame
    diverged_at: int | None = None
    message: str | None = None
    settings: dict = field(default_factory=dict)

    @property
    def final_loss(self) -> float:
        """The mean minibatch loss over the last tenth of the iterations (at least one)."""
        losses = self.history["loss"].to_numpy()
        return float(losses[-max(1, len(losses) // 10) :].mean())


def _loss_and_grads(w: Weights, out: np.ndarray, x: np.ndarray, y: np.ndarray, keep_norms: bool):
    """(MSE, [grads of Wx, Wh, b, out], log10 ‖∂loss/∂h_t‖ for t = 1 … T or None) of the
    readout ŷ = h_T · out[:H] + out[H]."""
    tape = forward(w, x)
    hT = tape.states[-1]
    batch = len(y)
    with np.errstate(over="ignore", invalid="ignore"):
        error = hT @ out[:-1] + out[-1] - y
        loss = float(np.mean(error * error))
    if not math.isfinite(loss):
        return loss, None, None
    d_error = 2.0 * error / batch
    d_out = np.concatenate([hT.T @ d_error, [d_error.sum()]])
    dh_top = np.outer(d_error, out[:-1])
    result = backward(w, x, tape, dh_top, weights=True, norms=keep_norms)
    norms = result.grad_log10[1:] if keep_norms else None
    return loss, [*result.grads, d_out], norms


def train_recurrent(
    cell: str,
    task: str = "adding",
    steps: int = 50,
    hidden: int = 16,
    *,
    learning_rate: float = 0.01,
    clip: float | None = None,
    iterations: int = 300,
    seed: int = 0,
    spectral_radius: float = 1.0,
    forget_bias: float = 1.0,
    optimizer: str = "adam",
    progress: Callable[[float], object] | None = None,
) -> RecurrentTraining:
    """Train ``cell`` (``hidden`` units, a linear readout of h_T) on the adding problem of length
    ``steps`` with minibatches of ``BATCH_SIZE`` fresh sequences, the MSE loss, ``optimizer``
    ("adam", Kingma & Ba 2015, or "sgd") at ``learning_rate``, and ``clip``: None, or a threshold
    for clipping the whole gradient by its norm (Pascanu, Mikolov & Bengio 2013, as PyTorch's
    ``clip_grad_norm_``). ``progress`` receives the fraction done. Predicting 1 always scores
    ``ADDING_BASELINE`` = 1/6. Never NaN: an update that would leave float64 is undone, and the run
    stops there (``diverged_at``, ``message``). See ``RecurrentTraining`` for the columns."""
    get_cell(cell)
    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}; expected one of {list(TASKS)}.")
    steps = whole("steps", steps, 2, MAX_STEPS)
    hidden = whole("hidden", hidden, 1, MAX_HIDDEN)
    iterations = whole("iterations", iterations, 1, MAX_ITERATIONS)
    seed = whole("seed", seed, 0, 2**32 - 1)
    learning_rate = check_learning_rate(learning_rate)
    clipping = None if clip is None else check_clip(("norm", clip))
    spectral_radius = real("spectral_radius", spectral_radius, *SPECTRAL_RADIUS_RANGE)
    forget_bias = real("forget_bias", forget_bias, *FORGET_BIAS_RANGE)
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"Unknown optimizer {optimizer!r}; expected 'adam' or 'sgd'.")

    rng = cell_rng(seed, cell)
    w = init_weights(cell, hidden, rng, spectral_radius, forget_bias)
    out = np.concatenate([get_initializer("glorot_uniform").sample(hidden, 1, rng)[:, 0], [0.0]])
    params = [*w.arrays(), out]
    opt = Optimizer(optimizer, learning_rate, params)
    data_rng = np.random.default_rng([seed, 2_000])  # the same sequences for every cell
    snapshots = set(np.unique(np.linspace(1, iterations, SNAPSHOTS).round().astype(int)).tolist())
    losses, norms, clipped, snapshot_rows = [], [], [], []
    diverged_at, message = None, None
    for iteration in range(1, iterations + 1):
        x, y = adding_batch(steps, BATCH_SIZE, data_rng)
        loss, grads, step_norms = _loss_and_grads(w, out, x, y, iteration in snapshots)
        norm = global_norm(grads) if grads is not None else math.inf
        if grads is None or not math.isfinite(norm):
            diverged_at = iteration
            message = (
                f"Diverged at iteration {iteration:,}: the loss or its gradient left float64, so "
                "training stopped with the last finite weights."
            )
            break
        losses.append(loss)
        norms.append(min(norm, 1e300))
        if step_norms is not None:
            snapshot_rows.append((iteration, np.maximum(step_norms, GRAD_LOG10_FLOOR)))
        was_clipped = clipping is not None and norm > clipping[1]
        if was_clipped:
            grads = [g * (clipping[1] / (norm + 1e-6)) for g in grads]
        clipped.append(was_clipped)
        before = [p.copy() for p in params]
        opt.step(params, grads)
        if not all(np.isfinite(p).all() and np.abs(p).max() < 1e150 for p in params):
            for p, old in zip(params, before, strict=True):
                p[...] = old
            diverged_at = iteration
            message = (
                f"Diverged at iteration {iteration:,}: the update would have taken the weights past "
                "float64's range, so it was undone and training stopped."
            )
            break
        if progress is not None:
            progress(iteration / iterations)
    history = pd.DataFrame(
        {
            "iteration": np.arange(1, len(losses) + 1),
            "loss": np.asarray(losses, dtype=np.float64),
            "grad_norm": np.asarray(norms, dtype=np.float64),
            "clipped": np.asarray(clipped, dtype=bool),
        }
    )
    gradients = pd.DataFrame(
        [
            {"iteration": it, "t": t + 1, "grad_log10": float(value)}
            for it, values in snapshot_rows
            for t, value in enumerate(values)
        ],
        columns=["iteration", "t", "grad_log10"],
    )
    settings = dict(
        hidden=hidden, learning_rate=learning_rate, clip=clip, iterations=iterations, seed=seed,
        spectral_radius=spectral_radius, forget_bias=forget_bias, optimizer=optimizer,
    )  # fmt: skip
    return RecurrentTraining(cell, steps, history, gradients, diverged_at, message, settings)
