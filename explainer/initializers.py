"""Weight initializers, the gains that scale them, and the tables the initialization page shows.

Every initializer draws a (fan_in, fan_out) float64 matrix to be used as ``x @ W`` (Keras's axis
order; a PyTorch ``nn.Linear`` weight is its transpose, REFERENCE.md §1–2). Its variance is

    Var[W] = gain² · scale / fan(mode)       fan_in | fan_out | fan_avg = (fan_in + fan_out)/2

for the fan-scaled families (LeCun, Glorot, He, PyTorch's and scikit-learn's defaults), a
constant for ``standard_normal`` and ``small_normal``, and gain² / max(fan_in, fan_out) for
``orthogonal``. ``gain`` multiplies the standard deviation, as PyTorch's ``gain=`` does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .activations import ACTIVATIONS, Activation, torch_gain
from .meanfield import activation_moments, as_activation, chi, fixed_point

MAX_FAN = 100_000
MAX_GAIN = 1_000.0
MODES = ("fan_in", "fan_out", "fan_avg")
RULES = ("torch", "forward", "backward")
# Keras draws a normal truncated at two (parent) standard deviations and divides the requested
# std by the truncated normal's std, scipy.stats.truncnorm(-2, 2).std() (REFERENCE.md §2).
TRUNCATION = 2.0
TRUNCATED_STD = 0.87962566103423978
# The variance table samples at most this many entries, so 100,000 x 100,000 stays cheap, and at
# least this many (several matrices of a small shape), so that its check means something at 1 x 1.
MAX_SAMPLE_ENTRIES = 1 << 20
MIN_SAMPLE_ENTRIES = 1 << 12


@dataclass(frozen=True)
class Initializer:
    """A weight initializer: its distribution, variance rule, formula and source.

    ``distribution`` is "normal", "uniform", "truncated_normal" or "orthogonal". ``scale`` and
    ``mode`` give Var[W] = gain² · scale / fan(mode); ``mode=None`` means the variance does not
    depend on the fans (``standard_normal``: Var = gain² · scale) or, for ``orthogonal``, is fixed
    by the shape. ``family`` groups the normal / uniform / truncated variants of one rule.
    """

    key: str
    label: str
    distribution: str
    scale: float
    mode: str | None
    variance_latex: str
    source: str
    family: str | None = None
    note: str = ""

    @property
    def fan_scaled(self) -> bool:
        """Whether ``mode`` may be chosen (the variance divides by a fan)."""
        return self.mode is not None

    def _fan(self, fan_in: int, fan_out: int, mode: str | None) -> float:
        fan_in, fan_out = check_fans(fan_in, fan_out)
        if self.distribution == "orthogonal":
            if mode is not None:
                raise ValueError(
                    f"{self.key} has no mode: its variance is fixed by the shape; got mode={mode!r}."
                )
            return float(max(fan_in, fan_out))
        if self.mode is None:
            if mode is not None:
                raise ValueError(
                    f"{self.key} does not depend on the fans, so it takes no mode; got mode={mode!r}."
                )
            return 1.0
        chosen = self.mode if mode is None else mode
        if chosen not in MODES:
            raise ValueError(f"Unknown mode {chosen!r}; expected one of {list(MODES)}.")
        return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": 0.5 * (fan_in + fan_out)}[chosen]

    def variance(self, fan_in: int, fan_out: int, gain: float = 1.0, mode: str | None = None) -> float:
        """Var[W] = gain² · scale / fan(mode) (see the module docstring)."""
        gain = check_gain(gain)
        return gain * gain * self.scale / self._fan(fan_in, fan_out, mode)

    def std(self, fan_in: int, fan_out: int, gain: float = 1.0, mode: str | None = None) -> float:
        """The standard deviation of the weights this initializer draws (after any truncation)."""
        gain = check_gain(gain)
        return gain * math.sqrt(self.scale / self._fan(fan_in, fan_out, mode))

    def bound(self, fan_in: int, fan_out: int, gain: float = 1.0, mode: str | None = None) -> float | None:
        """The largest |w| it can draw: the uniform limit √3·std, the truncation point
        2·std/0.8796 of a truncated normal, ``gain`` for orthogonal; None for a normal."""
        std = self.std(fan_in, fan_out, gain, mode)
        if self.distribution == "uniform":
            return math.sqrt(3.0) * std
        if self.distribution == "truncated_normal":
            return TRUNCATION * std / TRUNCATED_STD
        if self.distribution == "orthogonal":
            return check_gain(gain)
        return None

    def unit_sample(
        self, fan_in: int, fan_out: int, rng: np.random.Generator, max_entries: int | None = None
    ) -> np.ndarray:
        """A draw of this initializer's distribution scaled to unit variance: ``sample`` is
        ``std(...)`` times this. Depends only on ``distribution`` and the shape, so every
        normal initializer (say) shares it; see ``sample`` for shapes and ``max_entries``."""
        fan_in, fan_out = check_fans(fan_in, fan_out)
        rows, cols = fan_in, fan_out
        if self.distribution == "orthogonal":
            w = _orthogonal(rows, cols, rng, max_entries)
            w *= math.sqrt(max(rows, cols))
            return w
        if max_entries is not None and rows * cols > max_entries:
            rows = max(1, min(rows, int(max_entries) // cols))
        shape = (rows, cols)
        if self.distribution == "normal":
            return rng.standard_normal(shape)
        if self.distribution == "uniform":
            return rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), shape)
        w = _truncated_standard_normal(shape, rng)
        w *= 1.0 / TRUNCATED_STD
        return w

    def sample(
        self,
        fan_in: int,
        fan_out: int,
        rng: np.random.Generator,
        gain: float = 1.0,
        mode: str | None = None,
        max_entries: int | None = None,
    ) -> np.ndarray:
        """A float64 array of shape (fan_in, fan_out) drawn from this initializer.

        With ``max_entries`` and fan_in·fan_out above it, the leading block of such a draw
        (whole rows for i.i.d. entries, leading orthonormal columns for ``orthogonal``), each
        entry distributed as in the full matrix. Orthogonal follows PyTorch's ``orthogonal_``:
        QR of a Gaussian matrix with the signs of R's diagonal folded into Q, so WᵀW = I
        (fan_in ≥ fan_out) or WWᵀ = I (fan_in < fan_out), times ``gain``.
        """
        std = self.std(fan_in, fan_out, gain, mode)
        w = self.unit_sample(fan_in, fan_out, rng, max_entries)
        w *= std
        return w


def _truncated_standard_normal(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    # Keras and PyTorch semantics: values beyond ±2 are discarded and redrawn.
    w = rng.standard_normal(shape)
    flat = w.reshape(-1)
    bad = np.flatnonzero(np.abs(flat) > TRUNCATION)
    while bad.size:
        flat[bad] = rng.standard_normal(bad.size)
        bad = bad[np.abs(flat[bad]) > TRUNCATION]
    return w


def _orthogonal(fan_in: int, fan_out: int, rng: np.random.Generator, max_entries: int | None) -> np.ndarray:
    """Orthonormal columns (fan_in ≥ fan_out) or rows, as PyTorch's orthogonal_ with gain 1."""
    n, m = max(fan_in, fan_out), min(fan_in, fan_out)
    if max_entries is not None and n * m > max_entries:
        # The first c columns of Q depend only on the first c columns of the Gaussian matrix.
        m = max(1, min(m, int(max_entries) // n))
    q, r = np.linalg.qr(rng.standard_normal((n, m)))
    q *= np.sign(np.diag(r))
    return q if fan_in >= fan_out else np.ascontiguousarray(q.T)


def _entry(
    key: str,
    label: str,
    distribution: str,
    scale: float,
    mode: str | None,
    latex: str,
    source: str,
    family: str | None = None,
    note: str = "",
) -> Initializer:
    return Initializer(key, label, distribution, scale, mode, latex, source, family, note)


_KERAS = "Keras 3 keras/src/initializers/random_initializers.py"
_TORCH_INIT = "PyTorch torch/nn/init.py"

INITIALIZERS: dict[str, Initializer] = {
    i.key: i
    for i in (
        _entry(
            "standard_normal",
            "N(0, 1)",
            "normal",
            1.0,
            None,
            r"\sigma^2 = 1",
            "The naive choice; CS231n lecture 5 (2016) shows it saturating tanh (W = 1.0·randn).",
            note="Ignores the fan-in: a unit's pre-activation variance is fan_in times its input's.",
        ),
        _entry(
            "small_normal",
            "N(0, 0.01²)",
            "normal",
            1e-4,
            None,
            r"\sigma^2 = 0.01^2",
            "CS231n lecture 5 (2016): W = 0.01·randn, activations collapse to 0 in a 10-layer tanh net.",
        ),
        _entry(
            "lecun_normal",
            "LeCun normal",
            "normal",
            1.0,
            "fan_in",
            r"\sigma^2 = \frac{1}{n_\text{in}}",
            "LeCun et al. 1998, Efficient BackProp; the SELU recipe (Klambauer et al. 2017). "
            "Untruncated, as PyTorch kaiming_normal_(nonlinearity='linear').",
            family="lecun",
        ),
        _entry(
            "lecun_uniform",
            "LeCun uniform",
            "uniform",
            1.0,
            "fan_in",
            r"\sigma^2 = \frac{1}{n_\text{in}},\quad a = \sqrt{\frac{3}{n_\text{in}}}",
            f"{_KERAS}: LecunUniform (VarianceScaling scale 1, fan_in, uniform).",
            family="lecun",
        ),
        _entry(
            "lecun_truncated_normal",
            "LeCun normal (Keras, truncated)",
            "truncated_normal",
            1.0,
            "fan_in",
            r"\sigma^2 = \frac{1}{n_\text{in}},\quad \text{parent std} = \frac{\sigma}{0.8796},\ |w| \le 2\,\text{parent std}",
            f"{_KERAS}: LecunNormal (VarianceScaling scale 1, fan_in, truncated_normal).",
            family="lecun",
        ),
        _entry(
            "glorot_normal",
            "Glorot (Xavier) normal",
            "normal",
            1.0,
            "fan_avg",
            r"\sigma^2 = \frac{2}{n_\text{in} + n_\text{out}}",
            f"Glorot & Bengio 2010; {_TORCH_INIT} xavier_normal_.",
            family="glorot",
        ),
        _entry(
            "glorot_uniform",
            "Glorot (Xavier) uniform",
            "uniform",
            1.0,
            "fan_avg",
            r"\sigma^2 = \frac{2}{n_\text{in} + n_\text{out}},\quad a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}}",
            f"Glorot & Bengio 2010, eq. 16 (normalized init); {_TORCH_INIT} xavier_uniform_.",
            family="glorot",
        ),
        _entry(
            "glorot_truncated_normal",
            "Glorot normal (Keras, truncated)",
            "truncated_normal",
            1.0,
            "fan_avg",
            r"\sigma^2 = \frac{2}{n_\text{in} + n_\text{out}},\quad \text{parent std} = \frac{\sigma}{0.8796}",
            f"{_KERAS}: GlorotNormal (VarianceScaling scale 1, fan_avg, truncated_normal).",
            family="glorot",
        ),
        _entry(
            "he_normal",
            "He (Kaiming) normal",
            "normal",
            2.0,
            "fan_in",
            r"\sigma^2 = \frac{2}{n_\text{in}}",
            f"He et al. 2015; {_TORCH_INIT} kaiming_normal_(nonlinearity='relu').",
            family="he",
        ),
        _entry(
            "he_uniform",
            "He (Kaiming) uniform",
            "uniform",
            2.0,
            "fan_in",
            r"\sigma^2 = \frac{2}{n_\text{in}},\quad a = \sqrt{\frac{6}{n_\text{in}}}",
            f"He et al. 2015; {_TORCH_INIT} kaiming_uniform_(nonlinearity='relu'); Keras HeUniform.",
            family="he",
        ),
        _entry(
            "he_truncated_normal",
            "He normal (Keras, truncated)",
            "truncated_normal",
            2.0,
            "fan_in",
            r"\sigma^2 = \frac{2}{n_\text{in}},\quad \text{parent std} = \frac{\sigma}{0.8796}",
            f"{_KERAS}: HeNormal (VarianceScaling scale 2, fan_in, truncated_normal).",
            family="he",
        ),
        _entry(
            "orthogonal",
            "Orthogonal",
            "orthogonal",
            1.0,
            None,
            r"W^\top W = I,\quad \sigma^2 = \frac{1}{\max(n_\text{in}, n_\text{out})}",
            f"Saxe et al. 2014; {_TORCH_INIT} orthogonal_ (QR with sign correction); Keras Orthogonal.",
            note="Preserves every vector's norm in a square layer; the entries are not independent.",
        ),
        _entry(
            "torch_linear_default",
            "PyTorch nn.Linear default",
            "uniform",
            1.0 / 3.0,
            "fan_in",
            r"\sigma^2 = \frac{1}{3\,n_\text{in}},\quad a = \frac{1}{\sqrt{n_\text{in}}}",
            "PyTorch torch/nn/modules/linear.py reset_parameters: kaiming_uniform_(a=√5), "
            "i.e. U(±1/√in_features); Glorot & Bengio's 'standard' heuristic.",
            note="A third of LeCun's variance and a sixth of He's; biases get the same uniform.",
        ),
        _entry(
            "sklearn_mlp_default",
            "scikit-learn MLP default",
            "uniform",
            1.0,
            "fan_avg",
            r"a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}},\quad \sigma^2 = \frac{2}{n_\text{in} + n_\text{out}}",
            "scikit-learn sklearn/neural_network/_multilayer_perceptron.py _init_coef (factor 6); "
            "used for relu, tanh and identity. Biases get the same uniform.",
            note="The same as glorot_uniform; scikit-learn does not switch to He for relu.",
        ),
        _entry(
            "sklearn_mlp_logistic",
            "scikit-learn MLP default (logistic)",
            "uniform",
            1.0 / 3.0,
            "fan_avg",
            r"a = \sqrt{\frac{2}{n_\text{in} + n_\text{out}}},\quad \sigma^2 = \frac{2}{3\,(n_\text{in} + n_\text{out})}",
            "scikit-learn _init_coef: factor 2 instead of 6 when activation='logistic'.",
        ),
        _entry(
            "keras_dense_default",
            "Keras Dense default",
            "uniform",
            1.0,
            "fan_avg",
            r"a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}},\quad \sigma^2 = \frac{2}{n_\text{in} + n_\text{out}}",
            "Keras 3 keras/src/layers/core/dense.py: kernel_initializer='glorot_uniform', bias 'zeros'.",
            note="glorot_uniform under another name.",
        ),
    )
}

DEFAULT_INITIALIZER = "he_normal"


def get_initializer(key: str) -> Initializer:
    """The registered initializer ``key``; a ValueError names the valid keys otherwise."""
    try:
        return INITIALIZERS[key]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown initializer {key!r}; expected one of {sorted(INITIALIZERS)}") from None


def check_fans(fan_in, fan_out) -> tuple[int, int]:
    """(fan_in, fan_out) as ints, or a ValueError unless each is a whole number in [1, 100,000]."""
    return _check_count("fan_in", fan_in, MAX_FAN), _check_count("fan_out", fan_out, MAX_FAN)


def _check_count(name: str, value, upper: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a whole number between 1 and {upper:,}; got {value!r}.")
    if not (math.isfinite(value) and float(value).is_integer() and 1 <= value <= upper):
        raise ValueError(f"{name} must be a whole number between 1 and {upper:,}; got {value!r}.")
    return int(value)


def check_gain(gain) -> float:
    """``gain`` as a float, or a ValueError unless it is finite, positive and at most 1000."""
    if isinstance(gain, bool) or not isinstance(gain, int | float | np.integer | np.floating):
        raise ValueError(f"gain must be a number in (0, {MAX_GAIN:g}]; got {gain!r}.")
    if not (math.isfinite(gain) and 0.0 < gain <= MAX_GAIN):
        raise ValueError(f"gain must be a number in (0, {MAX_GAIN:g}]; got {gain!r}.")
    return float(gain)


# --- gains ---------------------------------------------------------------------------------


def gain(
    activation: str | Activation, rule: str = "torch", params: Mapping[str, float] | None = None
) -> float | None:
    """The factor that multiplies a weight std for this activation, by one of three rules.

    ``"torch"``: PyTorch's ``calculate_gain`` (REFERENCE.md §1), None where PyTorch defines
    none (and for typed activations); leaky_relu uses ``params["negative_slope"]``.
    ``"forward"``: 1/√E[f(z)²], z ~ N(0, 1), so that fan_in·Var[W] = gain² keeps the forward
    second moment at 1. ``"backward"``: 1/√E[f'(z)²], the same for the backpropagated gradient.
    Expectations by piecewise Gauss–Legendre quadrature split at the activation's kinks
    (``meanfield.gaussian_expectation``). For ReLU all three are √2.
    """
    if rule not in RULES:
        raise ValueError(f"Unknown gain rule {rule!r}; expected one of {list(RULES)}.")
    act = as_activation(activation)
    if rule == "torch":
        if act.key not in ACTIVATIONS or act.numerical_grad:
            return None
        slope = act.resolve(params).get("negative_slope")
        return torch_gain(act.key, slope)
    _, second, slope2 = activation_moments(act, 1.0, params)
    moment = second if rule == "forward" else slope2
    what = "E[f(z)²]" if rule == "forward" else "E[f'(z)²]"
    if not (math.isfinite(moment) and moment > 0.0):
        raise ValueError(
            f"The {rule} gain of {act.label} needs a finite, positive {what} for z ~ N(0, 1); got {moment!r}."
        )
    return 1.0 / math.sqrt(moment)


def closed_form(value: float | None, tol: float = 1e-9) -> str | None:
    """A short exact form of ``value`` when it is p/q or √(p/q) with small p and q, else None."""
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    for q in range(1, 13):
        p = round(value * q)
        if 0 < p <= 100 and abs(value - p / q) <= tol * value:
            g = math.gcd(p, q)
            return f"{p // g}" if q == g else f"{p // g}/{q // g}"
    square = value * value
    for q in range(1, 13):
        p = round(square * q)
        if 0 < p <= 100 and abs(square - p / q) <= 2 * tol * square:
            g = math.gcd(p, q)
            p, q = p // g, q // g
            return f"√{p}" if q == 1 else f"√({p}/{q})"
    return None


def _show(value: float) -> str:
    """A number for a sentence: its exact form beside the decimal where it has one."""
    form = closed_form(value)
    if form is None:
        return f"{value:.4g}"
    return form if form.isdigit() else f"{form} ≈ {value:.4g}"


def _percent(a: float, b: float) -> str:
    change = a / b - 1.0
    return f"{abs(change):.1%} {'above' if change > 0 else 'below'}"


def _regime(chi_value: float) -> str:
    if chi_value > 1.01:
        return "gradients grow layer by layer"
    if chi_value < 0.99:
        return "gradients shrink layer by layer"
    return "the edge of chaos"


def _gain_sentence(
    act: Activation,
    torch: float | None,
    forward: float,
    backward: float,
    mean: float,
    second: float,
    chi_torch,
) -> str:
    label = act.label
    close = lambda a, b: abs(a / b - 1.0) < 1e-3
    parts: list[str] = []
    if torch is not None and close(torch, forward) and close(torch, backward):
        return f"All three agree on {label}: {_show(torch)}, so one weight scale keeps both passes steady."
    if torch is None:
        parts.append(f"PyTorch defines no gain for {label}.")
        if close(forward, backward):
            parts.append(f"The forward and backward gains agree at {_show(forward)}.")
    elif close(torch, forward):
        parts.append(f"PyTorch's {_show(torch)} equals the forward gain.")
    else:
        parts.append(
            f"PyTorch's {_show(torch)} is {_percent(torch, forward)} the forward gain {forward:.4g} "
            f"and {_percent(torch, backward)} the backward gain {backward:.4g}."
        )
    if not close(forward, backward):
        parts.append(
            f"Keeping the forward second moment needs {forward:.4g}, keeping the gradient's needs "
            f"{backward:.4g}: no single scale does both ({abs(forward / backward - 1):.0%} apart)."
        )
    share = mean * mean / second if second > 0 else 0.0
    if torch is not None and not close(torch, forward) and share > 0.1:
        parts.append(
            f"{label}'s outputs average {mean:.3g} for N(0, 1) inputs, so {share:.0%} of "
            f"E[f(z)²] = {second:.3g} is the squared mean, which a gain of {_show(torch)} does not account for."
        )
    if act.key == "selu" and torch is not None:
        verdict = "matches" if close(forward, 1.0) else "differs from"
        parts.append(
            f"PyTorch's docs say {_show(torch)} trades self-normalisation for more stable gradients in "
            f"rectangular layers, and recommend nonlinearity='linear' (gain 1) for self-normalising "
            f"networks; gain 1 {verdict} the forward gain computed here ({forward:.4g})."
        )
    if torch is not None and chi_torch is not None and not close(torch, forward):
        parts.append(f"At PyTorch's gain the mean-field factor is χ = {chi_torch:.3g}: {_regime(chi_torch)}.")
    return " ".join(parts)


def gains_table(
    activations: Iterable[str | Activation] | None = None,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per activation: PyTorch's gain, the forward and backward gains, and a sentence.

    Columns: ``key``, ``label``, ``torch_gain`` (NaN where PyTorch has none), ``forward_gain``,
    ``backward_gain``, ``mean`` = E[f(z)], ``second_moment`` = E[f(z)²], ``slope_moment`` =
    E[f'(z)²] for z ~ N(0, 1), ``torch_chi`` (mean-field χ at q* for σ_w = PyTorch's gain,
    Schoenholz et al. 2017) and ``sentence``, written from those numbers. ``params`` maps an
    activation key to its parameter values.
    """
    rows = []
    for item in ACTIVATIONS.values() if activations is None else activations:
        act = as_activation(item)
        own = (params or {}).get(act.key)
        mean, second, slope2 = activation_moments(act, 1.0, own)
        torch = gain(act, "torch", own)
        forward = gain(act, "forward", own)
        backward = gain(act, "backward", own)
        chi_torch = None
        if torch is not None:
            sigma_w2 = torch * torch
            chi_torch = chi(act, fixed_point(act, sigma_w2, params=own), sigma_w2, own)
        rows.append(
            {
                "key": act.key,
                "label": act.label,
                "torch_gain": torch,
                "forward_gain": forward,
                "backward_gain": backward,
                "mean": mean,
                "second_moment": second,
                "slope_moment": slope2,
                "torch_chi": chi_torch,
                "sentence": _gain_sentence(act, torch, forward, backward, mean, second, chi_torch),
            }
        )
    return pd.DataFrame(rows)


# --- the variance table ---------------------------------------------------------------------


def row_generators(seed: int, count: int) -> list[np.random.Generator]:
    """``count`` independent generators, the children of ``np.random.SeedSequence(seed)``: one per
    sampled matrix, so that two initializers of one distribution do not draw the same numbers
    (with one shared seed every normal row's gap, in standard errors, was the same number)."""
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(count)]


def variance_table(
    fan_in: int = 256,
    fan_out: int = 128,
    activation: str | Activation = "relu",
    gain: float = 1.0,
    seed: int = 0,
    initializers: Sequence[str] | None = None,
    params: Mapping[str, float] | None = None,
    max_entries: int = MAX_SAMPLE_ENTRIES,
) -> pd.DataFrame:
    """One row per initializer: its formula and spread, checked against a fresh sample.

    Columns: ``key``, ``label``, ``distribution``, ``mode``, ``formula`` (LaTeX), ``variance``,
    ``std``, ``bound`` (uniform limit; NaN, i.e. not applicable, otherwise), ``truncated_at``
    (|w| cut-off of a truncated normal; NaN otherwise), ``empirical_variance`` = mean(w²) of a
    matrix drawn from its own generator — row i's is the i-th child of
    ``np.random.SeedSequence(seed)`` (``row_generators``), so the rows' sampling errors are
    independent and the check is a check (every initializer here has mean 0), its
    ``sample_size`` (the whole matrix, or its leading block of at most ``max_entries`` entries) and
    ``matrices`` (1, or as many independent matrices as reach ``MIN_SAMPLE_ENTRIES`` weights for a
    small shape), ``standard_error`` of that estimate (std of w² over √n), ``agrees`` (within 5
    standard errors), ``forward_factor`` = fan_in·σ²·E[f(z)²]
    and ``backward_factor`` = fan_out·σ²·E[f'(z)²] for the chosen activation — the factors by
    which one layer scales the forward second moment and the gradient's (1 keeps them), and
    ``source``.
    """
    fan_in, fan_out = check_fans(fan_in, fan_out)
    gain = check_gain(gain)
    _, second, slope2 = activation_moments(activation, 1.0, params)
    rows = []
    keys = list(INITIALIZERS if initializers is None else initializers)
    for key, rng in zip(keys, row_generators(seed, len(keys)), strict=True):
        init = get_initializer(key)
        variance = init.variance(fan_in, fan_out, gain)
        bound = init.bound(fan_in, fan_out, gain)
        matrices = max(1, -(-MIN_SAMPLE_ENTRIES // (fan_in * fan_out)))
        w = np.concatenate(
            [
                init.sample(fan_in, fan_out, rng, gain, max_entries=max_entries).ravel()
                for _ in range(matrices)
            ]
        )
        squares = w * w
        rows.append(
            {
                "key": key,
                "label": init.label,
                "distribution": init.distribution.replace("_", " "),
                "mode": init.mode or "",
                "formula": init.variance_latex,
                "variance": variance,
                "std": math.sqrt(variance),
                "bound": bound if init.distribution == "uniform" else None,
                "truncated_at": bound if init.distribution == "truncated_normal" else None,
                "empirical_variance": float(np.mean(squares)),
                "sample_size": int(w.size),
                "matrices": matrices,
                "standard_error": float(np.std(squares) / math.sqrt(w.size)),
                "forward_factor": fan_in * variance * second,
                "backward_factor": fan_out * variance * slope2,
                "source": init.source,
            }
        )
    table = pd.DataFrame(rows)
    table["agrees"] = (table["empirical_variance"] - table["variance"]).abs() <= 5.0 * table["standard_error"]
    return table


# --- normal vs uniform vs truncated ----------------------------------------------------------


@dataclass(frozen=True)
class DistributionComparison:
    """Samples of one family's normal, uniform and truncated-normal variants, summarised.

    ``histogram``: distribution, key, bin_left, bin_right, density (empirical) and pdf (exact
    density at the bin centre). ``summary``: one row per variant with variance, empirical
    variance, std, max_abs (largest |w| drawn), bound (largest |w| possible, inf for a normal),
    beyond_2std (fraction with |w| > 2σ) and kurtosis (E[w⁴]/σ⁴: 3 normal, 1.8 uniform).
    ``sentence`` says what changes and what does not, from those numbers.
    """

    histogram: pd.DataFrame
    summary: pd.DataFrame
    sentence: str


def _pdf(distribution: str, x: np.ndarray, std: float) -> np.ndarray:
    if distribution == "uniform":
        bound = math.sqrt(3.0) * std
        return np.where(np.abs(x) <= bound, 0.5 / bound, 0.0)
    if distribution == "normal":
        return np.exp(-0.5 * (x / std) ** 2) / (std * math.sqrt(2.0 * math.pi))
    parent = std / TRUNCATED_STD
    mass = special.ndtr(TRUNCATION) - special.ndtr(-TRUNCATION)
    inside = np.abs(x) <= TRUNCATION * parent
    return np.where(
        inside, np.exp(-0.5 * (x / parent) ** 2) / (parent * math.sqrt(2.0 * math.pi) * mass), 0.0
    )


def distribution_comparison(
    family: str = "he",
    fan_in: int = 256,
    fan_out: int = 128,
    gain: float = 1.0,
    seed: int = 0,
    bins: int = 60,
) -> DistributionComparison:
    """The normal, uniform and truncated-normal initializers of one ``family`` ("lecun",
    "glorot", "he") at the same variance, each sampled as a (fan_in, fan_out) matrix (at most
    ``MAX_SAMPLE_ENTRIES``), each from its own child of ``np.random.SeedSequence(seed)``
    (``row_generators``); see ``DistributionComparison``.
    """
    members = [i for i in INITIALIZERS.values() if i.family == family]
    if not members:
        families = sorted({i.family for i in INITIALIZERS.values() if i.family})
        raise ValueError(f"Unknown initializer family {family!r}; expected one of {families}.")
    fan_in, fan_out = check_fans(fan_in, fan_out)
    samples = {
        i.key: i.sample(fan_in, fan_out, rng, gain, max_entries=MAX_SAMPLE_ENTRIES).ravel()
        for i, rng in zip(members, row_generators(seed, len(members)), strict=True)
    }
    std = members[0].std(fan_in, fan_out, gain)
    edge = max(float(np.max(np.abs(s))) for s in samples.values())
    edges = np.linspace(-edge, edge, bins + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    hist_rows, summary_rows = [], []
    for init in members:
        w = samples[init.key]
        density, _ = np.histogram(w, bins=edges, density=True)
        hist_rows.append(
            pd.DataFrame(
                {
                    "distribution": init.distribution.replace("_", " "),
                    "key": init.key,
                    "bin_left": edges[:-1],
                    "bin_right": edges[1:],
                    "density": density,
                    "pdf": _pdf(init.distribution, centres, std),
                }
            )
        )
        variance = init.variance(fan_in, fan_out, gain)
        bound = init.bound(fan_in, fan_out, gain)
        summary_rows.append(
            {
                "distribution": init.distribution.replace("_", " "),
                "key": init.key,
                "label": init.label,
                "variance": variance,
                "empirical_variance": float(np.var(w)),
                "std": math.sqrt(variance),
                "max_abs": float(np.max(np.abs(w))),
                "bound": math.inf if bound is None else bound,
                "beyond_2std": float(np.mean(np.abs(w) > 2.0 * std)),
                "kurtosis": float(np.mean(w**4) / variance**2),
                "sample_size": int(w.size),
            }
        )
    summary = pd.DataFrame(summary_rows)
    return DistributionComparison(
        pd.concat(hist_rows, ignore_index=True), summary, _distribution_sentence(summary)
    )


def _distribution_sentence(summary: pd.DataFrame) -> str:
    by = summary.set_index("distribution")
    spread = by["empirical_variance"]
    parts = [
        f"All three have variance {by['variance'].iloc[0]:.3g} (drawn: "
        + ", ".join(f"{name} {value:.3g}" for name, value in spread.items())
        + "), and the variance is all the next layer's pre-activation variance depends on."
    ]
    tails = ", ".join(
        f"{name} {row['max_abs']:.3g} ({row['max_abs'] / row['std']:.2f}σ, {row['beyond_2std']:.2%} beyond 2σ)"
        for name, row in by.iterrows()
    )
    parts.append(f"What changes is the tails — the largest |w| drawn: {tails}.")
    if "truncated normal" in by.index:
        row = by.loc["truncated normal"]
        parts.append(
            f"The truncated normal cuts at {row['bound']:.3g}, so its parent normal's std is divided by "
            f"{TRUNCATED_STD:.4f} to keep the variance at {row['variance']:.3g}."
        )
    return " ".join(parts)


# --- formulas as text ------------------------------------------------------------------------


def _over(coefficient: float, denominator: str) -> str:
    """coefficient / denominator as short text: "2/fan_in", "1/(3·fan_in)"."""
    form = closed_form(coefficient) or f"{coefficient:.4g}"
    if "/" in form:
        p, q = form.split("/")
        return f"{p}/({q}·{denominator})"
    return f"{form}/{denominator}"


def formula_text(key: str) -> str:
    """The variance rule of initializer ``key`` (gain 1) as plain text for a table cell:
    "σ² = 2/fan_in", "σ² = 2/(fan_in + fan_out); a = √(6/(fan_in + fan_out))", with the uniform
    limit a = √(3σ²) and a truncated normal's cut-off (2 parent stds, parent std = σ/0.8796)."""
    init = get_initializer(key)
    if init.distribution == "orthogonal":
        return "WᵀW = I (or WWᵀ = I); σ² = 1/max(fan_in, fan_out)"
    if init.mode is None:
        std = math.sqrt(init.scale)
        return "σ² = 1" if std == 1.0 else f"σ² = {std:g}² = {init.scale:g}"
    denominators = {"fan_in": "fan_in", "fan_out": "fan_out", "fan_avg": "(fan_in + fan_out)"}
    coefficient = init.scale * (2.0 if init.mode == "fan_avg" else 1.0)
    text = f"σ² = {_over(coefficient, denominators[init.mode])}"
    if init.distribution == "uniform":
        text += f"; a = √({_over(3.0 * coefficient, denominators[init.mode])})"
    elif init.distribution == "truncated_normal":
        text += f"; |w| ≤ 2σ/{TRUNCATED_STD:.4f}"
    return text


# --- the initialization page's scenes -----------------------------------------------------------

# The initialization page's URL parameters and their defaults.
PAGE_DEFAULTS: dict[str, object] = {
    "init": DEFAULT_INITIALIZER,
    "act": "relu",
    "fan_in": 256,
    "fan_out": 128,
    "family": "he",
    "depth": 20,
    "width": 256,
    "b_init": "torch_linear_default",
    "bias_c": 0.01,
    "n01": False,
}
# What every scene sets, so that it looks the same whatever was on screen before; the layer shape,
# the width and the constant bias stay as the visitor left them.
SCENE_KEYS = ("init", "act", "family", "depth", "b_init", "n01")

SCENES: dict[str, dict[str, object]] = {
    "pytorch_linear": {
        "label": "PyTorch nn.Linear default",
        "description": "PyTorch's nn.Linear draws weights and biases from U(±1/√fan_in) "
        "(torch/nn/modules/linear.py, reset_parameters: kaiming_uniform_ with a = √5): variance "
        "1/(3·fan_in), a third of LeCun's and a sixth of He's. Shown with ReLU.",
        "settings": {"init": "torch_linear_default", "act": "relu"},
    },
    "keras_dense": {
        "label": "Keras Dense default",
        "description": "Keras's Dense layer defaults to kernel_initializer='glorot_uniform' and zero "
        "biases (keras/src/layers/core/dense.py). Its own default activation is None (linear); shown "
        "here with ReLU, as a hidden layer would use it.",
        "settings": {
            "init": "keras_dense_default",
            "act": "relu",
            "family": "glorot",
            "b_init": "keras_dense_default",
        },
    },
    "sklearn_mlp": {
        "label": "scikit-learn MLP default",
        "description": "scikit-learn's MLPClassifier draws weights and biases from "
        "U(±√(6/(fan_in + fan_out))), Glorot's uniform, and keeps it for its default activation relu "
        "rather than switching to He (sklearn/neural_network/_multilayer_perceptron.py, _init_coef).",
        "settings": {
            "init": "sklearn_mlp_default",
            "act": "relu",
            "family": "glorot",
            "b_init": "sklearn_mlp_default",
        },
    },
    "he_relu": {
        "label": "He for ReLU",
        "description": "He et al. 2015: weights of variance 2/fan_in keep a ReLU network's forward "
        "variance from layer to layer, where Glorot's 1/fan_in (at fan_in = fan_out) halves it at every layer.",
        "settings": {"init": "he_normal", "act": "relu", "family": "he", "b_init": "he_normal"},
    },
    "lecun_selu": {
        "label": "LeCun for SELU, 50 layers",
        "description": "Klambauer et al. 2017: SELU with LeCun-normal weights (variance 1/fan_in) keeps "
        "the activations' mean at 0 and variance at 1 through depth.",
        "settings": {"init": "lecun_normal", "act": "selu", "family": "lecun", "depth": 50},
    },
    "standard_normal": {
        "label": "N(0, 1): why not",
        "description": "Weights from N(0, 1) ignore the fan-in: each pre-activation sums fan_in "
        "products, so its variance is fan_in times its input's. CS231n (2016, lecture 5) shows a tanh "
        "network saturating with W = 1.0·randn.",
        "settings": {"init": "standard_normal", "act": "tanh", "n01": True},
    },
}


def scene_settings(name: str) -> dict[str, object]:
    """The URL parameters scene ``name`` sets (``SCENE_KEYS``; those it does not name at their
    defaults); a ValueError names the scenes otherwise."""
    if name not in SCENES:
        raise ValueError(f"Unknown scene {name!r}; expected one of {list(SCENES)}")
    return {**{key: PAGE_DEFAULTS[key] for key in SCENE_KEYS}, **SCENES[name]["settings"]}


# --- sentences for the initialization page --------------------------------------------------------

# P(|Z| > 5) for a standard normal: how often a correct sampler lands outside 5 standard errors.
FIVE_SIGMA_TAIL = float(special.erfc(5.0 / math.sqrt(2.0)))


def describe_variance_table(table: pd.DataFrame, activation_label: str) -> list[str]:
    """Two sentences from ``variance_table``: whether every sample agrees with its formula (the
    largest gap in standard errors), and which initializers keep the chosen activation's forward
    second moment (``forward_factor`` within 5% of 1) and the range of that factor."""
    # 0 / 0 where every sampled w² is the same (an orthogonal 1 × 1 is ±1): no gap at all.
    gaps = ((table["empirical_variance"] - table["variance"]).abs() / table["standard_error"]).fillna(0.0)
    worst = int(np.argmax(gaps.to_numpy()))
    size = int(table["sample_size"].min())
    failed = table.loc[~table["agrees"], "label"].tolist()
    if failed:
        check = (
            f"{len(failed)} of {len(table)} samples fall outside 5 standard errors ({', '.join(failed)}); a "
            f"correct sampler does so with probability {FIVE_SIGMA_TAIL:.1e} per draw."
        )
    else:
        check = (
            f"All {len(table)} freshly drawn matrices (at least {size:,} weights each) agree with their "
            f"formula: every empirical σ² is within 5 standard errors of σ², the largest gap being "
            f"{gaps.iloc[worst]:.1f} standard errors ({table['label'].iloc[worst]})."
        )
    factor = table["forward_factor"]
    keep = table.loc[(factor - 1.0).abs() <= 0.05, "label"].tolist()
    low, high = int(np.argmin(factor.to_numpy())), int(np.argmax(factor.to_numpy()))
    kept = (
        f"{', '.join(keep)} keep it (factor within 5% of 1)"
        if keep
        else "none of the initializers keeps it within 5% of 1"
    )
    scale = (
        f"With {activation_label}, one layer multiplies the forward second moment by "
        f"fan_in·σ²·E[f(z)²] (z ~ N(0, 1)): {kept}; it ranges from {factor.iloc[low]:.3g} "
        f"({table['label'].iloc[low]}) to {factor.iloc[high]:.3g} ({table['label'].iloc[high]})."
    )
    return [check, scale]


def _decades(value: float, status: str) -> str:
    """A log10 ratio as a power of ten in Markdown math: $10^{+1.5}$."""
    if status == "dead":
        return "exactly 0"
    if status != "ok":
        return "beyond float64"
    return "$10^{0.0}$" if abs(value) < 0.05 else f"$10^{{{value:+.1f}}}$"


def _within(grid: pd.DataFrame, direction: str) -> pd.Series:
    """Cells whose ``direction`` variance ratio stays within one order of magnitude."""
    return (grid[f"{direction}_status"] == "ok") & (grid[f"{direction}_log10"].abs() <= 1.0)


def describe_travel(grid: pd.DataFrame, depth: int, width: int) -> list[str]:
    """Sentences from ``network.variance_travel``: how many cells keep each variance within one
    decade, how many of those are saturated, how many are healthy (outlined), the initializer with
    the most healthy activations, and the extremes."""
    from .network import HEALTHY_SATURATION

    total = len(grid)
    per_init = grid["healthy"].groupby(grid["init_label"], sort=False).sum()
    best = per_init[per_init == per_init.max()]
    n_acts = grid["activation"].nunique()
    finite = grid[grid["forward_status"] == "ok"]
    forward, backward = _within(grid, "forward"), _within(grid, "backward")
    flat_but_saturated = int((forward & ~grid["forward_healthy"]).sum())
    parts = [
        f"Over {depth} layers of width {width}, {int(forward.sum())} of {total} cells keep the activation "
        f"variance within one order of magnitude of layer 1's, and {int(backward.sum())} keep the "
        f"gradient's. {int(grid['healthy'].sum())} of the {total} are healthy (outlined): both within one "
        "order of magnitude, and "
        f"less than {HEALTHY_SATURATION:.0%} of layer {depth}'s unit-inputs saturated (|f′| < 0.01, not "
        "counting units switched off at 0 as on ReLU's negative side)"
        + (
            f"; {flat_but_saturated} keep a flat activation variance only because their units saturate."
            if flat_but_saturated
            else "."
        ),
    ]
    if int(best.iloc[0]):
        parts.append(f"Most activations healthy: {', '.join(best.index)} ({int(best.iloc[0])} of {n_acts}).")
    if len(finite):
        high = finite.loc[finite["forward_log10"].idxmax()]
        low = finite.loc[finite["forward_log10"].idxmin()]
        parts.append(
            f"The extremes: {high['init_label']} with {high['activation_label']} multiplies the variance by "
            f"{_decades(high['forward_log10'], 'ok')}; {low['init_label']} with {low['activation_label']} by "
            f"{_decades(low['forward_log10'], 'ok')}."
        )
    return parts


def describe_travel_pair(cell: pd.Series, depth: int) -> str:
    """One sentence on one ``variance_travel`` row: both ratios, per layer, and the verdict."""

    def part(direction: str) -> str:
        value, status = cell[f"{direction}_log10"], cell[f"{direction}_status"]
        if status != "ok":
            return _decades(value, status)
        per_layer = 10 ** (value / max(depth - 1, 1))
        verdict = "kept" if abs(value) <= 1.0 else "exploding" if value > 0 else "vanishing"
        return f"{_decades(value, status)} (×{per_layer:.3g} per layer: {verdict})"

    from .network import HEALTHY_SATURATION

    saturated = float(cell["saturated_fraction"])
    problems = []
    if saturated >= HEALTHY_SATURATION:
        problems.append(f"{saturated:.0%} of layer {depth}'s unit-inputs are saturated (|f′| < 0.01)")
    for direction, what in (("forward", "activation variance"), ("backward", "gradient")):
        value, status = cell[f"{direction}_log10"], cell[f"{direction}_status"]
        if status != "ok" or abs(value) > 1.0:
            trend = "is exactly 0" if status == "dead" else "explodes" if value > 0 else "vanishes"
            problems.append(f"the {what} {trend}")
    verdict = (
        f"Healthy: both stay within one order of magnitude and {saturated:.0%} of layer {depth}'s "
        "unit-inputs are saturated."
        if cell["healthy"]
        else "Not healthy: " + "; ".join(problems) + "."
    )
    return (
        f"{cell['init_label']} with {cell['activation_label']}: the activation variance at layer {depth} "
        f"is {part('forward')} times layer 1's, and the gradient variance at layer 1 is "
        f"{part('backward')} times layer {depth}'s. {verdict}"
    )


def describe_standard_normal_row(grid: pd.DataFrame, depth: int, width: int) -> list[str]:
    """Sentences on the ``standard_normal`` row of ``variance_travel``: the activations whose
    variance explodes (more than one decade up) and the range, and those that stay within one
    decade (bounded outputs saturate) with the range of their gradient ratio."""
    row = grid[grid["init"] == "standard_normal"]
    if row.empty:
        return []
    grows = row[(row["forward_status"] != "ok") | (row["forward_log10"] > 1.0)]
    bounded = row[(row["forward_status"] == "ok") & (row["forward_log10"] <= 1.0)]
    parts = [
        f"N(0, 1) weights ignore the fan-in: every pre-activation sums {width} products, so layer 1's "
        f"pre-activations have variance ≈ {width} (std ≈ {math.sqrt(width):.3g}) instead of ≈ 1."
    ]

    def span(frame: pd.DataFrame, direction: str) -> str:
        ok = frame[frame[f"{direction}_status"] == "ok"][f"{direction}_log10"]
        if ok.empty:
            return _decades(math.inf, "exploded")
        low, high = _decades(ok.min(), "ok"), _decades(ok.max(), "ok")
        return low if low == high else f"{low} to {high}"

    if len(grows):
        parts.append(
            f"Over {depth} layers the activation variance grows by {span(grows, 'forward')} for "
            f"{len(grows)} of {len(row)} activations ({', '.join(grows['activation_label'])})."
        )
    if len(bounded):
        shares = ", ".join(
            f"{row['activation_label']} {row['saturated_fraction']:.0%}" for _, row in bounded.iterrows()
        )
        parts.append(
            f"{', '.join(bounded['activation_label'])} stay within one decade: their outputs are bounded, "
            f"so they saturate instead — the share of layer {depth}'s unit-inputs with |f′| < 0.01 (units "
            f"switched off at 0 not counted): {shares}. A flat variance is not a healthy network."
        )
        up = bounded[(bounded["backward_status"] == "ok") & (bounded["backward_log10"] > 1.0)]
        if len(up):
            parts.append(
                f"Yet the gradient reaching layer 1 is {span(up, 'backward')} times layer {depth}'s for "
                f"{', '.join(up['activation_label'])}: the weights, {math.sqrt(width):.3g} times too large in "
                "std, multiply it by more than the flat activation takes away."
            )
    return parts
