"""The Activations page: its controls and cached computations."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from .. import store
from ..activations import ACTIVATIONS, DEFAULT_ACTIVATIONS
from ..curves import Chosen, CurveSet, activation_curves, describe_slopes
from ..expressions import parse_activation
from ..properties import activation_properties, cost_columns, evaluation_costs, matmul_seconds
from .display import CACHE_ENTRIES
from .widgets import ACTIVATION_LABELS, Param, draw_row

PARAMS = {
    p.key: p
    for p in (
        Param(
            "act",
            "Activations",
            "multiselect",
            list(DEFAULT_ACTIVATIONS),
            options=tuple(ACTIVATIONS),
            labels=ACTIVATION_LABELS,
            help="Each activation keeps its colour on every page.",
        ),
        Param("x", "x range", "slider", (-6.0, 6.0), low=-20.0, high=20.0, step=0.5),
        Param(
            "expr",
            "Your own activation: f(x) =",
            "text",
            "",
            placeholder="x * tanh(softplus(x))",
            help="Use x, numbers, + − * / **, and exp, log, sqrt, abs, tanh, sigmoid, softplus, erf, sin, "
            "cos, tan, max(a, b), min(a, b), where(x > 0, a, b). Its derivative is computed numerically.",
        ),
    )
}
"""The page's settings. Each chosen activation's parameters add one slider each, named by
``Param.url_key`` in the registry (``leaky_slope``, ``elu_alpha``, …): see ``parameter_params``."""
SCENES: dict[str, dict] = {}


def parameter_params(keys: Sequence[str]) -> list[tuple[str, str, Param]]:
    """(activation key, parameter name, its setting) for every parameter of the chosen
    activations, from the registry."""
    return [
        (
            key,
            p.name,
            Param(p.url_key, p.label, "slider", p.default, low=p.low, high=p.high, step=p.step, help=p.help),
        )
        for key in keys
        for p in ACTIVATIONS[key].params
    ]


def parameter_sliders(keys: Sequence[str]) -> dict[str, dict[str, float]]:
    """A slider for each parameter of the chosen activations, three to a row (two in a narrow
    column); key → {param: value}."""
    params = parameter_params(keys)
    values = draw_row([param for _, _, param in params], per_row=3) if params else {}
    chosen: dict[str, dict[str, float]] = {}
    for activation_key, name, param in params:
        chosen.setdefault(activation_key, {})[name] = values[param.key]
    return chosen


def formulas(keys: Sequence[str], typed: str | None) -> list[tuple[str, str, str, str]]:
    """(label, LaTeX of f, LaTeX of f', how f' is computed: a typed function's note, else "")
    for each chosen activation."""
    return [
        (c.activation.label, c.activation.latex, c.activation.grad_latex,
         c.activation.note if c.activation.numerical_grad else "")
        for c in _chosen(keys, (), typed)
    ]  # fmt: skip


def params_items(params: Mapping[str, Mapping[str, float]]) -> tuple[tuple[str, str, float], ...]:
    """Activation parameters as a hashable tuple, the form the cached functions take."""
    return tuple(sorted((k, name, float(v)) for k, values in params.items() for name, v in values.items()))


def _chosen(
    keys: Sequence[str], params_items: tuple[tuple[str, str, float], ...], typed: str | None
) -> list[Chosen]:
    params: dict[str, dict[str, float]] = {}
    for key, name, value in params_items:
        params.setdefault(key, {})[name] = value
    chosen = [Chosen(ACTIVATIONS[k], params.get(k, {})) for k in keys]
    if typed:
        chosen.append(Chosen(parse_activation(typed)))
    return chosen


def typed_activation(text: str) -> tuple[str | None, str | None]:
    """(the expression if it parses, the error message otherwise) for a typed activation."""
    if not text or not text.strip():
        return None, None
    try:
        parse_activation(text)
    except ValueError as error:
        return None, str(error)
    return text.strip(), None


# Points per curve on the Activations page: 201 is under two pixels a segment on the widest panel.
# Each point is a datum the browser's chart evaluates on every redraw; with 401 a cached rerun
# cost the browser 300–435 ms of main thread, with 201 190–320 ms (CDP Performance metrics).
CURVE_POINTS = 201


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
@store.persisted
def curves(
    keys: tuple[str, ...], params_items: tuple, x_min: float, x_max: float, typed: str | None
) -> CurveSet:
    """Cached ``activation_curves`` for registry keys, parameter values and a typed expression."""
    return activation_curves(_chosen(keys, params_items, typed), x_min, x_max, CURVE_POINTS)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
@store.persisted
def properties(keys: tuple[str, ...], params_items: tuple, typed: str | None) -> pd.DataFrame:
    """Cached properties table rows, one per chosen activation (the cost columns come from
    ``COSTS``, timed on this machine)."""
    return pd.DataFrame([activation_properties(item) for item in _chosen(keys, params_items, typed)])


class CostTimer:
    """Times f + f′ of one activation setting at a time on one background thread, so that no
    page run waits for a timing (250–730 ms a function: a million inputs, seven runs, each
    beside ReLU). Results are kept per process for the most recent ``ENTRIES`` settings."""

    ENTRIES = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[tuple, concurrent.futures.Future] = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cost-timer")

    def costs(self, chosen: Sequence[Chosen]) -> list[tuple[float, float] | None]:
        """(seconds for f + f′, ReLU's seconds in the same runs) per chosen activation, or None
        for one still being timed; asking for an untimed one starts its timing."""
        found = []
        with self._lock:
            for item in chosen:
                key = _cost_key(item)
                future = self._results.get(key)
                if future is None or (future.done() and future.exception() is not None):
                    future = self._pool.submit(_time_one, item)
                    self._results[key] = future
                    while len(self._results) > self.ENTRIES:
                        del self._results[next(iter(self._results))]
                found.append(future.result() if future.done() else None)
        return found


def _cost_key(item: Chosen) -> tuple:
    if item.activation.key == "typed":
        return ("typed", item.activation.expression)
    return (item.activation.key, params_items({item.activation.key: item.params}))


def _time_one(item: Chosen) -> tuple[float, float]:
    return evaluation_costs([item])[0]


COSTS = CostTimer()
"""The process's timings of f + f′, shared by every visitor (timing is per machine, not per visitor)."""


def costs(keys: tuple[str, ...], params_items: tuple, typed: str | None) -> list[tuple[float, float] | None]:
    """The measured cost of each chosen activation, None while it is being timed."""
    return COSTS.costs(_chosen(keys, params_items, typed))


def with_costs(table: pd.DataFrame, measured: Sequence[tuple[float, float] | None]) -> pd.DataFrame:
    """``table`` with the cost columns, once every row's timing is in; as it is before that."""
    if any(cost is None for cost in measured):
        return table
    table = table.copy()
    for column, values in cost_columns(measured).items():
        table[column] = values
    return table


def pending_labels(table: pd.DataFrame, measured: Sequence[tuple[float, float] | None]) -> list[str]:
    """The activations whose timing is still running, by their table labels."""
    return [label for label, cost in zip(table["activation"], measured, strict=True) if cost is None]


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
@store.persisted
def slope_sentence(
    keys: tuple[str, ...], params_items: tuple, typed: str | None, x_min: float, x_max: float
) -> str:
    """The largest-slope comparison of the chosen functions on the x range shown, written from
    their derivatives."""
    return describe_slopes(_chosen(keys, params_items, typed), x_min=x_min, x_max=x_max)


@st.cache_data(max_entries=1, show_spinner=False)
def matmul_cost() -> float:
    """Seconds for a 1000 × 1000 matrix product, measured once per process (the scale for costs)."""
    return matmul_seconds()
