"""The network code behind the depth and initialization pages (issues 3 and 4).

``layer_statistics`` at (depth 50, width 128, batch 256) ≤ 60 ms and (200, 512, 256) ≤ 1.5 s;
each also divided by the bare matrix products of the same shapes, the two timed in turn in the
same loop (≤ 2×: the statistics must not cost more than the network); the depth page's cold
sections for reference; and the variance-travel heatmap,
every initializer × every registered activation at depth 20, width 256, batch 256, ≤ 3 s cold
(with the weight cache emptied first).

Everything runs with one BLAS thread, the app's setting (``explainer/ui.py``): on this two-core
machine shared by several sessions, a multi-threaded product was measured slower, not faster.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from explainer.activations import ACTIVATIONS
from explainer.initializers import INITIALIZERS
from explainer.lessons.depth.phase import critical_line, phase_diagram
from explainer.lessons.depth.presets import PRESET_SEEDS, PRESETS, preset_results
from explainer.lessons.depth.settings import PHASE_DEPTHS, PHASE_SIGMAS, PHASE_SIZE
from explainer.lessons.initialization.travel import variance_travel
from explainer.nn.memory import (
    DEFAULT_CACHE_BYTES,
    DEFAULT_WORKSPACE_BYTES,
    clear_weight_cache,
    network_weights,
    set_memory_limits,
)
from explainer.nn.statistics import layer_statistics

from .common import Case

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


def library_stores() -> None:
    """The network's stores at the library's defaults (the app lowers them when it is imported)."""
    set_memory_limits(DEFAULT_CACHE_BYTES, DEFAULT_WORKSPACE_BYTES)


def afresh() -> None:
    """The library's stores, with no weight draw cached."""
    library_stores()
    clear_weight_cache()


def _app_stores(run: Callable[[], object]) -> Callable[[], object]:
    """``run`` with the stores bounded as the app bounds them for a server (``explainer/ui.py``)."""

    def bounded() -> None:
        from explainer.ui.server import STORE_BYTES as DEPTH_STORE_BYTES

        previous = set_memory_limits(DEPTH_STORE_BYTES, DEPTH_STORE_BYTES)
        try:
            run()
        finally:
            set_memory_limits(*previous)

    return bounded


def interleaved_ratio(run: Callable[[], object], reference: Callable[[], object], repeats: int) -> float:
    """median time of ``run`` ÷ median time of ``reference``, the two called in turn ``repeats``
    times each, so that a busy moment of the machine slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for function, found in ((run, times[0]), (reference, times[1])):
            start = time.perf_counter()
            function()
            found.append(time.perf_counter() - start)
    return statistics.median(times[0]) / statistics.median(times[1])


def _depth_page_network() -> None:
    """The depth page's default network (sigmoid, Glorot normal, 30 × 128, batch 128) and the
    three other activations its compare section draws, from nothing."""
    for key in ("sigmoid", "tanh", "relu", "selu"):
        layer_statistics(key, 30, 128, "glorot_normal", batch=128)


def _phase() -> None:
    """The depth page's phase diagram for tanh (33 σ_w × depth 200 at width and batch 64)."""
    phase_diagram("tanh", PHASE_SIGMAS, PHASE_DEPTHS, PHASE_SIZE, PHASE_SIZE)
    critical_line("tanh")


def _label(shape: tuple[int, int, int]) -> str:
    depth, width, batch = shape
    return f"{depth}×{width}, batch {batch}"


def cases() -> list[Case]:
    """layer_statistics at both sizes (absolute budget, its time over the bare products', and with
    the weight cache emptied first) with the library's stores, the large one also with the app's;
    the bare products and the weight draws alone for reference, the depth page's cold sections,
    and the heatmap from nothing."""
    threadpool_limits(limits=1, user_api="blas")
    found = []
    for shape, repeats, budget in ((SMALL, 15, 0.060), (LARGE, 3, 1.5)):
        bare = bare_network(*shape)
        statistics_run = _statistics(*shape)

        def ratio(run=statistics_run, reference=bare, times=repeats) -> float:
            library_stores()
            return interleaved_ratio(run, reference, times)

        found += [
            Case(
                "network",
                f"layer_statistics {_label(shape)}",
                statistics_run,
                repeats,
                budget,
                setup=library_stores,
            ),
            Case("network", "  same ÷ bare matmuls", statistics_run, target=2.0, unit="×", value=ratio),
            Case("network", "  same, weights drawn afresh", statistics_run, repeats, budget, setup=afresh),
            Case("network", f"  bare matmuls {_label(shape)}", bare, repeats),
            Case(
                "network",
                f"  drawing He weights {shape[0]}×{shape[1]}²",
                lambda s=shape: network_weights("he_normal", s[0], s[1]),
                repeats,
                setup=afresh,
            ),
        ]
    found.append(
        Case(
            "network",
            f"  {LARGE[0]}×{LARGE[1]}, app's 96 MB stores",
            _app_stores(_statistics(*LARGE)),
            3,
            1.5,
        )
    )
    found += [
        Case("network", "depth page: 4 networks 30×128, b 128", _depth_page_network, 5, setup=library_stores),
        Case("network", "depth page: phase diagram, cold", _phase, 3, setup=afresh),
    ]
    # Section 7's published experiments, each run on every seed of our re-run (issue 11), from an
    # empty weight cache: what a preset link costs a freshly started server (issue 13: 2 s a scene).
    found += [
        Case(
            "network",
            f"depth preset {key}, {len(PRESET_SEEDS)} seeds, cold",
            lambda key=key: preset_results(key),
            repeats=2,
            target=2.0,
            setup=afresh,
        )
        for key in PRESETS
    ]
    depth, width, batch = HEATMAP
    found.append(
        Case(
            "network",
            f"variance_travel {len(INITIALIZERS)}×{len(ACTIVATIONS)} cold",
            lambda: variance_travel(depth, width, batch),
            repeats=3,
            target=3.0,
            setup=clear_weight_cache,
        )
    )
    return found
