"""The MLP page's moves through a real ``streamlit run app.py``, by the protocol client: each move
to a value no one has sent (a new training), timed from the rerun's request to the first chart
the page streams (the boundaries of the nets part-way through training) and to the script's end.

Issue 13's budgets: the first boundaries ≤ 500 ms after a move, the complete page ≤ 1.5 s for the
default scene. ``bench_moves`` times the same moves in AppTest (the script alone, no server);
``bench_live_moves`` in Chromium. The server's worker processes are on, as in the app.
"""

from __future__ import annotations

import math
import statistics
from functools import cache

from .bench_moves import PAGE_MOVES, percentile
from .common import Case
from .live import on_warm_server
from .protocol import Visitor

FIRST_FRAME_BUDGET = 0.5
COMPLETE_BUDGET = 1.5
MOVES = PAGE_MOVES["app_pages/mlp.py"]


@cache
def mlp_moves() -> dict[str, list[tuple[float, float]]]:
    """Per widget moved: (seconds to the first chart, seconds to the script's end) of each move,
    one visitor on a fresh server after its warm-up, each move from the default scene's value to a
    new one."""

    async def visit(url: str) -> dict[str, list[tuple[float, float]]]:
        found: dict[str, list[tuple[float, float]]] = {}
        async with Visitor(url, timeout=300) as visitor:
            for move in MOVES:
                await visitor.open("mlp")
                for value in move.values:
                    run = await visitor.move(move.key, value)
                    if run.status != "finished":
                        raise RuntimeError(f"mlp {move.key}={value}: {run.status} {run.exceptions}")
                    first = run.first_chart_seconds()
                    found.setdefault(move.key, []).append((math.nan if first is None else first, run.seconds))
        return found

    return on_warm_server(visit)


def cases() -> list[Case]:
    result = []
    for move in MOVES:
        for what, index, budget in (("first chart", 0, FIRST_FRAME_BUDGET), ("complete", 1, COMPLETE_BUDGET)):
            times = lambda k=move.key, i=index: [t[i] for t in mlp_moves()[k]]
            result += [
                Case(f"mlp live, {what}", f"{move.key}: median", run=lambda: None, target=budget,
                     value=lambda t=times: statistics.median(t())),
                Case(f"mlp live, {what}", f"{move.key}: p95", run=lambda: None, target=2 * budget,
                     value=lambda t=times: percentile(t(), 0.95)),
            ]  # fmt: skip
    return result
