"""What the depth page works out from its settings: the network size it runs, σ_w, the fixes in
words, and the phase diagram's grid and marks."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ...activations import ACTIVATIONS
from ...initializers import INITIALIZERS, get_initializer
from ...nn.statistics import NetworkRun
from .profiles import RELU_FAMILY, describe_clipping, describe_fixes, fixed_settings

# What one network of the page may hold: depth × width² weights (8 bytes each: at most 64 MB,
# within the app's weight store) and depth × width × batch values (a pass keeps two arrays of them,
# ReLU one and a byte mask: at most 64 MB, within the app's workspace). Above either, the page
# takes a smaller width or batch and says so.
MAX_WEIGHTS = 2**23
MAX_VALUES = 2**22

# The phase diagram: σ_w from 0.3 to 3.5 by 0.1 (on the gain slider's steps), depth 10 to 200.
PHASE_SIGMAS = tuple(round(0.3 + 0.1 * i, 10) for i in range(33))
PHASE_DEPTHS = tuple(range(10, 201, 10))
PHASE_SIZE = 64  # width and batch of its networks: 33 of them, 200 layers deep, in about a second
PHASE_LIMIT = 20.0  # decades at which its colour scale stops
_SIGMA_STEP, _DEPTH_STEP = 0.1, 10
PHASE_LAYOUT = {
    "sigma_range": (PHASE_SIGMAS[0] - _SIGMA_STEP / 2, PHASE_SIGMAS[-1] + _SIGMA_STEP / 2),
    "depth_range": (PHASE_DEPTHS[0] - _DEPTH_STEP / 2, PHASE_DEPTHS[-1] + _DEPTH_STEP / 2),
    "sigma_step": _SIGMA_STEP,
    "depth_step": _DEPTH_STEP,
    "limit": PHASE_LIMIT,
}
"""The phase heatmap's fixed geometry: the arguments of ``charts.depth.phase_heatmap``."""


def fitted_size(
    depth: int, width: int, batch: int, *, width_low: int, width_step: int, batches: Sequence[int]
) -> tuple[int, int, str | None]:
    """(width, batch, message): the width and batch the page runs — the asked ones, or the largest
    within ``MAX_WEIGHTS`` weights and ``MAX_VALUES`` values on the sliders' steps (widths from
    ``width_low`` by ``width_step``, ``batches``) — and, when either had to shrink, a sentence
    saying so."""
    used_width = width
    if depth * width * width > MAX_WEIGHTS:
        used_width = max(width_low, int(math.sqrt(MAX_WEIGHTS / depth)) // width_step * width_step)
    fits = [b for b in batches if b <= batch and depth * used_width * b <= MAX_VALUES]
    used_batch = batch if depth * used_width * batch <= MAX_VALUES else (fits or list(batches[:1]))[-1]
    if (used_width, used_batch) == (width, batch):
        return width, batch, None
    changes = []
    if used_width != width:
        changes.append(f"a width of {used_width}")
    if used_batch != batch:
        changes.append(f"a batch of {used_batch}")
    return (
        used_width,
        used_batch,
        f"{depth} layers of {width} units with a batch of {batch} is more than this page computes at "
        f"once (at most {MAX_WEIGHTS:,} weights and {MAX_VALUES:,} values in all); it uses "
        f"{' and '.join(changes)} instead.",
    )


def sigma_w(init: str, width: int, gain: float) -> float:
    """σ_w = √(width · Var W) of these weights: the phase diagram's x axis (1 for LeCun at gain 1)."""
    return get_initializer(init).std(width, width, gain) * math.sqrt(width)


def _sigma_change(init: str, gain: float, fixed_init: str, width: int) -> str:
    """How the initialization fix moves σ_w, or that it leaves it where it was."""
    before, after = sigma_w(init, width, gain), sigma_w(fixed_init, width, 1.0)
    if math.isclose(before, after, rel_tol=1e-9):
        return f"σ_w stays {after:.3g}: the weights already had this scale"
    return f"σ_w {before:.3g} → {after:.3g}"


def fixes_sentences(
    before: NetworkRun,
    after: NetworkRun,
    *,
    activation: str,
    init: str,
    gain: float,
    width: int,
    relu: bool,
    init_fix: bool,
    batchnorm: bool,
    residual: bool,
    clip: float | None,
) -> tuple[str, ...]:
    """What the fixes section says: which fixes changed the network ``before`` into ``after`` and
    what they did to layer 1's gradient (``describe_fixes``), with a pointer to He initialization
    when ReLU alone keeps too little variance; then, when ``clip`` is set, the clipping sentence."""
    fixed_act, fixed_init, _ = fixed_settings(activation, init, gain, relu, init_fix)
    labels = {key: a.label for key, a in ACTIVATIONS.items()}
    fixes = [
        text
        for on, text in (
            (relu and fixed_act != activation, f"{labels[fixed_act]} instead of {labels[activation]}"),
            (
                init_fix,
                f"{INITIALIZERS[fixed_init].label} weights at gain 1 "
                f"({_sigma_change(init, gain, fixed_init, width)})",
            ),
            (batchnorm, "batch norm"),
            (residual, "residual connections"),
        )
        if on
    ]
    sentence = describe_fixes(before, after, fixes, clip is not None)
    scale = sigma_w(init, width, gain)
    if relu and not init_fix and fixed_act in RELU_FAMILY - {"selu"} and scale < 1.3:
        sentence += (
            f" ReLU keeps σ_w²/2 = {scale**2 / 2:.2g} of a layer's variance at σ_w = {scale:.3g}; "
            "He initialization (σ_w = √2, the next switch) keeps all of it."
        )
    return (sentence,) if clip is None else (sentence, describe_clipping(after, clip))


def phase_marks(critical: float | None, sigma_w: float, depth: int) -> pd.DataFrame:
    """The phase diagram's marks (rows named "marks" of ``phase_heatmap``): this page's network
    ("here") and, when there is one, the critical line χ = 1 ("critical")."""
    rows = [{"kind": "here", "sigma_w": sigma_w, "depth": depth}]
    if critical is not None:
        rows.append({"kind": "critical", "sigma_w": critical, "depth": 0})
    return pd.DataFrame(rows)
