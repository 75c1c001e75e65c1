"""What training costs on the MLP page: a cost model measured on this machine, the most epochs a
setting may train within the time budget, and the warning when a setting is cut to it."""

from __future__ import annotations

import math

from ...sklearn_mlp import DEFAULTS

# What training costs here (fit_mlps, four activations, 10 epochs, measured on this 2-core machine
# at 500–2,000 points, 2–8 layers, widths 16–64 and batches 8–512; the model is within 15% of each):
# a layer's minibatch step costs a fixed 64 µs plus 0.8 ns per example per weight of a width × width
# layer, and every epoch 4.4 ms more (evaluation and history). The first model counted steps only
# and put every slider at its maximum at 22 s; it took 162 s. A setting over the budget trains for
# fewer epochs, with a warning, so one visitor cannot occupy a server for minutes.
SECONDS_PER_LAYER_STEP = 64e-6
SECONDS_PER_EXAMPLE_WEIGHT = 0.8e-9
SECONDS_PER_EPOCH = 4.4e-3
SECONDS_BUDGET = 30.0


def train_size(n_samples: int) -> int:
    """Training points out of ``n_samples`` after the comparison's test split (ceil for the test set,
    as scikit-learn's train_test_split does)."""
    return n_samples - math.ceil(DEFAULTS["test_fraction"] * n_samples)


def _epoch_seconds(n_activations: int, depth: int, n_samples: int, batch_size: int, width: int) -> float:
    """The expected time of one epoch of every net, from the measured costs above."""
    steps = math.ceil(train_size(n_samples) / batch_size)
    layer_step = SECONDS_PER_LAYER_STEP + SECONDS_PER_EXAMPLE_WEIGHT * batch_size * width * width
    return max(n_activations, 1) * (steps * (depth + 1) * layer_step + SECONDS_PER_EPOCH)


def epoch_budget(n_activations: int, depth: int, n_samples: int, batch_size: int, width: int) -> int:
    """The most epochs (a multiple of 10, at least 10) expected to train within SECONDS_BUDGET."""
    per_epoch = _epoch_seconds(n_activations, depth, n_samples, batch_size, width)
    return max(10, int(SECONDS_BUDGET / per_epoch) // 10 * 10)


def training_seconds(
    n_activations: int, depth: int, n_samples: int, batch_size: int, epochs: int, width: int
) -> float:
    """The expected training time of a setting on this machine, from the measured costs."""
    return epochs * _epoch_seconds(n_activations, depth, n_samples, batch_size, width)


def budgeted_epochs(
    n_activations: int, depth: int, n_samples: int, batch_size: int, epochs: int, width: int
) -> tuple[int, str | None]:
    """(the epochs a setting trains for, None), or (its epoch budget, the warning that says so)
    when ``epochs`` would take longer than SECONDS_BUDGET."""
    budget = epoch_budget(n_activations, depth, n_samples, batch_size, width)
    if epochs <= budget:
        return epochs, None
    asked = training_seconds(n_activations, depth, n_samples, batch_size, epochs, width)
    allowed = training_seconds(n_activations, depth, n_samples, batch_size, budget, width)
    return budget, (
        f"{epochs} epochs of this setting would take about {asked / 60:.1f} minutes to train here, so "
        f"each net trains for {budget} epochs (about {allowed:.0f} s). Fewer points, layers, units or "
        "activations leave room for more epochs."
    )
