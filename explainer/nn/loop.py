"""The training loop: seeded minibatch training of the model, measured as it learns.

A run whose loss, gradient or weights leave float64 stops there and reports ``diverged_at``; no
NaN reaches a returned table and no RuntimeWarning is raised.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..curves import SATURATION_THRESHOLD
from .checks import whole
from .layers import overflow_safe_std
from .model import (
    DEFAULT_SAMPLES,
    ForwardPass,
    ModelState,
    Split,
    backward,
    check_seed,
    cross_entropy,
    forward,
    initial_state,
    training_data,
    update_running_statistics,
)
from .optimizers import (
    Optimizer,
    check_clip,
    check_learning_rate,
    check_optimizer,
    clip_gradients,
    cosine,
    global_norm,
)

MAX_STEPS = 20_000
RECORDS = 100  # evaluations per run when record_every is not given


def check_steps(steps) -> int:
    """``steps`` as an int in [1, 20,000]."""
    return whole("steps", steps, 1, MAX_STEPS)


@dataclass(frozen=True)
class TrainingRun:
    """One seeded training run and everything measured along the way.

    ``history`` — one row per evaluation (step 0, every ``record_every`` steps, and the last):
      step, examples (step × batch size), train_loss, val_loss, test_loss, train_accuracy,
      val_accuracy, test_accuracy (inference mode), and with batch norm also
      train_mode_val_loss (the validation set normalised with its own statistics) and
      output_gap, the mean |P_train-mode − P_inference-mode| over the validation points.
    ``layers`` — one row per evaluation and hidden layer (1 = nearest the input): step, layer,
      grad_norm (‖∂loss/∂W_l‖ over the whole training set), dead_fraction (share of the layer's
      units with f′(u) = 0 on every training point), activation_mean, activation_std,
      saturated_fraction (share of unit-point pairs with |f′(u)| < 0.01); with batch norm also
      running_mean, running_var (averaged over the layer's units) and batch_mean, batch_var (the
      same statistics of the whole training set, which the running ones estimate).
    ``steps`` — one row per update made (including, for a run that diverged, the update that did):
      step, batch_loss, grad_norm (global norm of the minibatch gradient before clipping),
      clipped_norm (after), cosine (between clipped and raw gradient), angle (its angle in degrees).
    ``state`` is the network when training stopped (after ``diverged_at`` − 1 updates for a
    run that diverged); ``initial_state`` before the first update. ``diverged_at`` is the update
    after which the loss (on the next minibatch or the training set) or the gradient left float64
    (None if none; 0 if the initial network already overflows). ``seconds`` is the whole
    call, ``train_seconds`` the time spent in update steps alone (no evaluations).
    """

    settings: dict
    history: pd.DataFrame
    layers: pd.DataFrame
    steps: pd.DataFrame
    state: ModelState
    initial_state: ModelState
    diverged_at: int | None
    seconds: float
    train_seconds: float

    @property
    def message(self) -> str | None:
        """ "diverged at step k" with what left float64 and the step the curves stop at (the last
        row of ``history``), or None for a run that did not diverge."""
        if self.diverged_at is None:
            return None
        if self.history.empty:
            return (
                f"diverged at step {self.diverged_at}: the network's loss or gradient overflowed float64 "
                "before any finite evaluation, so there are no curves"
            )
        last = int(self.history["step"].iloc[-1])
        cause = "the initial network" if self.diverged_at == 0 else "after that update the network"
        return (
            f"diverged at step {self.diverged_at}: {cause}'s loss or gradient overflowed float64, so the "
            f"curves stop at step {last:,}, the last finite evaluation"
        )

    @property
    def final(self) -> pd.Series:
        """The last row of ``history``."""
        return self.history.iloc[-1]


def _record_layers(state: ModelState, full: ForwardPass, grads: list[np.ndarray], step: int) -> list[dict]:
    rows = []
    per_layer = 3 if state.batchnorm else 2
    for i in range(state.depth):
        slope = full.slopes[i]
        h = full.inputs[i + 1]
        with np.errstate(all="ignore"):
            row = {
                "step": step,
                "layer": i + 1,
                "grad_norm": global_norm([grads[i * per_layer]]),
                "dead_fraction": float(np.mean(np.all(slope == 0.0, axis=0))),
                "activation_mean": float(np.mean(h)),
                "activation_std": overflow_safe_std(h),
                "saturated_fraction": float(np.mean(np.abs(slope) < SATURATION_THRESHOLD)),
            }
            if state.batchnorm:
                row["running_mean"] = float(np.mean(state.running_means[i]))
                row["running_var"] = float(np.mean(state.running_vars[i]))
                row["batch_mean"] = float(np.mean(full.batch_means[i]))
                row["batch_var"] = float(np.mean(full.batch_vars[i]))
        rows.append(row)
    return rows


def _evaluate(state: ModelState, data: Split, step: int, batch_size: int) -> tuple[dict, list[dict]] | None:
    """The history row and layer rows at ``step``; None if a value left float64."""
    full = forward(state, data.X_train, True)
    grads = backward(state, full, data.y_train)

    def scores(X, y, training=False):
        logits = (full if training is None else forward(state, X, training, slopes=False)).logits
        return cross_entropy(logits, y), float(np.mean((logits >= 0) == (y == 1))), logits

    train_loss, train_acc, _ = scores(data.X_train, data.y_train, None if not state.batchnorm else False)
    val_loss, val_acc, val_logits = scores(data.X_val, data.y_val)
    test_loss, test_acc, _ = scores(data.X_test, data.y_test)
    row = {
        "step": step,
        "examples": step * batch_size,
        "train_loss": train_loss,
        "val_loss": val_loss,
        "test_loss": test_loss,
        "train_accuracy": train_acc,
        "val_accuracy": val_acc,
        "test_accuracy": test_acc,
    }
    if state.batchnorm:
        train_mode_loss, _, train_mode_logits = scores(data.X_val, data.y_val, True)
        with np.errstate(all="ignore"):
            gap = float(np.mean(np.abs(special.expit(train_mode_logits) - special.expit(val_logits))))
        row["train_mode_val_loss"] = train_mode_loss
        row["output_gap"] = gap
    layers = _record_layers(state, full, grads, step)
    values = [v for v in row.values()] + [v for r in layers for v in r.values()]
    if not all(math.isfinite(v) for v in values) or not math.isfinite(global_norm(grads)):
        return None
    return row, layers


def _batches(rng: np.random.Generator, n: int, batch_size: int):
    """Minibatch indices forever: a fresh permutation each epoch, cut into n // b full batches."""
    per_epoch = n // batch_size
    while True:
        order = rng.permutation(n)
        for k in range(per_epoch):
            yield order[k * batch_size : (k + 1) * batch_size]


def train(
    dataset: str,
    activation: str,
    hidden_layers: Sequence[int],
    init: str,
    *,
    optimizer: str = "sgd",
    learning_rate: float,
    batch_size: int,
    steps: int,
    batchnorm: bool = False,
    clip: tuple[str, float] | None = None,
    seed: int = 0,
    progress: Callable[[float], object] | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    data_seed: int = 0,
    gain: float = 1.0,
    params: Mapping[str, float] | None = None,
    record_every: int | None = None,
) -> TrainingRun:
    """Train ``nn.model``'s MLP on ``dataset`` (a ``DATASETS`` key) and measure it; see
    ``TrainingRun`` for the tables returned.

    ``hidden_layers`` are the hidden widths, e.g. (32, 32, 32); ``init`` an ``INITIALIZERS`` key
    (times ``gain``); ``optimizer`` "sgd", "momentum" or "adam"; ``clip`` None, ("norm", t) or
    ("value", t). The data are ``training_data(dataset, n_samples, noise, data_seed)``; ``seed``
    draws the weights and the minibatch order from separate streams, so runs that differ only in
    learning rate, clipping or optimizer start from the same weights and see the same batches.
    Each epoch is a fresh permutation cut into n_train // batch_size full batches. The model is
    evaluated every ``record_every`` steps (default: about 100 evaluations) and
    ``progress(fraction)`` is called after each evaluation.

    With ``batchnorm`` every hidden layer normalises its pre-activations: training steps use the
    minibatch's mean and biased variance, evaluations use the running statistics, updated after
    each step with PyTorch's convention (momentum 0.1, the *unbiased* batch variance; see
    ``nn.model``'s docstring).

    Refuses (ValueError, saying what was expected) steps outside [1, 20,000], a learning rate
    outside (0, 10], a clipping threshold ≤ 0, a batch larger than the training set, and batch
    norm with a batch of 1 (a unit's variance over one example is 0, as PyTorch also refuses).
    """
    start = time.perf_counter()
    steps = check_steps(steps)
    learning_rate = check_learning_rate(learning_rate)
    clip = check_clip(clip)
    optimizer = check_optimizer(optimizer)
    seed = check_seed(seed)
    data = training_data(dataset, n_samples, noise, data_seed)
    batch_size = whole("batch_size", batch_size, 1, data.n_train)
    if batchnorm and batch_size < 2:
        raise ValueError("Batch norm needs a batch of at least 2 to normalise over; got batch_size=1.")
    every = (
        max(1, math.ceil(steps / RECORDS))
        if record_every is None
        else whole("record_every", record_every, 1, steps)
    )
    state = initial_state(
        activation, hidden_layers, init, batchnorm=batchnorm, seed=seed, gain=gain, params=params
    )
    first = state.copy()
    arrays = state.parameters()
    opt = Optimizer(optimizer, learning_rate, arrays)
    batches = _batches(
        np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1]), data.n_train, batch_size
    )
    history, layers = [], []
    step_rows = np.zeros((steps, 4))
    diverged_at = None
    evaluated = _evaluate(state, data, 0, batch_size)
    if evaluated is None:
        diverged_at = 0
    else:
        history.append(evaluated[0])
        layers.extend(evaluated[1])
    done = 0
    # The state before the latest update, kept in place so a diverging run can report the last
    # finite state; copying into fixed buffers costs a few microseconds a step.
    live = arrays + list(state.running_means) + list(state.running_vars)
    saved = [a.copy() for a in live]
    stepping = 0.0
    for step in range(1, steps + 1) if diverged_at is None else ():
        tick = time.perf_counter()
        idx = next(batches)
        Xb, yb = data.X_train[idx], data.y_train[idx]
        p = forward(state, Xb, True)
        loss = cross_entropy(p.logits, yb)
        grads = backward(state, p, yb)
        raw_norm = global_norm(grads)
        if not (math.isfinite(loss) and math.isfinite(raw_norm)):
            # The state after step − 1 updates overflows: update step − 1 diverged.
            diverged_at = step - 1
            break
        clipped = clip_gradients(grads, clip) if clip else grads
        clipped_norm = global_norm(clipped) if clip else raw_norm
        step_rows[step - 1] = (loss, raw_norm, clipped_norm, cosine(clipped, grads) if clip else 1.0)
        for buffer, a in zip(saved, live, strict=True):
            np.copyto(buffer, a)
        opt.step(arrays, clipped)
        if state.batchnorm:
            update_running_statistics(state, p, batch_size)
        stepping += time.perf_counter() - tick
        done = step
        if step % every == 0 or step == steps:
            evaluated = _evaluate(state, data, step, batch_size)
            if evaluated is None:
                diverged_at = step
                break
            history.append(evaluated[0])
            layers.extend(evaluated[1])
            if progress is not None:
                progress(step / steps)
    if diverged_at:
        # Report the state before the update that diverged, and evaluate it if no record did.
        for a, buffer in zip(live, saved, strict=True):
            np.copyto(a, buffer)
        done = diverged_at - 1
        if history and history[-1]["step"] != done:
            evaluated = _evaluate(state, data, done, batch_size)
            if evaluated is not None:
                history.append(evaluated[0])
                layers.extend(evaluated[1])
    made = diverged_at if diverged_at else done  # the update that diverged is shown too
    step_frame = pd.DataFrame(step_rows[:made], columns=["batch_loss", "grad_norm", "clipped_norm", "cosine"])
    step_frame.insert(0, "step", np.arange(1, made + 1))
    step_frame["angle"] = np.degrees(np.arccos(np.clip(step_frame["cosine"].to_numpy(), -1.0, 1.0)))
    settings = {
        "dataset": dataset,
        "activation": state.activation,
        "hidden_layers": tuple(hidden_layers),
        "init": init,
        "optimizer": optimizer,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "steps": steps,
        "batchnorm": bool(batchnorm),
        "clip": clip,
        "seed": seed,
        "n_samples": n_samples,
        "n_train": data.n_train,
        "noise": noise,
        "data_seed": data_seed,
        "gain": gain,
        "record_every": every,
    }
    if progress is not None:
        progress(1.0)
    return TrainingRun(
        settings,
        pd.DataFrame(history),
        pd.DataFrame(layers),
        step_frame,
        state,
        first,
        diverged_at,
        time.perf_counter() - start,
        stepping,
    )
