"""The training page's moves through a real ``streamlit run app.py``, by the protocol client:
each of ``bench_moves``' training moves (a widget through values no one has sent, after the
other widget a ``Move`` names), timed from the rerun's request to the script's end.

Its sections train their runs in the server's worker processes, two at once (``SectionTrainer``),
which AppTest (``bench_moves``, every computation in its own process) cannot show; Chromium
(``bench_live_moves``) times only single slider moves, most of which the precomputed store holds.
Issue 13's budget: 150 ms median, 300 ms p95. The group's name says what the store held.
"""

from __future__ import annotations

import statistics
from functools import cache

from .bench_moves import FAST, PAGE_MOVES, percentile, section_of
from .common import Case, stored_entries
from .live import on_warm_server
from .protocol import OPTION_WIDGETS, Visitor

PAGE = "app_pages/training.py"
MOVES = PAGE_MOVES[PAGE]


async def move_to(visitor: Visitor, key: str, value):
    """Move widget ``key`` to ``value`` as a browser sends it (an option widget: its label)."""
    if type(visitor.widget(key)).__name__ in OPTION_WIDGETS and not isinstance(value, str):
        value = format(value, "g")
    run = await visitor.move(key, value)
    if run.status != "finished" or run.exceptions:
        raise RuntimeError(f"training {key}={value}: {run.status} {run.exceptions}")
    return run


@cache
def training_moves() -> dict[str, list[float]]:
    """Per move (``Move.name``): seconds to the script's end of each move, one visitor on a fresh
    server after its warm-up, each move in a new session opened at the widget's section."""

    async def visit(url: str) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for move in MOVES:
            async with Visitor(url, timeout=300) as visitor:
                section = section_of(PAGE, move.key)
                await visitor.open("training", f"section={section}" if section else "")
                if move.after is not None:
                    await move_to(visitor, *move.after)
                found[move.name] = [
                    (await move_to(visitor, move.key, value)).seconds for value in move.values
                ]
        return found

    return on_warm_server(visit)


def cases() -> list[Case]:
    group = f"training live, store {stored_entries()}"
    result = []
    for move in MOVES:
        times = lambda name=move.name: training_moves()[name]
        median_target, p95_target = move.budget or FAST
        result += [
            Case(group, f"{move.name}: median", run=lambda: None, target=median_target,
                 value=lambda t=times: statistics.median(t())),
            Case(group, f"{move.name}: p95", run=lambda: None, target=p95_target,
                 value=lambda t=times: percentile(t(), 0.95)),
        ]  # fmt: skip
    return result
