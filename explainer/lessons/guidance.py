"""Which activation where: rules for hidden and output layers, each backed by a number
computed here and pointing to the page that shows why."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ..activations import ACTIVATIONS, SELU_ALPHA, SELU_LAMBDA
from ..meanfield import gaussian_expectation
from ..network import max_slope


@dataclass(frozen=True)
class Rule:
    """One piece of advice, the computed evidence for it, and where the app shows it."""

    layer: str
    use: str
    because: str
    page: str
    page_label: str
    section: str | None = None  # the tab of ``page`` that shows it (None: the page as it opens)


def activation_guidance(depth: int = 10) -> list[Rule]:
    """The "which one where" rules, each with a sentence computed from the registry."""
    sigmoid_peak, tanh_peak = max_slope("sigmoid"), max_slope("tanh")
    relu_slope = float(ACTIVATIONS["relu"].df(np.array([1.0]))[0])
    # A unit whose pre-activation is N(-1, 1) (a bias pushed negative) outputs 0 with probability Phi(1).
    dead_share = float(special.ndtr(1.0))
    leaky_slope = ACTIVATIONS["leaky_relu"].defaults["negative_slope"]
    logits = np.array([2.0, 1.0, 0.1])
    probabilities = special.softmax(logits)
    sigmoid_range = ACTIVATIONS["sigmoid"].f(np.array([-30.0, 30.0]))
    selu = ACTIVATIONS["selu"]
    selu_mean = gaussian_expectation(lambda z: selu.f(z), kinks=selu.kinks)
    selu_var = gaussian_expectation(lambda z: selu.f(z) ** 2, kinks=selu.kinks) - selu_mean**2
    return [
        Rule(
            "hidden",
            "ReLU or a relative (Leaky ReLU, GELU, SiLU)",
            f"ReLU passes gradients at slope {relu_slope:g} for every positive input, while sigmoid's "
            f"slope never exceeds {sigmoid_peak:.2f}: through {depth} layers that caps the gradient at "
            f"{sigmoid_peak:.2f}^{depth} = {sigmoid_peak**depth:.1e}, against tanh's {tanh_peak:.0f}^{depth}.",
            "app_pages/depth.py",
            "Depth: gradients multiplied through layers",
        ),
        Rule(
            "hidden",
            "Leaky ReLU or ELU when units die",
            f"If a unit's pre-activation drifts to N(−1, 1), ReLU outputs 0 — and passes no gradient — "
            f"for {dead_share:.0%} of inputs; Leaky ReLU still passes slope {leaky_slope:g} there.",
            "app_pages/training.py",
            "Training: dying ReLU",
            "dying",
        ),
        Rule(
            "hidden",
            "SELU with LeCun-normal weights for a self-normalising stack",
            f"For z ~ N(0, 1), SELU (λ = {SELU_LAMBDA:.4f}, α = {SELU_ALPHA:.4f}) keeps mean {selu_mean:.1e} "
            f"and variance {selu_var:.6f}: a fixed point layer after layer (Klambauer et al. 2017).",
            "app_pages/initialization.py",
            "Initialization: how variance travels",
        ),
        Rule(
            "output",
            "sigmoid for a binary or multi-label output",
            f"It maps any logit into (0, 1) — logits ±30 give {sigmoid_range[0]:.1e} and "
            f"{sigmoid_range[1]:.10f} — one independent probability per label, trained with cross-entropy.",
            "app_pages/mlp.py",
            "MLP comparison: scikit-learn's logistic output",
        ),
        Rule(
            "output",
            "softmax for a multi-class output",
            f"Logits {', '.join(f'{v:g}' for v in logits)} become probabilities "
            f"{', '.join(f'{p:.2f}' for p in probabilities)}, summing to {probabilities.sum():.3f}: "
            "one distribution over exclusive classes.",
            "app_pages/mlp.py",
            "MLP comparison",
        ),
        Rule(
            "output",
            "identity for regression",
            "A real-valued target needs the whole line (−∞, ∞); any squashing output would cap the "
            f"prediction, as sigmoid caps it at {sigmoid_range[1]:.0f}.",
            "app_pages/activations.py",
            "Activation functions: output ranges",
        ),
    ]
