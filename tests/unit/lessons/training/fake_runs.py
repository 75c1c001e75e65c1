"""Training runs with hand-set tables, for the sentences that read them."""

import numpy as np

from explainer.nn.loop import TrainingRun, train


def fake_run(val_losses: list[float]) -> TrainingRun:
    """A short real run given ``val_losses`` as its validation losses and test accuracies 0.5 to 0.9."""
    base = train(
        "circles",
        "relu",
        (4,),
        "he_normal",
        learning_rate=0.1,
        batch_size=32,
        steps=len(val_losses) - 1,
        record_every=1,
    )
    history = base.history.copy()
    history["val_loss"] = val_losses
    history["test_accuracy"] = np.linspace(0.5, 0.9, len(val_losses))
    return TrainingRun(
        base.settings, history, base.layers, base.steps, base.state, base.initial_state, None, 0.0, 0.0
    )


def fake_parts(run: TrainingRun) -> tuple:
    """The fields of ``run`` after ``layers``, to build a TrainingRun with other tables."""
    return run.steps, run.state, run.initial_state, None, 0.0, 0.0


def stopping_run(
    test_accuracy: dict[int, float], test_loss: dict[int, float], train_loss=None
) -> TrainingRun:
    """A run whose validation loss is lowest at step 2 and stops at step 5 (patience 3), with the
    given test accuracy and loss at those steps."""
    run = fake_run([1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.95, 0.5, 0.4])
    history = run.history.copy()
    for step, value in test_accuracy.items():
        history.loc[history["step"] == step, "test_accuracy"] = value
    for step, value in test_loss.items():
        history.loc[history["step"] == step, "test_loss"] = value
    if train_loss is not None:
        history["train_loss"] = train_loss
    return TrainingRun(run.settings, history, run.layers, *fake_parts(run))
