"""Section 2, gradients during training: the same network trained with each activation, layer by layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ...activations import ACTIVATIONS, get_activation
from ...nn.loop import TrainingRun, train
from ...nn.model import DEFAULT_SAMPLES
from .runs import SECTION_RECORDS, Comparison, compare_runs, gradient_ratio, ratio_phrase, short_number


def gradient_comparison(
    dataset: str,
    activations: Sequence[str] = ("sigmoid", "relu"),
    hidden_layers: Sequence[int] = (32,) * 6,
    init: str = "glorot_uniform",
    *,
    learning_rate: float = 0.1,
    steps: int = 300,
    batch_size: int = 32,
    optimizer: str = "sgd",
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
    trainer: Callable[..., TrainingRun] = train,
) -> Comparison:
    """The same network (same weights, same batches) trained with each activation; the page
    reads ``layers``' grad_norm as a layer × step heatmap. Run labels are the activation labels.
    ``trainer`` as in ``compare_runs``."""
    keys = list(dict.fromkeys(get_activation(k).key for k in activations))
    if not keys:
        raise ValueError("Choose at least one activation to train.")
    common = dict(
        dataset=dataset,
        hidden_layers=hidden_layers,
        init=init,
        learning_rate=learning_rate,
        steps=steps,
        batch_size=batch_size,
        optimizer=optimizer,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    plans = [(ACTIVATIONS[k].label, {**common, "activation": k}) for k in keys]
    comparison = compare_runs(plans, progress, trainer)
    sentences = []
    for name, run in comparison.runs.items():
        start, end = gradient_ratio(run, 0), gradient_ratio(run)
        depth = len(run.settings["hidden_layers"])
        row = comparison.summary.set_index("run").loc[name]
        status = f" It {run.message}." if run.diverged_at is not None else ""
        sentences.append(
            f"**{name}**: layer 1's gradient is {ratio_phrase(start)} layer {depth}'s at the start and "
            f"{ratio_phrase(end)} layer {depth}'s after step {row['steps_done']:,}. The training loss went from "
            f"{short_number(row['initial_loss'])} to {short_number(row['final_loss'])}.{status}"
        )
    return replace(comparison, sentences=sentences)
