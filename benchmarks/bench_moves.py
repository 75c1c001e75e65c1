"""A person moving a widget: the server's script time for each move to a value never seen before
(median and p95 over several new values), beside a move back to a value already computed (the
cached rerun). Measured through AppTest (no browser), one session per page, default scene.

Budgets from issue 13: activations, home, depth and training ≤ 150 ms median and ≤ 300 ms p95;
initialization ≤ 250 / 500 ms for depth, activation, initializer and fan moves at the default
width; the MLP comparison's complete page ≤ 1.5 s. Widgets without a budget (the initialization
width, which may take longer with progress) are timed and shown with "—".
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from streamlit.testing.v1 import AppTest

from explainer import ui

from .common import Case

APP = str(Path(__file__).resolve().parents[1] / "app.py")
MOVES_PER_WIDGET = 8


@dataclass(frozen=True)
class Move:
    """One widget, the new values it is moved to in turn, and the budget (median, p95) in seconds."""

    key: str
    values: tuple
    budget: tuple[float, float] | None
    # Another widget moved first (untimed): the scene is then one the precomputed store does not
    # hold (it holds each single move away from the defaults), as after a lecturer's second move.
    after: tuple[str, object] | None = None

    @property
    def name(self) -> str:
        return self.key if self.after is None else f"{self.key}, {self.after[0]}={self.after[1]}"


FAST = (0.15, 0.30)
INITIALIZATION = (0.25, 0.50)
INITS = ("glorot_normal", "lecun_normal", "he_uniform", "glorot_uniform", "small_normal", "lecun_uniform",
         "he_truncated_normal", "torch_linear_default")  # fmt: skip
ACTS = ("tanh", "sigmoid", "elu", "selu", "gelu", "silu", "leaky_relu", "softplus")

PAGE_MOVES: dict[str, tuple[Move, ...]] = {
    "app_pages/home.py": (Move("chain", tuple(range(11, 19)), FAST),),
    "app_pages/activations.py": (
        Move("x", tuple((-6.0, 6.0 + 0.5 * i) for i in range(1, 9)), FAST),
        Move(
            "act",
            (
                *(
                    ["sigmoid", "tanh", "relu", "leaky_relu", extra]
                    for extra in ("elu", "selu", "gelu", "silu", "softplus")
                ),
                ["tanh", "relu"],
                ["sigmoid"],
                ["relu", "elu"],
            ),
            FAST,
        ),
        Move(
            "expr",
            (
                "0.5*x",
                "x*sigmoid(x)",
                "tanh(2*x)",
                "abs(x)",
                "x**2/10",
                "log(1+exp(x))",
                "sqrt(1+x**2)",
                "exp(-x**2)",
            ),
            FAST,
        ),
    ),
    "app_pages/depth.py": (
        Move("depth", tuple(range(31, 39)), FAST),
        Move("gain", tuple(round(1.0 + 0.05 * i, 2) for i in range(1, 9)), FAST),
        Move("width", tuple(128 + 4 * i for i in range(1, 9)), FAST),
        Move("act", ("tanh", "relu", *ACTS[2:]), FAST),
        Move("init", ("he_normal", *INITS[1:]), FAST),
        Move("depth", tuple(range(41, 49)), FAST, after=("act", "tanh")),
    ),
    "app_pages/initialization.py": (
        Move("depth", tuple(range(21, 29)), INITIALIZATION),
        Move("act", ACTS, INITIALIZATION),
        Move("init", INITS, INITIALIZATION),
        Move("fan_in", tuple(256 + 16 * i for i in range(1, 9)), INITIALIZATION),
        Move("width", (128, 64, 32), None),
        Move("act", ACTS, INITIALIZATION, after=("depth", 25)),
    ),
    "app_pages/mlp.py": (
        Move("noise", tuple(round(0.1 + 0.05 * i, 2) for i in range(1, 9)), (1.5, 3.0)),
        Move("width", tuple(range(17, 25)), (1.5, 3.0)),
        # Nets taken away from the default four, in new combinations: each a comparison never
        # shown, made of nets already trained (ReLU, whose label is not its key, stays out).
        Move(
            "act",
            (
                ["identity", "sigmoid", "tanh"],
                ["sigmoid", "tanh"],
                ["identity", "tanh"],
                ["tanh"],
                ["identity", "sigmoid"],
                ["sigmoid"],
                ["identity"],
            ),
            (1.5, 3.0),
        ),
    ),
    "app_pages/training.py": (
        Move("depth", (5, 7, 4, 8, 3, 9, 2, 10), FAST),
        Move("lr", (0.2, 0.3, 0.05, 0.5, 0.03, 1.0, 0.02, 0.01), FAST),
        Move("lr1", (0.1, 0.2, 0.03, 0.3, 0.02, 0.5, 0.01, 1.0), FAST),
        Move("bn_depth", (5, 7, 4, 8, 3, 9, 2, 10), FAST),
        Move("gain", (2.5, 1.5, 3.0, 1.0, 0.5), FAST),
        Move("clip_n", (2.0, 0.5, 5.0, 0.2, 10.0, 0.1, 20.0), FAST),
        Move("patience", (110, 120, 130, 140, 150, 160, 170, 180), FAST),
        Move("es_noise", (0.3, 0.35, 0.2, 0.4, 0.15, 0.45, 0.1, 0.5), FAST),
        Move("trials", (50, 200, 25, 400), FAST),
        Move("lr", (0.2, 0.3, 0.05, 0.5, 0.03, 1.0, 0.02, 0.01), FAST, after=("depth", 5)),
    ),
    "app_pages/recurrent.py": (
        Move("steps", (250, 300, 150, 350, 100, 400, 50, 500), FAST),
        Move("rho", (0.9, 1.1, 0.8, 1.2, 0.7, 1.3, 0.6, 1.5), FAST),
        Move("hidden", (40, 24, 48, 16, 56, 8, 64), FAST),
        Move("rho", (0.9, 1.1, 0.8, 1.2, 0.7, 1.3, 0.6, 1.5), FAST, after=("steps", 500)),
    ),
}


@dataclass
class Timings:
    """Seconds per move to a new value, and per move back to a value already seen."""

    new: list[float]
    cached: list[float]


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (``q`` = 0.95: the largest of up to 20 values)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _timed_run(at: AppTest, key: str, value) -> float:
    """Seconds to move widget ``key`` to ``value`` and rerun; the widget must then hold it."""
    start = time.perf_counter()
    at.get_by_key(key).set_value(value).run()
    seconds = time.perf_counter() - start
    held = at.get_by_key(key).value
    if (list(held) if isinstance(held, (list, tuple)) else held) != (
        list(value) if isinstance(value, (list, tuple)) else value
    ):
        raise RuntimeError(f"{key} holds {held!r} after a move to {value!r}")
    return seconds


def section_of(page: str, key: str) -> str | None:
    """The section (its id) of widget ``key`` on ``page``, for a page whose sections are tabs
    (None: the page has no sections, or the widget belongs to every section)."""
    return ui.param_sections(page).get(key)


def section_label(page: str, key: str) -> str | None:
    """The tab a person opens before moving widget ``key`` on ``page`` (None: no tab to open)."""
    section = section_of(page, key)
    return ui.section_labels_of(page)[section] if section else None


def open_tab(at: AppTest, label: str) -> None:
    """Click the tab ``label`` when it is not the open one: a rerun with the label as the tabs'
    value, as the browser sends it."""
    if at.session_state["section"] != label:
        at.session_state["section"] = label
        at.run()


def open_section(at: AppTest, page: str, key: str) -> None:
    """Click the tab of widget ``key``'s section when it is not the open one (untimed): the
    moves then compute what a person moving that widget sees."""
    label = section_label(page, key)
    if label is not None:
        open_tab(at, label)


@cache
def page_timings(page: str, moves: int = MOVES_PER_WIDGET) -> dict[str, Timings]:
    """Every move of ``page``'s widgets in one session: each widget through ``moves`` new values,
    then back to the first two of them (cached), then back to its default (untimed)."""
    at = AppTest.from_file(APP, default_timeout=300).switch_page(page).run()
    result = {}
    for move in PAGE_MOVES[page]:
        open_section(at, page, move.key)
        default = at.get_by_key(move.key).value
        if move.after is not None:
            other_default = at.get_by_key(move.after[0]).value
            at.get_by_key(move.after[0]).set_value(move.after[1]).run()
        new = [_timed_run(at, move.key, v) for v in move.values[:moves]]
        cached = [_timed_run(at, move.key, v) for v in move.values[:2] * 2]
        at.get_by_key(move.key).set_value(default).run()
        if move.after is not None:
            at.get_by_key(move.after[0]).set_value(other_default).run()
        if at.exception:
            raise RuntimeError(f"{page} {move.name}: {at.exception[0].message}")
        result[move.name] = Timings(new, cached)
    return result


def cases() -> list[Case]:
    result = []
    for page, moves in PAGE_MOVES.items():
        name = Path(page).stem
        for move in moves:
            timings = lambda p=page, k=move.name: page_timings(p)[k]
            median_target, p95_target = move.budget or (None, None)
            result += [
                Case("move to new value: median", f"{name}: {move.name}",
                     run=lambda: None, target=median_target,
                     value=lambda t=timings: statistics.median(t().new)),
                Case("move to new value: p95", f"{name}: {move.name}",
                     run=lambda: None, target=p95_target,
                     value=lambda t=timings: percentile(t().new, 0.95)),
                Case("move back (cached)", f"{name}: {move.name}",
                     run=lambda: None, value=lambda t=timings: statistics.median(t().cached)),
            ]  # fmt: skip
    return result
