"""The training page's tables, chart rows and captions, written from runs' numbers."""

from types import SimpleNamespace

import pandas as pd

from explainer.lessons.training.tables import (
    LOSS_CAP,
    batchnorm_frames,
    clipping_frames,
    dead_rows,
    divergence_warnings,
    gradient_rows,
    loss_cap_caption,
    minibatch_table,
    race_table,
    stopping_table,
    summary_table,
    zero_gradient_caption,
)


def _layers(grad_norms: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {
            "run": run,
            "key": "relu",
            "label": "ReLU",
            "step": 0,
            "layer": i + 1,
            "grad_norm": g,
            "dead_fraction": 0.5,
            "activation_std": 1.0,
            "saturated_fraction": 0.0,
        }
        for run, norms in grad_norms.items()
        for i, g in enumerate(norms)
    ]
    return pd.DataFrame(rows)


def test_minibatch_table_rounds_to_three_places_and_shows_microseconds():
    frame = pd.DataFrame(
        {
            "batch_size": [1, 4],
            "relative_error": [2.34567, 1.0004],
            "law": [2.0, 1.0],
            "cosine": [0.12345, 0.9],
            "seconds_per_step": [1.26e-5, 3.0e-4],
        }
    )
    table = minibatch_table(frame)
    assert list(table.columns) == [
        "batch size b",
        "relative error ‖g_b − g‖/‖g‖",
        "1/√b law",
        "mean cosine with g",
        "µs per step",
    ]
    assert table["relative error ‖g_b − g‖/‖g‖"].tolist() == [2.346, 1.0]
    assert table["µs per step"].tolist() == [13.0, 300.0]


def test_race_table_names_the_target_loss_and_says_never_for_a_run_that_missed_it():
    summary = pd.DataFrame(
        {
            "run": ["b = 1", "full batch (240)"],
            "steps": [1200, 5],
            "final_loss": [0.123456, 0.64],
            "target_loss": [0.6181, 0.6181],
            "examples_to_target": pd.array([1200, pd.NA], dtype="Int64"),
            "seconds": [0.01234, 0.002],
        }
    )
    table = race_table(SimpleNamespace(summary=summary))
    assert table["examples to reach 0.618"].tolist() == ["1,200", "never"]
    assert table["final training loss"].tolist() == [0.1235, 0.64]


def test_summary_table_writes_loss_change_dead_share_and_divergence():
    summary = pd.DataFrame(
        {
            "run": ["no clipping", "clip by norm (1)"],
            "initial_loss": [0.6931, 0.6931],
            "final_loss": [float("nan"), 0.1234],
            "test_accuracy": [0.5, 0.98765],
            "dead_fraction": [0.125, 0.0],
            "first_over_last": [1234.5, 0.5],
            "steps_done": [6, 300],
            "diverged_at": pd.array([6, pd.NA], dtype="Int64"),
        }
    )
    table = summary_table(SimpleNamespace(summary=summary))
    assert table["training loss"].tolist() == ["0.693 → nan", "0.693 → 0.123"]
    assert table["dead units"].tolist() == ["12%", "0%"]
    assert table["layer 1 ÷ last layer gradient"].tolist() == ["1.23e+03", "0.5"]
    assert table["diverged"].tolist() == ["at step 6", "no"]
    assert table["test accuracy"].tolist() == [0.5, 0.988]


def test_stopping_table_keeps_each_policys_step_and_rounds_losses():
    summary = pd.DataFrame(
        {
            "policy": ["train all steps", "stop"],
            "step": [1000, 240],
            "val_loss": [0.51234, 0.4],
            "test_loss": [0.6, 0.45678],
            "test_accuracy": [0.8, 0.9],
        }
    )
    table = stopping_table(SimpleNamespace(summary=summary))
    assert list(table.columns) == [
        "policy",
        "weights from step",
        "validation loss",
        "test loss",
        "test accuracy",
    ]
    assert table["validation loss"].tolist() == [0.512, 0.4] and table["test loss"].tolist() == [0.6, 0.457]


def test_chart_rows_keep_only_the_columns_each_chart_and_csv_show():
    layers = _layers({"ReLU": [1.0, 2.0]})
    comparison = SimpleNamespace(layers=layers)
    assert list(gradient_rows(comparison).columns) == ["run", "key", "label", "step", "layer", "grad_norm"]
    assert list(dead_rows(SimpleNamespace(comparison=comparison)).columns) == [
        "run",
        "step",
        "layer",
        "dead_fraction",
    ]


def test_batchnorm_frames_name_the_two_modes():
    history = pd.DataFrame({"step": [0, 10], "val_loss": [0.7, 0.5], "train_mode_val_loss": [0.7, 0.6]})
    comparison = SimpleNamespace(
        history=pd.DataFrame({"run": ["with batch norm"] * 2, "step": [0, 10], "train_loss": [0.7, 0.4]}),
        layers=_layers({"with batch norm": [1.0]}),
        runs={"with batch norm": SimpleNamespace(history=history)},
    )
    losses, spread, modes = batchnorm_frames(comparison)
    assert list(losses.columns) == ["run", "step", "train_loss"]
    assert list(spread.columns) == ["run", "step", "layer", "activation_std", "saturated_fraction"]
    assert modes["mode"].tolist() == [
        "inference mode (running statistics)",
        "inference mode (running statistics)",
        "training mode (the batch's statistics)",
        "training mode (the batch's statistics)",
    ]
    assert modes["loss"].tolist() == [0.7, 0.5, 0.7, 0.6]


def test_clipping_frames_leave_the_unclipped_run_out_of_the_angles():
    steps = pd.DataFrame(
        {
            "run": ["no clipping", "clip by value (0.1)", "clip by norm (1)"],
            "step": [1, 1, 1],
            "angle": [0.0, 12.0, 0.0],
            "grad_norm": [5.0, 5.0, 5.0],
            "clipped_norm": [5.0, 0.3, 1.0],
        }
    )
    history = pd.DataFrame({"run": ["no clipping"], "step": [1], "train_loss": [1.0], "val_loss": [1.0]})
    losses, angles = clipping_frames(SimpleNamespace(history=history, steps=steps))
    assert list(losses.columns) == ["run", "step", "train_loss"]
    assert angles["run"].tolist() == ["clip by value (0.1)", "clip by norm (1)"]


def test_divergence_warnings_name_only_the_runs_that_diverged():
    runs = {
        "no clipping": SimpleNamespace(diverged_at=6, message="diverged at step 6: the loss overflowed"),
        "clip by norm (1)": SimpleNamespace(diverged_at=None, message=""),
    }
    assert divergence_warnings(SimpleNamespace(runs=runs)) == [
        "**no clipping** diverged at step 6: the loss overflowed."
    ]


def test_zero_gradient_caption_counts_blank_cells_per_run_or_is_none():
    assert zero_gradient_caption(SimpleNamespace(layers=_layers({"ReLU": [1.0, 2.0]}))) is None
    layers = _layers({"sigmoid": [0.0, 1.0], "ReLU": [0.0, 0.0, 3.0]})
    assert zero_gradient_caption(SimpleNamespace(layers=layers)) == (
        "Blank cells are layers whose gradient is exactly 0 (a log scale cannot show 0): "
        "sigmoid (1 cells), ReLU (2 cells)."
    )


def test_loss_cap_caption_says_where_a_run_passes_the_cap_and_how_high_it_goes():
    calm = pd.DataFrame({"run": ["a"], "step": [1], "train_loss": [LOSS_CAP]})
    assert loss_cap_caption(calm) is None
    wild = pd.DataFrame(
        {"run": ["no clipping"] * 3, "step": [5, 1_000, 2_000], "train_loss": [1.0, 250.0, 3.4e4]}
    )
    assert loss_cap_caption(wild) == (
        "no clipping's training loss passes 100 at step 1,000 and reaches 3.4e+04. "
        "Above that the line runs along the top edge of the chart."
    )
