"""Section 6, early stopping: where a patience stops an overfitting run, and what the best weights buy."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...nn.checks import whole
from ...nn.loop import MAX_STEPS, TrainingRun, train
from ...nn.model import SPLIT


@dataclass(frozen=True)
class EarlyStopping:
    """Early stopping read off one run's validation loss (Keras ``EarlyStopping`` with
    ``monitor="val_loss"``, ``min_delta=0``, ``patience`` counted in steps).

    ``best_step``: the evaluation with the lowest validation loss before stopping; ``stop_step``:
    the first evaluation ``patience`` or more steps after the best without a new best (None if
    the run ends first). ``curves``: step, series ("training loss", "validation loss", "test
    loss"), loss. ``summary``: one row per policy — policy, step, val_loss, test_loss,
    test_accuracy: "train all steps", "stop (weights as they are then)" and "stop, restore best
    weights" (Keras ``restore_best_weights=True``).
    """

    run: TrainingRun
    patience: int
    best_step: int
    stop_step: int | None
    curves: pd.DataFrame
    summary: pd.DataFrame
    sentences: list[str]


def early_stopping(run: TrainingRun, patience: int) -> EarlyStopping:
    """Where early stopping with ``patience`` steps would stop ``run``, and the test accuracy with
    and without it; see ``EarlyStopping``."""
    patience = whole("patience", patience, 1, MAX_STEPS)
    h = run.history
    best_val, best_step, stop_step = math.inf, 0, None
    for row in h.itertuples(index=False):
        if row.val_loss < best_val:
            best_val, best_step = row.val_loss, int(row.step)
        elif row.step - best_step >= patience:
            stop_step = int(row.step)
            break
    at = h.set_index("step")
    rows = [("train all steps", int(h["step"].iloc[-1]))]
    if stop_step is not None:
        rows += [("stop (weights as they are then)", stop_step), ("stop, restore best weights", best_step)]
    summary = pd.DataFrame(
        [
            {
                "policy": policy,
                "step": step,
                "val_loss": float(at.loc[step, "val_loss"]),
                "test_loss": float(at.loc[step, "test_loss"]),
                "test_accuracy": float(at.loc[step, "test_accuracy"]),
            }
            for policy, step in rows
        ]
    )
    curves = h.melt(
        id_vars="step",
        value_vars=["train_loss", "val_loss", "test_loss"],
        var_name="series",
        value_name="loss",
    ).replace(
        {"series": {"train_loss": "training loss", "val_loss": "validation loss", "test_loss": "test loss"}}
    )
    return EarlyStopping(
        run,
        patience,
        best_step,
        stop_step,
        curves,
        summary,
        _stopping_sentences(run, patience, best_step, stop_step, summary),
    )


def _percent(share: float) -> str:
    """A share as a percentage with the decimal it needs: "75%", "72.5%"."""
    return f"{share:.0%}" if abs(100 * share - round(100 * share)) < 1e-9 else f"{share:.1%}"


def _went(start: float, end: float) -> str:
    """ "fell from a to b", "rose from a to b" or "stayed at a", as the three-decimal values read."""
    a, b = f"{start:.3f}", f"{end:.3f}"
    if a == b:
        return f"stayed at {a}"
    return f"{'fell' if float(b) < float(a) else 'rose'} from {a} to {b}"


def _stop_against_best(run: TrainingRun, stopped: pd.Series, kept: pd.Series) -> str:
    """Whether restoring the best weights beat the weights at the stop on the test points, from the
    two summary rows as printed; when the stop wins, why a validation minimum can lose on test."""
    n_samples = run.settings["n_samples"]
    n_val = round(SPLIT[1] * n_samples)
    n_test = n_samples - run.settings["n_train"] - n_val
    acc_s, acc_k = _percent(stopped["test_accuracy"]), _percent(kept["test_accuracy"])
    loss_s, loss_k = f"{stopped['test_loss']:.3f}", f"{kept['test_loss']:.3f}"
    accuracy = np.sign(
        round(stopped["test_accuracy"] - kept["test_accuracy"], 6)
    )  # +1: the stop scores higher
    loss = np.sign(float(loss_k) - float(loss_s))  # +1: the stop's test loss is lower
    at_stop = f"the weights at the stop (step {int(stopped['step']):,})"
    scores = f"test accuracy {acc_s} against {acc_k}, test loss {loss_s} against {loss_k}"
    if accuracy == 0 and loss == 0:
        return f"Restoring changes nothing on the test points: {at_stop} score the same, {acc_s} (test loss {loss_s})."
    if accuracy <= 0 and loss <= 0:
        return (
            f"Restoring the best weights pays on the test points: {at_stop} score {acc_s} (test loss "
            f"{loss_s}) against the restored {acc_k} ({loss_k})."
        )
    if accuracy >= 0 and loss >= 0:
        return (
            f"Here {at_stop} do better on the test points than the restored best: {scores}. The validation "
            f"loss chose step {int(kept['step']):,} ({kept['val_loss']:.3f} against {stopped['val_loss']:.3f}), "
            f"but it is an average over only {n_val} points, so its lowest value partly picks the step that "
            f"happened to suit those points; the {n_test} test points disagree."
        )
    # Split verdicts: a higher accuracy with a higher loss, or a lower accuracy with a lower loss.
    both = "a higher" if accuracy > 0 else "a lower"
    return (
        f"{at_stop[0].upper()}{at_stop[1:]} score {both} test accuracy but {both} test loss than the "
        f"restored best ({scores}): accuracy counts only which side of ½ each of the {n_test} test points "
        f"falls (one point is {_percent(1 / n_test)}), while the loss also weighs how confident the net is."
    )


def _stopping_sentences(
    run: TrainingRun, patience: int, best: int, stop: int | None, summary: pd.DataFrame
) -> list[str]:
    h = run.history.set_index("step")
    last = int(run.history["step"].iloc[-1])
    full = summary.iloc[0]
    lowest = int(h["val_loss"].idxmin())
    later = (
        f" It goes lower after the stop, to {h.loc[lowest, 'val_loss']:.3f} at step {lowest:,}, which early "
        "stopping with this patience never sees."
        if h.loc[lowest, "val_loss"] < h.loc[best, "val_loss"]
        else ""
    )
    where = "Before the stop the validation loss" if later else "The validation loss"
    out = [
        f"{where} is lowest at step {best:,} ({h.loc[best, 'val_loss']:.3f}); after all {last:,} steps "
        f"it is {full['val_loss']:.3f}, while the training loss "
        f"{_went(h.loc[best, 'train_loss'], h.loc[last, 'train_loss'])}.{later}"
    ]
    if stop is None:
        out.append(
            f"With a patience of {patience:,} steps, early stopping would not have stopped this run: "
            f"the validation loss last improved at step {best:,}, fewer than {patience:,} steps before the end."
        )
        return out
    stopped, kept = summary.iloc[1], summary.iloc[2]
    out.append(
        f"With a patience of {patience:,} steps, training stops at step {stop:,} and keeps the weights of step "
        f"{best:,}: test accuracy {_percent(kept['test_accuracy'])} (test loss {kept['test_loss']:.3f}) against "
        f"{_percent(full['test_accuracy'])} (test loss {full['test_loss']:.3f}) after all {last:,} steps, "
        f"for {stop / last:.0%} of the training steps. {_stop_against_best(run, stopped, kept)}"
    )
    return out


def early_stopping_run(
    dataset: str = "circles",
    activation: str = "relu",
    hidden_layers: Sequence[int] = (64, 64, 64),
    init: str = "he_normal",
    *,
    patience: int = 100,
    optimizer: str = "adam",
    learning_rate: float = 0.01,
    steps: int = 1_000,
    batch_size: int = 16,
    seed: int = 0,
    n_samples: int = 200,
    noise: float | None = 0.25,
    progress: Callable[[float], object] | None = None,
) -> EarlyStopping:
    """``early_stopping`` of a run made to overfit: few noisy points, a wide net, many steps."""
    run = train(
        dataset,
        activation,
        hidden_layers,
        init,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        steps=steps,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // 50),
        progress=progress,
    )
    return early_stopping(run, patience)
