"""Section 6: where early stopping stops, and the sentences weighing the weights at the stop against
the restored best."""

import numpy as np

from explainer.lessons.training.stopping import early_stopping, early_stopping_run

from .fake_runs import fake_run, stopping_run


def test_early_stopping_says_when_the_weights_at_the_stop_beat_the_restored_best():
    result = early_stopping(stopping_run({2: 0.7, 5: 0.8}, {2: 0.5, 5: 0.4}), patience=3)
    said = result.sentences[-1]
    assert "the weights at the stop (step 5) do better on the test points than the restored best" in said
    assert "test accuracy 80% against 70%, test loss 0.400 against 0.500" in said
    n_val = round(0.2 * result.run.settings["n_samples"])
    assert f"only {n_val} points" in said and "Restoring the best weights pays" not in said


def test_early_stopping_says_when_restoring_the_best_weights_pays():
    said = early_stopping(stopping_run({2: 0.725, 5: 0.7}, {2: 0.5, 5: 0.6}), patience=3).sentences[-1]
    assert "Restoring the best weights pays on the test points" in said
    assert "score 70% (test loss 0.600) against the restored 72.5% (0.500)" in said


def test_early_stopping_with_a_split_verdict_says_accuracy_and_loss_disagree():
    said = early_stopping(stopping_run({2: 0.725, 5: 0.75}, {2: 0.739, 5: 1.09}), patience=3).sentences[-1]
    assert "score a higher test accuracy but a higher test loss than the restored best" in said
    assert "test accuracy 75% against 72.5%, test loss 1.090 against 0.739" in said


def test_early_stopping_says_the_training_loss_rose_when_it_did():
    run = stopping_run({}, {}, train_loss=np.linspace(0.3, 0.6, 9))
    said = early_stopping(run, patience=3).sentences[0]
    assert "the training loss rose from 0.375 to 0.600" in said


def test_early_stopping_does_not_call_a_minimum_lowest_when_the_loss_goes_lower_after_the_stop():
    said = early_stopping(stopping_run({}, {}), patience=3).sentences[0]
    assert said.startswith("Before the stop the validation loss is lowest at step 2 (0.600)")
    assert "It goes lower after the stop, to 0.400 at step 8" in said


def test_early_stopping_stops_patience_steps_after_the_best_validation_loss():
    run = fake_run([1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.95, 0.5, 0.4])
    result = early_stopping(run, patience=3)
    assert (result.best_step, result.stop_step) == (2, 5)
    assert result.summary["policy"].tolist() == [
        "train all steps",
        "stop (weights as they are then)",
        "stop, restore best weights",
    ]
    assert result.summary["step"].tolist() == [8, 5, 2]
    assert "stops at step 5" in result.sentences[-1]


def test_early_stopping_with_a_long_patience_never_stops():
    result = early_stopping(fake_run([1.0, 0.8, 0.9, 0.85]), patience=10)
    assert result.stop_step is None and len(result.summary) == 1
    assert "would not have stopped" in result.sentences[-1]


def test_overfitting_run_has_validation_loss_rising_after_its_minimum():
    result = early_stopping_run(steps=600)
    h = result.run.history.set_index("step")
    assert h["val_loss"].iloc[-1] > h.loc[result.best_step, "val_loss"]
    assert h["train_loss"].iloc[-1] < h.loc[result.best_step, "train_loss"]
