"""The MLP page's tables and chart data, read from a trained comparison."""

import pandas as pd
import pytest

from explainer.lessons.mlp.tables import (
    dead_units,
    labelled,
    panel_titles,
    summary_table,
    titled_grid,
    training_titles,
)
from explainer.sklearn_mlp import MLPComparison, fit_mlps, fit_mlps_stream


@pytest.fixture(scope="module")
def trained() -> MLPComparison:
    """Sigmoid and ReLU, 2 hidden layers of 8, 10 epochs on 120 points of moons."""
    return fit_mlps("moons", ("sigmoid", "relu"), (8, 8), epochs=10, n_samples=120, batch_size=32)


def test_labelled_frames_keep_every_row_with_the_registry_key_and_its_label(trained):
    history = labelled(trained.history)
    assert list(history.columns[:2]) == ["key", "label"] and len(history) == len(trained.history)
    assert dict(zip(history["key"], history["label"], strict=True)) == {"sigmoid": "sigmoid", "relu": "ReLU"}


def test_dead_units_name_each_hidden_layer_for_its_line(trained):
    dead = dead_units(trained)
    assert "activation" not in dead.columns
    assert sorted(set(dead["hidden layer"])) == ["layer 1", "layer 2"]
    assert dead["dead_fraction"].between(0, 1).all()


def test_panel_titles_carry_the_test_accuracy_and_a_divergence():
    summary = pd.DataFrame(
        {
            "activation": ["identity", "relu"],
            "label": ["identity", "ReLU"],
            "test_accuracy": [0.5, 0.96],
            "diverged": [True, False],
            "diverged_epoch": pd.array([7, None], dtype="Int64"),
        }
    )
    empty = pd.DataFrame()
    comparison = MLPComparison({}, empty, empty, empty, empty, summary, empty, empty)
    assert panel_titles(comparison) == {
        "identity": "identity: test accuracy 0.50, diverged at epoch 7",
        "relu": "ReLU: test accuracy 0.96",
    }


def test_the_summary_table_writes_words_where_a_number_does_not_apply(trained):
    table = summary_table(trained).set_index("activation")
    assert list(table.index) == ["sigmoid", "ReLU"]
    assert table.loc["sigmoid", "scikit-learn"] == "logistic"
    assert table.loc["sigmoid", "dead units"] == "—" and table.loc["ReLU", "dead units"].endswith("%")
    assert (table["diverged"] == "no").all() and (table["epochs"] == 10).all()
    assert table["test ≥ 0.9 at"].str.match(r"^(never|epoch \d+)$").all()


def test_panels_while_training_carry_the_accuracy_at_that_epoch_or_the_divergence():
    stream = fit_mlps_stream(
        "circles", ("identity", "relu"), (16, 16), solver="sgd", learning_rate=1.0, epochs=30, n_samples=200
    )
    snapshots = [s for s in stream if not isinstance(s, MLPComparison)]
    snapshot = next(s for s in snapshots if s.diverged)
    k = snapshot.diverged["identity"]
    relu = snapshot.history[snapshot.history["activation"] == "relu"].iloc[-1]
    assert training_titles(snapshot) == {
        "identity": f"identity: diverged at epoch {k}",
        "relu": f"ReLU: test accuracy {relu['test_accuracy']:.2f} at epoch {snapshot.epoch}",
    }


def test_titled_grid_keeps_the_titled_panels_in_their_order(trained):
    titles = {"relu": "ReLU!", "sigmoid": "sigmoid!"}  # ReLU first, though it trained second
    rows = titled_grid(trained.grid, titles)
    assert len(rows) == len(trained.grid)
    assert rows.groupby("activation")["order"].unique().map(list).to_dict() == {"relu": [0], "sigmoid": [1]}
    assert set(zip(rows["activation"], rows["title"], strict=True)) == {
        ("relu", "ReLU!"),
        ("sigmoid", "sigmoid!"),
    }
    assert len(titled_grid(trained.grid, {"relu": "ReLU"})) == len(trained.grid) // 2
