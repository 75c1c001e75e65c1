"""The activation registry: each function, its derivative, its parameters and formulas, once.

Every page, chart colour and test reads ``ACTIVATIONS``; adding an activation is one entry.

Conventions, stated once:

* ``fn(x, **params)`` and ``grad(x, **params)`` take and return float64 arrays; parameters
  default to PyTorch's defaults (REFERENCE.md section 4).
* At a kink the derivative is the one-sided derivative **from the left**: relu'(0) = 0, as
  scikit-learn, micrograd, TensorFlow Playground and PyTorch's ReLU backward all use.
* Every registered ``fn`` and ``grad`` is finite, without a ``RuntimeWarning``, for every
  finite float64 input: exponentials only ever see arguments that cannot overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import special

ArrayFn = Callable[..., np.ndarray]

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
GELU_TANH_C = math.sqrt(2.0 / math.pi)
GELU_TANH_K = 0.044715

# Beyond this magnitude every registered function is linear or constant, so its
# inner arithmetic (x**3, beta*x, x**2) can run on a clipped copy without changing the result.
_SAFE = 1e6


@dataclass(frozen=True)
class Param:
    """A tunable parameter of an activation, with the range its slider offers.

    ``name`` is the keyword ``fn`` takes; ``url_key`` names the slider in a shared link.
    """

    name: str
    url_key: str
    label: str
    default: float
    low: float
    high: float
    step: float
    help: str = ""


@dataclass(frozen=True)
class Activation:
    """An activation function, its derivative, and what a learner should know about it."""

    key: str
    label: str
    fn: ArrayFn
    grad: ArrayFn
    latex: str
    grad_latex: str
    params: tuple[Param, ...] = ()
    sklearn_name: str | None = None
    torch_gain: float | None = None
    kinks: tuple[float, ...] = ()
    note: str = ""
    numerical_grad: bool = False
    expression: str | None = None
    # (f, f') in one pass where sharing work pays (an exp computed once); None: fn then grad.
    fused: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None
    # f has no jump or pole for any parameter value: true of every registry entry (a unit test
    # searches each for breaks), so pages skip ``curves.find_breaks`` for them; a typed f may have.
    continuous: bool = True
    defaults: Mapping[str, float] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", {p.name: p.default for p in self.params})

    def resolve(self, params: Mapping[str, float] | None = None) -> dict[str, float]:
        """The full parameter dict: defaults overridden by the known names in ``params``."""
        resolved = dict(self.defaults)
        for name, value in (params or {}).items():
            if name in resolved:
                resolved[name] = float(value)
        return resolved

    def f(self, x, params: Mapping[str, float] | None = None) -> np.ndarray:
        """f(x) as float64 with ``params`` filled in from the defaults."""
        return self.fn(np.asarray(x, dtype=np.float64), **self.resolve(params))

    def df(self, x, params: Mapping[str, float] | None = None) -> np.ndarray:
        """f'(x) as float64 with ``params`` filled in from the defaults."""
        return self.grad(np.asarray(x, dtype=np.float64), **self.resolve(params))

    def value_and_grad(self, x, params: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(f(x), f'(x)) together, sharing work where the function allows: what a forward
        and backward pass need per layer, at about half the cost for exp-based functions."""
        x = np.asarray(x, dtype=np.float64)
        resolved = self.resolve(params)
        if self.fused is not None:
            return self.fused(x, **resolved)
        return self.fn(x, **resolved), self.grad(x, **resolved)


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _clipped(x: np.ndarray) -> np.ndarray:
    return np.clip(x, -_SAFE, _SAFE)


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    # Clipping keeps x*x finite; the density is exactly 0 in float64 beyond |x| ~ 39 anyway.
    xc = np.clip(x, -40.0, 40.0)
    return np.exp(-0.5 * xc * xc) / math.sqrt(2.0 * math.pi)


# --- the functions ---------------------------------------------------------------------


def identity(x):
    return _arr(x).copy()


def identity_grad(x):
    return np.ones_like(_arr(x))


def sigmoid(x):
    return special.expit(_arr(x))


def sigmoid_into(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``sigmoid(x)`` written into ``out`` (float64 arrays of one shape): the same numbers, for a
    loop that would otherwise allocate an array per step."""
    return special.expit(x, out=out)


def sigmoid_grad(x):
    # sigma(x) * sigma(-x) rather than s * (1 - s): 1 - s cancels to 0 for x > 37.
    x = _arr(x)
    return special.expit(x) * special.expit(-x)


def tanh(x):
    return np.tanh(_arr(x))


def _sech_squared(x):
    # 4 e / (1 + e)^2 with e = exp(-2|x|): exact where 1 - tanh(x)**2 would cancel to 0.
    e = np.exp(-2.0 * np.abs(_clipped(x)))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def tanh_grad(x):
    return _sech_squared(_arr(x))


def relu(x):
    return np.maximum(_arr(x), 0.0)


def relu_grad(x):
    return (_arr(x) > 0).astype(np.float64)


def leaky_relu(x, negative_slope=0.01):
    x = _arr(x)
    # max(x, s*x) is the leaky ReLU for 0 <= s <= 1 (the slider's range) and one pass cheaper.
    if 0.0 <= negative_slope <= 1.0:
        return np.maximum(x, negative_slope * x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    return np.where(_arr(x) > 0, 1.0, negative_slope)


def elu(x, alpha=1.0):
    x = _arr(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x, alpha=1.0):
    x = _arr(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


# lambda * x overflows beyond this; SELU then returns the largest float64 rather than inf.
_SELU_INPUT_LIMIT = np.finfo(np.float64).max / SELU_LAMBDA


def selu(x):
    return SELU_LAMBDA * elu(np.minimum(_arr(x), _SELU_INPUT_LIMIT), SELU_ALPHA)


def selu_grad(x):
    return SELU_LAMBDA * elu_grad(x, SELU_ALPHA)


def gelu(x):
    x = _arr(x)
    return x * special.ndtr(x)


def gelu_grad(x):
    x = _arr(x)
    return special.ndtr(x) + _clipped(x) * _normal_pdf(x)


def _gelu_tanh_inner(xc):
    # (1 + tanh(u)) / 2 = sigma(2u), which keeps the left tail from cancelling to 0.
    return (2.0 * GELU_TANH_C) * xc * (1.0 + GELU_TANH_K * xc * xc)


def gelu_tanh(x):
    x = _arr(x)
    return x * special.expit(_gelu_tanh_inner(_clipped(x)))


def gelu_tanh_grad(x):
    xc = _clipped(_arr(x))
    s = special.expit(_gelu_tanh_inner(xc))
    # s (1 - s) loses only a term far below s itself where s rounds to 1.
    return s + xc * s * (1.0 - s) * (2.0 * GELU_TANH_C) * (1.0 + 3.0 * GELU_TANH_K * xc * xc)


def silu(x, beta=1.0):
    x = _arr(x)
    return x * special.expit(beta * _clipped(x))


def silu_grad(x, beta=1.0):
    xc = _clipped(_arr(x))
    s = special.expit(beta * xc)
    # s (1 - s) loses only a term far below s itself where s rounds to 1.
    return s + beta * xc * s * (1.0 - s)


def softplus(x, beta=1.0):
    x = _arr(x)
    # Above beta*x = 30 softplus equals x to float64 precision (PyTorch switches at 20).
    return np.where(beta * _clipped(x) > 30.0, x, np.logaddexp(0.0, beta * _clipped(x)) / beta)


def softplus_grad(x, beta=1.0):
    return special.expit(beta * _clipped(_arr(x)))


def mish(x):
    x = _arr(x)
    return x * np.tanh(np.logaddexp(0.0, x))


def mish_grad(x):
    xc = _clipped(_arr(x))
    sp = np.logaddexp(0.0, xc)
    return np.tanh(sp) + xc * special.expit(xc) * _sech_squared(sp)


def softsign(x):
    x = _arr(x)
    return x / (1.0 + np.abs(x))


def softsign_grad(x):
    # (1/(1+|x|))**2 rather than 1/(1+|x|)**2: the square of a huge number would overflow.
    r = 1.0 / (1.0 + np.abs(_arr(x)))
    return r * r


def hard_sigmoid(x):
    return np.clip(_arr(x) / 6.0 + 0.5, 0.0, 1.0)


def hard_sigmoid_grad(x):
    x = _arr(x)
    return np.where((x > -3.0) & (x <= 3.0), 1.0 / 6.0, 0.0)


def hard_tanh(x):
    return np.clip(_arr(x), -1.0, 1.0)


def hard_tanh_grad(x):
    x = _arr(x)
    return np.where((x > -1.0) & (x <= 1.0), 1.0, 0.0)


def relu6(x):
    return np.clip(_arr(x), 0.0, 6.0)


def relu6_grad(x):
    x = _arr(x)
    return np.where((x > 0.0) & (x <= 6.0), 1.0, 0.0)


def hard_swish(x):
    x = _arr(x)
    return x * (np.clip(x + 3.0, 0.0, 6.0) / 6.0)


def hard_swish_grad(x):
    x = _arr(x)
    return np.where(x <= -3.0, 0.0, np.where(x <= 3.0, (2.0 * _clipped(x) + 3.0) / 6.0, 1.0))


# --- fused value and derivative: one exponential where fn and grad would each take one ---------


def sigmoid_fused(x):
    # With e = exp(−|x|) ∈ (0, 1] and r = 1 / (1 + e): σ(x) is r for x ≥ 0 and e·r below, and
    # σ′(x) = σ(x)·σ(−x) = e·r² on both sides. One exponential, no overflow, no cancellation;
    # within 3 ulp of expit and about 3.5× faster than two expit calls on a layer (16k values).
    x = _arr(x)
    e = np.abs(x, out=np.empty_like(x))  # an array even for one number, for the ``out=`` below
    np.negative(e, out=e)
    np.exp(e, out=e)
    r = np.add(e, 1.0, out=np.empty_like(e))
    np.reciprocal(r, out=r)
    np.multiply(e, r, out=e)  # e·r = σ(−|x|)
    s = np.where(x >= 0.0, r, e)
    return s, np.multiply(e, r, out=r)


def gelu_fused(x):
    cdf = special.ndtr(x)
    return x * cdf, cdf + _clipped(x) * _normal_pdf(x)


def gelu_tanh_fused(x):
    xc = _clipped(x)
    s = special.expit(_gelu_tanh_inner(xc))
    slope = s + xc * s * (1.0 - s) * (2.0 * GELU_TANH_C) * (1.0 + 3.0 * GELU_TANH_K * xc * xc)
    return x * s, slope


def silu_fused(x, beta=1.0):
    xc = _clipped(x)
    s = special.expit(beta * xc)
    return x * s, s + beta * xc * s * (1.0 - s)


def softplus_fused(x, beta=1.0):
    bx = beta * _clipped(x)
    return np.where(bx > 30.0, x, np.logaddexp(0.0, bx) / beta), special.expit(bx)


def mish_fused(x):
    xc = _clipped(x)
    sp = np.logaddexp(0.0, xc)
    t = np.tanh(sp)
    # Beyond |x| = 1e6 tanh(softplus) is exactly 0 or 1 either way, so the clipped t serves f too.
    return x * t, t + xc * special.expit(xc) * _sech_squared(sp)


# --- the registry ----------------------------------------------------------------------

_LEAKY_SLOPE = Param(
    "negative_slope",
    "leaky_slope",
    "Leaky ReLU slope",
    0.01,
    0.0,
    0.5,
    0.01,
    "PyTorch's default is 0.01; Keras uses 0.2 (function) or 0.3 (layer).",
)
_ELU_ALPHA = Param("alpha", "elu_alpha", "ELU α", 1.0, 0.1, 3.0, 0.1, "PyTorch and Keras default to 1.0.")
_SWISH_BETA = Param(
    "beta", "swish_beta", "Swish β", 1.0, 0.1, 10.0, 0.1, "β = 1 is SiLU; large β tends to ReLU."
)
_SOFTPLUS_BETA = Param(
    "beta",
    "softplus_beta",
    "Softplus β",
    1.0,
    0.1,
    10.0,
    0.1,
    "PyTorch's default is 1; large β tends to ReLU.",
)

IDENTITY = Activation(
    "identity",
    "identity",
    identity,
    identity_grad,
    r"f(x) = x",
    r"f'(x) = 1",
    sklearn_name="identity",
    torch_gain=1.0,
    note="No nonlinearity: stacked layers collapse to one linear map.",
)
SIGMOID = Activation(
    "sigmoid",
    "sigmoid",
    sigmoid,
    sigmoid_grad,
    r"\sigma(x) = \frac{1}{1 + e^{-x}}",
    r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
    sklearn_name="logistic",
    torch_gain=1.0,
    note="Saturates on both sides; its outputs average 0.5, not 0.",
    fused=sigmoid_fused,
)
TANH = Activation(
    "tanh",
    "tanh",
    tanh,
    tanh_grad,
    r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    r"\tanh'(x) = 1 - \tanh^2(x)",
    sklearn_name="tanh",
    torch_gain=5.0 / 3.0,
    note="A zero-centred sigmoid: tanh(x) = 2σ(2x) − 1.",
)
RELU = Activation(
    "relu",
    "ReLU",
    relu,
    relu_grad,
    r"\mathrm{ReLU}(x) = \max(0, x)",
    r"\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
    sklearn_name="relu",
    torch_gain=math.sqrt(2.0),
    kinks=(0.0,),
    note="No saturation for x > 0; a unit whose input stays negative is dead.",
)
LEAKY_RELU = Activation(
    "leaky_relu",
    "Leaky ReLU",
    leaky_relu,
    leaky_relu_grad,
    r"f(x) = \begin{cases} x & x > 0 \\ s\,x & x \le 0 \end{cases}",
    r"f'(x) = \begin{cases} 1 & x > 0 \\ s & x \le 0 \end{cases}",
    params=(_LEAKY_SLOPE,),
    kinks=(0.0,),
    note="A small slope s on the left keeps every unit's gradient alive.",
)
ELU = Activation(
    "elu",
    "ELU",
    elu,
    elu_grad,
    r"f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
    r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
    params=(_ELU_ALPHA,),
    kinks=(0.0,),
    note="Smooth negative side that saturates at −α (Clevert et al. 2015).",
)
SELU = Activation(
    "selu",
    "SELU",
    selu,
    selu_grad,
    # Long formulas are gathered on several lines: one line ran past a phone's 324-px column.
    r"\begin{gathered} f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}"
    r" \\ \lambda \approx 1.0507,\ \alpha \approx 1.6733 \end{gathered}",
    r"f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
    torch_gain=0.75,
    kinks=(0.0,),
    note="Scaled ELU whose constants make mean 0, variance 1 a fixed point (Klambauer et al. 2017).",
)
GELU = Activation(
    "gelu",
    "GELU",
    gelu,
    gelu_grad,
    r"\begin{gathered} \mathrm{GELU}(x) = x\,\Phi(x) \\"
    r" = \tfrac{x}{2}\bigl(1 + \operatorname{erf}(x/\sqrt{2})\bigr) \end{gathered}",
    r"\mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x)",
    note="x weighted by the normal CDF; the transformer default (Hendrycks & Gimpel 2016).",
    fused=gelu_fused,
)
GELU_TANH = Activation(
    "gelu_tanh",
    "GELU (tanh approx.)",
    gelu_tanh,
    gelu_tanh_grad,
    r"\begin{gathered} f(x) = \tfrac{x}{2}\bigl(1 + \tanh u\bigr) \\"
    r" u = \sqrt{2/\pi}\,(x + 0.044715\,x^{3}) \end{gathered}",
    r"\begin{gathered} f'(x) = \tfrac{1}{2}(1 + t) + \tfrac{x}{2}(1 - t^{2})\,u' \\ t = \tanh u \\"
    r" u = \sqrt{2/\pi}\,(x + 0.044715\,x^{3}) \\ u' = \sqrt{2/\pi}\,(1 + 0.134145\,x^{2}) \end{gathered}",
    note="PyTorch's approximate='tanh'.",
    fused=gelu_tanh_fused,
)
SILU = Activation(
    "silu",
    "SiLU / Swish",
    silu,
    silu_grad,
    r"f(x) = x\,\sigma(\beta x)",
    r"\begin{gathered} f'(x) = s + \beta x\,s\,(1 - s) \\ s = \sigma(\beta x) \end{gathered}",
    params=(_SWISH_BETA,),
    note="Swish with β = 1 is SiLU (Ramachandran et al. 2017).",
    fused=silu_fused,
)
MISH = Activation(
    "mish",
    "Mish",
    mish,
    mish_grad,
    r"f(x) = x \tanh\bigl(\operatorname{softplus}(x)\bigr)",
    r"\begin{gathered} f'(x) = t + x\,\sigma(x)\,(1 - t^{2}) \\"
    r" t = \tanh\bigl(\operatorname{softplus}(x)\bigr) \end{gathered}",
    note="Misra 2019.",
    fused=mish_fused,
)
SOFTPLUS = Activation(
    "softplus",
    "Softplus",
    softplus,
    softplus_grad,
    r"f(x) = \tfrac{1}{\beta}\log\bigl(1 + e^{\beta x}\bigr)",
    r"f'(x) = \sigma(\beta x)",
    params=(_SOFTPLUS_BETA,),
    note="A smooth ReLU whose derivative is the sigmoid.",
    fused=softplus_fused,
)
SOFTSIGN = Activation(
    "softsign",
    "Softsign",
    softsign,
    softsign_grad,
    r"f(x) = \frac{x}{1 + |x|}",
    r"f'(x) = \frac{1}{(1 + |x|)^{2}}",
    kinks=(0.0,),
    note="Saturates polynomially, not exponentially (Glorot & Bengio 2010).",
)
HARD_SIGMOID = Activation(
    "hard_sigmoid",
    "Hard sigmoid",
    hard_sigmoid,
    hard_sigmoid_grad,
    r"f(x) = \min\bigl(1, \max(0, x/6 + 1/2)\bigr)",
    r"f'(x) = \begin{cases} 1/6 & -3 < x \le 3 \\ 0 & \text{otherwise} \end{cases}",
    kinks=(-3.0, 3.0),
    note="Keras 3 and PyTorch: ReLU6(x + 3)/6.",
)
HARD_TANH = Activation(
    "hard_tanh",
    "Hard tanh",
    hard_tanh,
    hard_tanh_grad,
    r"f(x) = \min\bigl(1, \max(-1, x)\bigr)",
    r"f'(x) = \begin{cases} 1 & -1 < x \le 1 \\ 0 & \text{otherwise} \end{cases}",
    kinks=(-1.0, 1.0),
    note="Piecewise-linear tanh.",
)
RELU6 = Activation(
    "relu6",
    "ReLU6",
    relu6,
    relu6_grad,
    r"f(x) = \min\bigl(6, \max(0, x)\bigr)",
    r"f'(x) = \begin{cases} 1 & 0 < x \le 6 \\ 0 & \text{otherwise} \end{cases}",
    kinks=(0.0, 6.0),
    note="ReLU capped at 6 (MobileNet).",
)
HARD_SWISH = Activation(
    "hard_swish",
    "Hard swish",
    hard_swish,
    hard_swish_grad,
    r"f(x) = x\,\frac{\min\bigl(6, \max(0, x + 3)\bigr)}{6}",
    r"f'(x) = \begin{cases} 0 & x \le -3 \\ (2x + 3)/6 & -3 < x \le 3 \\ 1 & x > 3 \end{cases}",
    kinks=(-3.0, 3.0),
    note="MobileNetV3's cheap Swish.",
)

ACTIVATIONS: dict[str, Activation] = {
    a.key: a
    for a in (
        IDENTITY,
        SIGMOID,
        TANH,
        RELU,
        LEAKY_RELU,
        ELU,
        SELU,
        GELU,
        GELU_TANH,
        SILU,
        MISH,
        SOFTPLUS,
        SOFTSIGN,
        HARD_SIGMOID,
        HARD_TANH,
        RELU6,
        HARD_SWISH,
    )
}

DEFAULT_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")


def get_activation(key: str) -> Activation:
    """The registered activation ``key``; a ValueError names the valid keys otherwise."""
    try:
        return ACTIVATIONS[key]
    except KeyError:
        raise ValueError(f"Unknown activation {key!r}; expected one of {sorted(ACTIVATIONS)}") from None


def torch_gain(key: str, negative_slope: float | None = None) -> float | None:
    """PyTorch's ``calculate_gain`` for a registered activation; None where PyTorch has none.

    leaky_relu: sqrt(2 / (1 + slope**2)) with PyTorch's default slope 0.01 (REFERENCE.md §1).
    """
    if key == "leaky_relu":
        slope = LEAKY_RELU.defaults["negative_slope"] if negative_slope is None else negative_slope
        return math.sqrt(2.0 / (1.0 + slope * slope))
    return get_activation(key).torch_gain
