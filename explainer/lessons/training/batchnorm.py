"""Section 4, batch norm: a deep network without and with it, and how far its two modes differ."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from ...activations import ACTIVATIONS
from ...nn.loop import TrainingRun, train
from ...nn.model import BN_MOMENTUM, DEFAULT_SAMPLES
from .runs import SECTION_RECORDS, Comparison, compare_runs, gradient_ratio, ratio_phrase

LN2 = math.log(2.0)


def batchnorm_comparison(
    dataset: str,
    activation: str = "sigmoid",
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
    """The same deep network without and with batch norm (runs "without batch norm" and "with
    batch norm"), same weights and batches. The batch-norm run's ``history`` has output_gap and
    train_mode_val_loss: how far inference mode (running statistics) is from training mode.
    ``trainer`` as in ``compare_runs``."""
    common = dict(
        dataset=dataset,
        activation=activation,
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
    comparison = compare_runs(
        [
            ("without batch norm", {**common, "batchnorm": False}),
            ("with batch norm", {**common, "batchnorm": True}),
        ],
        progress,
        trainer,
    )
    return replace(comparison, sentences=_batchnorm_sentences(comparison))


def _batchnorm_sentences(comparison: Comparison) -> list[str]:
    s = comparison.summary.set_index("run")
    off, on = comparison.runs["without batch norm"], comparison.runs["with batch norm"]
    depth = len(off.settings["hidden_layers"])
    label = ACTIVATIONS[off.settings["activation"]].label
    out = [
        f"After {s.loc['with batch norm', 'steps_done']:,} steps the {depth}-layer {label} net's training loss "
        "(in inference mode, as the trained net would be used) is "
        f"{s.loc['without batch norm', 'final_loss']:.3f} without batch norm and "
        f"{s.loc['with batch norm', 'final_loss']:.3f} with it (ln 2 = {LN2:.3f} is a net that answers ½ "
        f"everywhere); test accuracy {s.loc['without batch norm', 'test_accuracy']:.0%} against "
        f"{s.loc['with batch norm', 'test_accuracy']:.0%}."
    ]
    for name, run in (("without", off), ("with", on)):
        end = run.layers[run.layers["step"] == run.layers["step"].max()]
        out.append(
            f"{name.capitalize()} batch norm, at the end layer 1's gradient is {ratio_phrase(gradient_ratio(run))} "
            f"layer {depth}'s, and the spread (std) of the layers' outputs runs from "
            f"{end['activation_std'].min():.3g} to {end['activation_std'].max():.3g}."
        )
    h = on.history
    early = h.iloc[1] if len(h) > 1 else h.iloc[0]
    end = h.iloc[-1]
    widest = h.loc[h["output_gap"].idxmax()]
    out.append(
        f"Inference mode normalises with the running statistics (momentum {BN_MOMENTUM:g}), training mode "
        f"with the batch's own. On the validation points the two modes' probabilities differ by "
        f"{early['output_gap']:.3f} on average at step {early['step']:,.0f}, {widest['output_gap']:.3f} at "
        f"step {widest['step']:,.0f} (the widest) and {end['output_gap']:.3f} at step {end['step']:,.0f}, "
        f"where the validation loss is {end['val_loss']:.3f} in inference mode and "
        f"{end['train_mode_val_loss']:.3f} in training mode."
    )
    return out
