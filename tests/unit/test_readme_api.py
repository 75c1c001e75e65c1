"""The README's API section is the contract of ``explainer``: every name it lists imports, every
public name is listed, each written signature is the code's, and the core tables' listed columns are
the columns a real call returns."""

import ast
import dataclasses
import functools
import importlib
import inspect
import re
from pathlib import Path

import pytest

import explainer

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "## The explainer API\n", "## Layout\n"


def _section(text: str) -> str:
    return text[text.index(START) : text.index(END)]


def _rows(section: str) -> dict[str, tuple[str | None, str]]:
    """Listed name → (its written parameters, or None when written without parentheses; the
    second cell), from every table row whose first cell is one code span."""
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert len(cells) == 3, f"expected 3 cells, got {len(cells)}: {line[:80]}"
        match = re.fullmatch(r"`([\w.]+)(?:\((.*)\))?`", cells[0])
        assert match, f"the first cell should be one `name` or `name(signature)`: {cells[0]}"
        name, params = match.groups()
        assert name not in rows, f"{name} is listed twice"
        rows[name] = (params, cells[1])
    return rows


SECTION = _section(README.read_text(encoding="utf-8"))
ROWS = _rows(SECTION)


def _resolve(name: str):
    """A plain name from ``explainer`` (lazy ones load), a dotted ``explainer.a.b`` from its module."""
    if "." not in name:
        return getattr(explainer, name)
    module, _, attribute = name.rpartition(".")
    assert module.split(".")[0] == "explainer", f"{name} is not in explainer"
    return getattr(importlib.import_module(module), attribute)


def _listed_object(name: str):
    """The object, or None where it does not import (``test_every_listed_name_imports`` says so)."""
    try:
        return _resolve(name)
    except (AttributeError, ImportError, AssertionError):
        return None


def _written(name: str, params: str) -> list[tuple[str, bool, object]]:
    """(name, keyword-only, default or inspect.Parameter.empty) per written parameter, parsed as
    a ``def``; a default that is a name (``PRESET_SEEDS``, ``train``) is looked up in ``explainer``."""
    tree = ast.parse(f"def {name.rpartition('.')[2]}({params}): pass")
    args = tree.body[0].args
    assert not (args.posonlyargs or args.vararg or args.kwarg), f"{name}: only plain parameters"

    def value(node):
        if node is None:
            return inspect.Parameter.empty
        if isinstance(node, ast.Name):
            return getattr(explainer, node.id)
        return ast.literal_eval(node)

    positional = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
    return [(a.arg, False, value(d)) for a, d in zip(args.args, positional, strict=True)] + [
        (a.arg, True, value(d)) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]


def _columns(cell: str, group: str | None = None) -> list[str]:
    """The columns a cell lists ("`column`: meaning"), in order; with ``group``, only those after
    ``**group**`` and before the next bold name."""
    if group is not None:
        parts = re.split(r"\*\*(\w+)\*\*", cell)
        segments = dict(zip(parts[1::2], parts[2::2], strict=True))
        assert group in segments, f"no **{group}** in the cell"
        cell = segments[group]
    return re.findall(r"`([^`]+)`:", cell)


def test_the_section_lists_names():
    assert len(ROWS) > 100
    assert "layer_statistics" in ROWS and "explainer.network.gradient_profile" in ROWS


@pytest.mark.parametrize("name", sorted(ROWS))
def test_every_listed_name_imports(name):
    assert _resolve(name) is not None


def test_every_public_name_is_listed():
    missing = [name for name in explainer.__all__ if name not in ROWS]
    assert missing == [], f"in explainer.__all__ but not in the README: {missing}"


def test_every_listed_plain_name_is_public():
    extra = [name for name in ROWS if "." not in name and name not in explainer.__all__]
    assert extra == [], f"listed as `explainer.X` but not in explainer.__all__: {extra}"


SIGNED = sorted(name for name, (params, _) in ROWS.items() if params is not None)


@pytest.mark.parametrize("name", SIGNED)
def test_every_written_signature_is_the_codes(name):
    written = _written(name, ROWS[name][0])
    actual = [p for p in inspect.signature(_resolve(name)).parameters.values() if not p.name.startswith("_")]
    assert [w[0] for w in written] == [p.name for p in actual], "parameter names or order"
    keyword_only = [p.kind is inspect.Parameter.KEYWORD_ONLY for p in actual]
    assert [w[1] for w in written] == keyword_only, "where `*` stands"
    for (param, _, default), p in zip(written, actual, strict=True):
        if default is not inspect.Parameter.empty:
            assert p.default is not inspect.Parameter.empty, f"{param} has no default in the code"
            assert default == p.default and type(default) is type(p.default), f"{param}'s default"


def test_every_function_is_listed_with_its_signature():
    """A class may be listed by name (its fields in the second cell); a function may not."""
    bare = [name for name in ROWS if ROWS[name][0] is None and inspect.isfunction(_listed_object(name))]
    assert bare == [], f"functions listed without a signature: {bare}"


BARE_DATACLASSES = sorted(
    name
    for name, (params, _) in ROWS.items()
    if params is None and dataclasses.is_dataclass(_listed_object(name))
)


@pytest.mark.parametrize("name", BARE_DATACLASSES)
def test_a_dataclass_listed_by_name_names_every_field(name):
    cell = ROWS[name][1]
    fields = [f.name for f in dataclasses.fields(_resolve(name)) if not f.name.startswith("_")]
    missing = [f for f in fields if not re.search(rf"(`\.?|\*\*){f}\b", cell)]
    assert missing == [], f"fields of {name} the README does not name: {missing}"


@functools.cache
def _training_run():
    return explainer.train(
        "circles", "relu", (4, 4), "he_normal", learning_rate=0.1, batch_size=16, steps=4,
        n_samples=80, batchnorm=True,
    )  # fmt: skip


@functools.cache
def _mlp_comparison():
    return explainer.fit_mlps("circles", ("relu",), (4,), epochs=2, n_samples=40, batch_size=8)


@functools.cache
def _playground():
    playground = explainer.Playground(explainer.PlaygroundSettings(hidden=(3,), n_samples=80))
    playground.step(2)
    return playground


@functools.cache
def _recurrent_training():
    return explainer.train_recurrent("lstm", "adding", 4, 3, iterations=3)


@functools.cache
def _network_run():
    return explainer.network_run("tanh", 3, 8, batch=16, clip_norm=1.0)


@functools.cache
def _distributions():
    return explainer.distribution_comparison(fan_in=8, fan_out=8, bins=4)


CHOSEN = [explainer.Chosen(explainer.ACTIVATIONS["relu"])]
NETWORK = {"depth": 3, "width": 8, "batch": 16}

# README row (/ group) → a small, fast call returning the DataFrame it describes.
TABLES = {
    "layer_statistics": lambda: explainer.layer_statistics("tanh", **NETWORK),
    "activation_curves/curves": lambda: explainer.activation_curves(CHOSEN, points=21).curves,
    "activation_curves/zones": lambda: explainer.activation_curves(CHOSEN, points=21).zones,
    "properties_table": lambda: explainer.properties_table(CHOSEN, {"ReLU": 1.0}),
    "variance_table": lambda: explainer.variance_table(8, 8),
    "gains_table": lambda: explainer.gains_table(["relu"]),
    "DistributionComparison/histogram": lambda: _distributions().histogram,
    "DistributionComparison/summary": lambda: _distributions().summary,
    "variance_travel": lambda: explainer.variance_travel(
        **NETWORK, initializers=["he_normal"], activations=["relu"]
    ),
    "bias_comparison": lambda: explainer.bias_comparison("relu", **NETWORK),
    "standard_normal_story": lambda: explainer.standard_normal_story(("relu",), **NETWORK),
    "activation_histograms": lambda: explainer.activation_histograms("relu", **NETWORK, bins=4),
    "meanfield_prediction": lambda: explainer.meanfield_prediction("tanh", 3, 8),
    "phase_diagram": lambda: explainer.phase_diagram("tanh", [1.0], [2, 3], 8, 16),
    "explainer.network.path_products": lambda: explainer.network.path_products(_network_run()),
    "explainer.network.gradient_profile": lambda: explainer.network.gradient_profile(
        _network_run(), explainer.meanfield_prediction("tanh", 3, 8)
    ),
    "explainer.network.fraction_profile": lambda: explainer.network.fraction_profile(_network_run()),
    "explainer.network.compare_profile": lambda: explainer.network.compare_profile({"a": _network_run()}),
    "explainer.network.clipping_profile": lambda: explainer.network.clipping_profile(_network_run()),
    "explainer.meanfield.chi_curve": lambda: explainer.meanfield.chi_curve("tanh", [1.0]),
    "explainer.meanfield.gradient_curve": lambda: explainer.meanfield.gradient_curve("tanh", 3, 1.0),
    "TrainingRun/history": lambda: _training_run().history,
    "TrainingRun/layers": lambda: _training_run().layers,
    "TrainingRun/steps": lambda: _training_run().steps,
    "minibatch_gradient_error": lambda: explainer.minibatch_gradient_error(
        "circles", explainer.initial_state("relu", (4,), "he_normal"), (1, 2), 3, n_samples=80
    ),
    "Playground/statistics": lambda: _playground().statistics(),
    "Playground/neuron_images": lambda: _playground().neuron_images(4),
    "Playground/boundary": lambda: _playground().boundary(4),
    "Playground/links": lambda: _playground().links(),
    "Playground/points": lambda: _playground().points(),
    "Playground/history": lambda: _playground().history(),
    "recurrent_gradients/rnn": lambda: explainer.recurrent_gradients("rnn", 4, 3),
    "recurrent_gradients/gru": lambda: explainer.recurrent_gradients("gru", 4, 3),
    "recurrent_gradients/lstm": lambda: explainer.recurrent_gradients("lstm", 4, 3),
    "RecurrentTraining/history": lambda: _recurrent_training().history,
    "RecurrentTraining/gradients": lambda: _recurrent_training().gradients,
    "MLPComparison/history": lambda: _mlp_comparison().history,
    "MLPComparison/updates": lambda: _mlp_comparison().updates,
    "MLPComparison/dead": lambda: _mlp_comparison().dead,
    "MLPComparison/gradients": lambda: _mlp_comparison().gradients,
    "MLPComparison/summary": lambda: _mlp_comparison().summary,
    "MLPComparison/grid": lambda: _mlp_comparison().grid,
    "MLPComparison/points": lambda: _mlp_comparison().points,
}


@pytest.mark.parametrize("key", TABLES)
def test_listed_columns_are_the_columns_of_a_real_call(key):
    name, _, group = key.partition("/")
    assert _columns(ROWS[name][1], group or None) == list(TABLES[key]().columns)


# README row → (a small call, the table whose columns it starts with); the row lists the rest.
EXTENDED = {
    "activation_comparison": (
        lambda: explainer.activation_comparison(["relu"], **NETWORK),
        lambda: explainer.layer_statistics("relu", **NETWORK),
    ),
    "initializer_comparison": (
        lambda: explainer.initializer_comparison("relu", ["he_normal"], **NETWORK),
        lambda: explainer.layer_statistics("relu", **NETWORK),
    ),
    "variance_travel_curve": (
        lambda: explainer.variance_travel_curve("he_normal", "relu", **NETWORK),
        lambda: explainer.layer_statistics("relu", **NETWORK),
    ),
    "explainer.network.phase_cells": (
        lambda: explainer.network.phase_cells(explainer.phase_diagram("tanh", [1.0], [2], 8, 16)),
        lambda: explainer.phase_diagram("tanh", [1.0], [2], 8, 16),
    ),
}


@pytest.mark.parametrize("name", EXTENDED)
def test_listed_extra_columns_follow_the_base_tables(name):
    call, base = EXTENDED[name]
    columns, base_columns = list(call().columns), list(base().columns)
    assert columns[: len(base_columns)] == base_columns
    assert _columns(ROWS[name][1]) == columns[len(base_columns) :]


def test_activation_properties_lists_its_keys():
    row = explainer.activation_properties(CHOSEN[0])
    assert _columns(ROWS["activation_properties"][1]) == list(row)


def test_the_example_runs():
    code = re.search(r"```python\n(.*?)```", SECTION, re.S)
    assert code, "no python example in the section"
    exec(compile(code.group(1), "README.md", "exec"), {})


# The checks must be able to fail, or they prove nothing.


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("key", "names or order"),
        ("negative_slope, key", "names or order"),
        ("key, *, negative_slope=None", "where `\\*` stands"),
        ("key, negative_slope=0.01", "default"),
        ("key, negative_slope", None),
    ],
)
def test_a_wrong_signature_is_caught(monkeypatch, written, message):
    monkeypatch.setitem(ROWS, "torch_gain", (written, ROWS["torch_gain"][1]))
    if message is None:  # a default left unwritten is not checked
        test_every_written_signature_is_the_codes("torch_gain")
    else:
        with pytest.raises(AssertionError, match=message):
            test_every_written_signature_is_the_codes("torch_gain")


def test_columns_are_read_per_group():
    cell = "a `T`. **first**: `a`: x; `b`: `c` d. **second**: `e`: y"
    assert _columns(cell, "first") == ["a", "b"]
    assert _columns(cell, "second") == ["e"]
    assert _columns(cell) == ["a", "b", "e"]


def test_rows_are_read_from_tables_only():
    rows = _rows("text `x`\n| name | b | c |\n|---|---|---|\n| `f(a, *, b=1)` | `c`: d \\| e | ours |\n")
    assert rows == {"f": ("a, *, b=1", "`c`: d | e")}
