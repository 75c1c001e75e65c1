"""The benchmark case type and the timing loop every group shares."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from explainer import store


@dataclass(frozen=True)
class Case:
    """One timed thing: ``run`` is called ``repeats`` times after ``setup``; the median counts.

    ``target`` is the issue's budget in seconds (None where there is none); ``per`` divides the
    median for a per-unit figure (e.g. elements), shown in ``unit``. A case measured elsewhere
    (a latency percentile, a memory peak) gives ``value`` instead: a function returning the
    figure in the same units as ``target``.
    """

    group: str
    name: str
    run: Callable[[], object]
    repeats: int = 5
    target: float | None = None
    setup: Callable[[], object] | None = None
    per: float = 1.0
    unit: str = "s"
    value: Callable[[], float] | None = None


def stored_entries() -> int:
    """How many results the precomputed store (``python -m explainer.ui.precompute``) holds for
    this code's version: 0 means every server the benchmark starts computes every scene cold."""
    folder = store.version_dir()
    return sum(1 for _ in folder.rglob("*.pkl")) if folder.is_dir() else 0


def store_line() -> str:
    """Where the store is and what it holds for this code, for a benchmark's header."""
    entries = stored_entries()
    line = f"store: {entries} results for code version {store.code_version()} in {store.store_root()}"
    if entries == 0:
        line += " (none: every server computes cold; run python -m explainer.ui.precompute first)"
    return line


def median_seconds(case: Case) -> float:
    """Median wall time of ``case.run`` over ``case.repeats`` calls, each after ``case.setup``
    (or the case's own ``value`` when it was measured another way)."""
    if case.value is not None:
        return case.value()
    times = []
    for _ in range(case.repeats):
        if case.setup is not None:
            case.setup()
        start = time.perf_counter()
        case.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
