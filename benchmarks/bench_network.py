"""The network code behind the depth and initialization pages (issues 3 and 4).

``layer_statistics`` at (depth 50, width 128, batch 256) ≤ 60 ms and (200, 512, 256) ≤ 1.5 s;
each also against twice the bare matrix products of the same shapes, measured when ``cases()``
is called (the statistics must not cost more than the network); and the variance-travel heatmap,
every initializer × every registered activation at depth 20, width 256, batch 256, ≤ 3 s cold
(with the weight cache emptied first).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from explainer.activations import ACTIVATIONS
from explainer.initializers import INITIALIZERS
from explainer.network import clear_weight_cache, layer_statistics, network_weights, variance_travel

from .common import Case, median_seconds

SMALL = (50, 128, 256)  # depth, width, batch
LARGE = (200, 512, 256)
HEATMAP = (20, 256, 256)


def bare_network(depth: int, width: int, batch: int, seed: int = 0) -> Callable[[], None]:
    """The matrix products of one forward and backward pass of these shapes and nothing else:
    h @ W per layer forward, hᵀ @ δ and δ @ Wᵀ per layer backward (3·depth products)."""
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((width, width)) for _ in range(depth)]
    x = rng.standard_normal((batch, width))
    top = rng.standard_normal((batch, width))
    outputs = [np.empty((batch, width)) for _ in range(depth)]
    dw = np.empty((width, width))
    buffers = (np.empty((batch, width)), np.empty((batch, width)))

    def run() -> None:
        h = x
        for W, out in zip(weights, outputs, strict=True):
            h = np.matmul(h, W, out=out)
        delta = top
        for i in range(depth - 1, -1, -1):
            np.matmul((outputs[i - 1] if i else x).T, delta, out=dw)
            delta = np.matmul(delta, weights[i].T, out=buffers[i % 2])

    return run


def _statistics(depth: int, width: int, batch: int) -> Callable[[], object]:
    return lambda: layer_statistics("relu", depth, width, "he_normal", batch=batch)


def _label(shape: tuple[int, int, int]) -> str:
    depth, width, batch = shape
    return f"{depth}×{width}, batch {batch}"


def cases() -> list[Case]:
    """layer_statistics at both sizes (absolute budget, 2× the bare products, and with the weight
    cache emptied first), the bare products and the weight draws alone for reference, and the
    heatmap from nothing."""
    found = []
    for shape, repeats, budget in ((SMALL, 15, 0.060), (LARGE, 3, 1.5)):
        bare = bare_network(*shape)
        bare_seconds = median_seconds(Case("network", "bare", bare, repeats=repeats))
        found += [
            Case("network", f"layer_statistics {_label(shape)}", _statistics(*shape), repeats, budget),
            Case(
                "network",
                f"  same, ≤ 2× matmuls ({2e3 * bare_seconds:.0f} ms)",
                _statistics(*shape),
                repeats,
                2.0 * bare_seconds,
            ),
            Case(
                "network",
                "  same, weights drawn afresh",
                _statistics(*shape),
                repeats,
                budget,
                setup=clear_weight_cache,
            ),
            Case("network", f"  bare matmuls {_label(shape)}", bare, repeats),
            Case(
                "network",
                f"  drawing He weights {shape[0]}×{shape[1]}²",
                lambda s=shape: network_weights("he_normal", s[0], s[1]),
                repeats,
                setup=clear_weight_cache,
            ),
        ]
    depth, width, batch = HEATMAP
    found.append(
        Case(
            "network",
            f"variance_travel {len(INITIALIZERS)}×{len(ACTIVATIONS)} cold",
            lambda: variance_travel(depth, width, batch),
            repeats=1,
            target=3.0,
            setup=clear_weight_cache,
        )
    )
    return found
