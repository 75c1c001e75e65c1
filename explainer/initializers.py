"""Weight initializers, the gains that scale them, and samples checked against their formulas.

Every initializer draws a (fan_in, fan_out) float64 matrix to be used as ``x @ W`` (Keras's axis
order; a PyTorch ``nn.Linear`` weight is its transpose, REFERENCE.md §1–2). Its variance is

    Var[W] = gain² · scale / fan(mode)       fan_in | fan_out | fan_avg = (fan_in + fan_out)/2

for the fan-scaled families (LeCun, Glorot, He, PyTorch's and scikit-learn's defaults), a
constant for ``standard_normal`` and ``small_normal``, and gain² / max(fan_in, fan_out) for
``orthogonal``. ``gain`` multiplies the standard deviation, as PyTorch's ``gain=`` does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .activations import ACTIVATIONS, Activation, torch_gain
from .meanfield import activation_moments, as_activation
from .nn.checks import is_number, whole

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


_KERAS = "Keras 3 keras/src/initializers/random_initializers.py"
_TORCH_INIT = "PyTorch torch/nn/init.py"

INITIALIZERS: dict[str, Initializer] = {
    i.key: i
    for i in (
        Initializer(
            "standard_normal",
            "N(0, 1)",
            "normal",
            1.0,
            None,
            r"\sigma^2 = 1",
            "The naive choice; CS231n lecture 5 (2016) shows it saturating tanh (W = 1.0·randn).",
            note="Ignores the fan-in: a unit's pre-activation variance is fan_in times its input's.",
        ),
        Initializer(
            "small_normal",
            "N(0, 0.01²)",
            "normal",
            1e-4,
            None,
            r"\sigma^2 = 0.01^2",
            "CS231n lecture 5 (2016): W = 0.01·randn, activations collapse to 0 in a 10-layer tanh net.",
        ),
        Initializer(
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
        Initializer(
            "lecun_uniform",
            "LeCun uniform",
            "uniform",
            1.0,
            "fan_in",
            r"\sigma^2 = \frac{1}{n_\text{in}},\quad a = \sqrt{\frac{3}{n_\text{in}}}",
            f"{_KERAS}: LecunUniform (VarianceScaling scale 1, fan_in, uniform).",
            family="lecun",
        ),
        Initializer(
            "lecun_truncated_normal",
            "LeCun normal (Keras, truncated)",
            "truncated_normal",
            1.0,
            "fan_in",
            r"\sigma^2 = \frac{1}{n_\text{in}},\quad \text{parent std} = \frac{\sigma}{0.8796},\ |w| \le 2\,\text{parent std}",
            f"{_KERAS}: LecunNormal (VarianceScaling scale 1, fan_in, truncated_normal).",
            family="lecun",
        ),
        Initializer(
            "glorot_normal",
            "Glorot (Xavier) normal",
            "normal",
            1.0,
            "fan_avg",
            r"\sigma^2 = \frac{2}{n_\text{in} + n_\text{out}}",
            f"Glorot & Bengio 2010; {_TORCH_INIT} xavier_normal_.",
            family="glorot",
        ),
        Initializer(
            "glorot_uniform",
            "Glorot (Xavier) uniform",
            "uniform",
            1.0,
            "fan_avg",
            r"\sigma^2 = \frac{2}{n_\text{in} + n_\text{out}},\quad a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}}",
            f"Glorot & Bengio 2010, eq. 16 (normalized init); {_TORCH_INIT} xavier_uniform_.",
            family="glorot",
        ),
        Initializer(
            "glorot_truncated_normal",
            "Glorot normal (Keras, truncated)",
            "truncated_normal",
            1.0,
            "fan_avg",
            r"\sigma^2 = \frac{2}{n_\text{in} + n_\text{out}},\quad \text{parent std} = \frac{\sigma}{0.8796}",
            f"{_KERAS}: GlorotNormal (VarianceScaling scale 1, fan_avg, truncated_normal).",
            family="glorot",
        ),
        Initializer(
            "he_normal",
            "He (Kaiming) normal",
            "normal",
            2.0,
            "fan_in",
            r"\sigma^2 = \frac{2}{n_\text{in}}",
            f"He et al. 2015; {_TORCH_INIT} kaiming_normal_(nonlinearity='relu').",
            family="he",
        ),
        Initializer(
            "he_uniform",
            "He (Kaiming) uniform",
            "uniform",
            2.0,
            "fan_in",
            r"\sigma^2 = \frac{2}{n_\text{in}},\quad a = \sqrt{\frac{6}{n_\text{in}}}",
            f"He et al. 2015; {_TORCH_INIT} kaiming_uniform_(nonlinearity='relu'); Keras HeUniform.",
            family="he",
        ),
        Initializer(
            "he_truncated_normal",
            "He normal (Keras, truncated)",
            "truncated_normal",
            2.0,
            "fan_in",
            r"\sigma^2 = \frac{2}{n_\text{in}},\quad \text{parent std} = \frac{\sigma}{0.8796}",
            f"{_KERAS}: HeNormal (VarianceScaling scale 2, fan_in, truncated_normal).",
            family="he",
        ),
        Initializer(
            "orthogonal",
            "Orthogonal",
            "orthogonal",
            1.0,
            None,
            r"W^\top W = I,\quad \sigma^2 = \frac{1}{\max(n_\text{in}, n_\text{out})}",
            f"Saxe et al. 2014; {_TORCH_INIT} orthogonal_ (QR with sign correction); Keras Orthogonal.",
            note="Preserves every vector's norm in a square layer; the entries are not independent.",
        ),
        Initializer(
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
        Initializer(
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
        Initializer(
            "sklearn_mlp_logistic",
            "scikit-learn MLP default (logistic)",
            "uniform",
            1.0 / 3.0,
            "fan_avg",
            r"a = \sqrt{\frac{2}{n_\text{in} + n_\text{out}}},\quad \sigma^2 = \frac{2}{3\,(n_\text{in} + n_\text{out})}",
            "scikit-learn _init_coef: factor 2 instead of 6 when activation='logistic'.",
        ),
        Initializer(
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
    return whole("fan_in", fan_in, 1, MAX_FAN), whole("fan_out", fan_out, 1, MAX_FAN)


def check_gain(gain) -> float:
    """``gain`` as a float, or a ValueError unless it is finite, positive and at most 1000."""
    if not (is_number(gain) and math.isfinite(gain) and 0.0 < gain <= MAX_GAIN):
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
    density at the bin centre). ``summary``: one row per variant with distribution, key, label,
    variance, empirical variance, std, max_abs (largest |w| drawn), bound (largest |w| possible,
    inf for a normal), beyond_2std (fraction with |w| > 2σ), kurtosis (E[w⁴]/σ⁴: 3 normal, 1.8
    uniform) and sample_size (weights drawn).
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
