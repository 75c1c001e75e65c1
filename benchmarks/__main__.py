"""Print the speed table: every case's median, its budget, and the ratio median / budget.

python -m benchmarks            # everything
python -m benchmarks pages      # only groups whose name contains "pages"
python -m benchmarks playground # only the playground's engine
"""

from __future__ import annotations

import importlib
import logging
import sys
import warnings

from .common import Case, median_seconds

MODULES = [
    "bench_activations",
    "bench_network",
    "bench_mlp",
    "bench_pages",
    "bench_training",
    "bench_playground",
    "bench_recurrent",
    "bench_moves",
    "bench_live_moves",
    "bench_mlp_live",
    "bench_training_live",
    "bench_fresh",
    "bench_load",
    "bench_capacity",
]


def _collect(selected: list[str]) -> list[Case]:
    found = []
    for name in MODULES:
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        found.extend(module.cases())
    return found


def main(argv: list[str]) -> None:
    # AppTest logs "missing ScriptRunContext" and caching notes outside a server; keep the table clean.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    rows = []
    print(f"{'group':<24} {'case':<34} {'median':>12} {'target':>10} {'ratio':>7}")
    print("-" * 91)
    for case in _collect(argv):
        seconds = median_seconds(case)
        value = seconds / case.per
        shown = f"{value:.1f} {case.unit}" if case.unit != "s" else f"{seconds * 1e3:.1f} ms"
        if case.unit == "s":
            target = f"{case.target * 1e3:.0f} ms" if case.target else "—"
        else:
            target = f"{case.target / case.per:.0f} {case.unit}" if case.target else "—"
        ratio = f"{seconds / case.target:.2f}" if case.target else "—"
        rows.append((case, seconds))
        print(f"{case.group:<24} {case.name:<34} {shown:>12} {target:>10} {ratio:>7}", flush=True)
    over = [case for case, seconds in rows if case.target and seconds > case.target]
    print("-" * 91)
    print(
        f"{len(rows)} cases; {len(over)} over budget"
        + (": " + ", ".join(c.name for c in over) if over else "")
    )


if __name__ == "__main__":
    main(sys.argv[1:])
