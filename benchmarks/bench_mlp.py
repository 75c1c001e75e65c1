"""Speed of the scikit-learn comparison (issue 5) and the toy datasets.

Issue 5's budgets on this 2-core machine: the default comparison (4 activations, 2 hidden layers
× 16, 500 points, 200 epochs) within 4 s cold, and a cached rerun within 200 ms. "Cold" is a fresh
``fit_mlps`` call with the modules already imported (the import itself has its own case); the
cached rerun is the page's cached wrapper ``explainer.ui.mlp.comparison`` returning a setting it
has seen.
The page's own rerun is in ``bench_pages``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from explainer.datasets import DATASETS
from explainer.lessons.mlp import budget as mlp_budget
from explainer.sklearn_mlp import DEFAULTS, PRESETS, fit_mlps
from explainer.ui import mlp as page

from .common import Case

ROOT = Path(__file__).resolve().parents[1]
GROUP = "mlp comparison"
EPOCHS = 200


def default_comparison_fresh_interpreter() -> None:
    """Import ``explainer.sklearn_mlp`` and run the defaults in a new Python."""
    code = "from explainer.sklearn_mlp import fit_mlps; fit_mlps()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)


def cached_default_comparison() -> object:
    """The default comparison through the page's cached wrapper (trains on the first call only)."""
    hidden = DEFAULTS["hidden_layers"]
    return page.comparison(
        DEFAULTS["dataset"],
        tuple(DEFAULTS["activations"]),
        len(hidden),
        hidden[0],
        DEFAULTS["solver"],
        DEFAULTS["learning_rate"],
        DEFAULTS["batch_size"],
        DEFAULTS["epochs"],
        DEFAULTS["n_samples"],
        0.1,
        DEFAULTS["seed"],
    )


def one_relu_net() -> None:
    """One ReLU net (2×16, 500 points, batch 64) for EPOCHS epochs, recording included."""
    fit_mlps(activations=("relu",), epochs=EPOCHS)


def deep_sigmoid_preset() -> None:
    """The "deep sigmoid stalls" preset: 3 activations, 8 hidden layers × 16, 200 epochs."""
    fit_mlps(**PRESETS["deep_sigmoid_stalls"]["settings"])


# Every slider of the MLP page at its maximum: 2,000 points, 12 hidden layers of 64, batch 512, all
# four activations; the page trains them for the epochs its time budget allows.
AT_MAXIMUM = {"n_samples": 2000, "depth": 12, "width": 64, "batch_size": 512}


def every_slider_at_its_maximum() -> None:
    """The MLP page's heaviest setting, for the epochs ``mlp_budget.epoch_budget`` allows it."""
    n, depth, width, batch = (AT_MAXIMUM[k] for k in ("n_samples", "depth", "width", "batch_size"))
    epochs = min(page.PARAMS["epochs"].high, mlp_budget.epoch_budget(4, depth, n, batch, width))
    fit_mlps(hidden_layers=(width,) * depth, batch_size=batch, epochs=epochs, n_samples=n)


def all_datasets() -> None:
    """Every registered dataset at 500 points."""
    for entry in DATASETS.values():
        entry(500, None, 0)


def cases() -> list[Case]:
    """The benchmark cases of issue 5."""
    return [
        Case(GROUP, "default comparison, cold", fit_mlps, repeats=3, target=4.0),
        Case(
            GROUP,
            "default comparison, cached rerun",
            cached_default_comparison,
            repeats=9,
            target=0.2,
            setup=cached_default_comparison,  # the first set-up trains; every timed call is a hit
        ),
        Case(GROUP, "default, fresh Python + imports", default_comparison_fresh_interpreter, repeats=3),
        Case(GROUP, "one ReLU net, per epoch", one_relu_net, repeats=3, per=EPOCHS / 1e3, unit="ms/epoch"),
        Case(GROUP, "deep sigmoid preset (3 × 8×16)", deep_sigmoid_preset, repeats=3),
        Case(
            GROUP,
            "every slider at its max, budgeted",
            every_slider_at_its_maximum,
            repeats=1,
            target=mlp_budget.SECONDS_BUDGET,
        ),
        Case("datasets", "all six at 500 points", all_datasets, repeats=5, per=1e-3, unit="ms"),
    ]
