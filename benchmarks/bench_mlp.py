"""Speed of the scikit-learn comparison (issue 5) and the toy datasets.

Each case is a zero-argument callable that runs once and returns the seconds of the part it
measures, so set-up (imports, data for other cases) stays out of the number. ``BUDGETS`` holds the
issue's limits where it states one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from explainer.datasets import DATASETS
from explainer.sklearn_mlp import PRESETS, fit_mlps

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_COLD = "mlp: default comparison (4 activations, 2×16, 500 samples, 200 epochs), cold"
BUDGETS: dict[str, float] = {DEFAULT_COLD: 4.0}


def default_comparison_cold() -> float:
    """Seconds for ``fit_mlps()`` with the defaults, nothing cached, modules already imported."""
    start = time.perf_counter()
    fit_mlps()
    return time.perf_counter() - start


def default_comparison_fresh_interpreter() -> float:
    """Seconds for importing ``explainer.sklearn_mlp`` and running the defaults in a new Python."""
    code = (
        "import time; start = time.perf_counter(); from explainer.sklearn_mlp import fit_mlps; "
        "fit_mlps(); print(time.perf_counter() - start)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def one_epoch() -> float:
    """Seconds per epoch of one ReLU net (2×16, 500 samples, batch 64), recording included."""
    epochs = 200
    start = time.perf_counter()
    fit_mlps(activations=("relu",), epochs=epochs)
    return (time.perf_counter() - start) / epochs


def deep_sigmoid_preset() -> float:
    """Seconds for the "deep sigmoid stalls" preset (3 activations, 8 hidden layers × 16)."""
    start = time.perf_counter()
    fit_mlps(**PRESETS["deep_sigmoid_stalls"]["settings"])
    return time.perf_counter() - start


def all_datasets() -> float:
    """Seconds to generate every registered dataset at 500 points."""
    start = time.perf_counter()
    for entry in DATASETS.values():
        entry(500, None, 0)
    return time.perf_counter() - start


def cases() -> list[tuple[str, Callable[[], float]]]:
    """The benchmark cases: (name, callable returning seconds)."""
    return [
        (DEFAULT_COLD, default_comparison_cold),
        (
            "mlp: default comparison in a fresh interpreter, imports included",
            default_comparison_fresh_interpreter,
        ),
        ("mlp: one ReLU net, one epoch (mean of 200)", one_epoch),
        ("mlp: deep sigmoid preset (3 activations, 8×16, 200 epochs)", deep_sigmoid_preset),
        ("datasets: all six at 500 points", all_datasets),
    ]
