"""The playground benchmark's GIL probe measures what it says: a call that keeps the GIL for its
whole length (a C loop the interpreter cannot interrupt) is reported at about that length, and
work that lets go of it (sleeping) is not."""

import time

from benchmarks.bench_playground import longest_gil_hold


def test_the_probe_reports_a_call_that_holds_the_gil_at_about_its_length():
    start = time.perf_counter()
    sum(range(3 * 10**6))  # builtin sum over a range: one C call, no switch to other threads
    holding = time.perf_counter() - start
    assert longest_gil_hold(lambda: sum(range(3 * 10**6)), seconds=0.5) >= 0.5 * holding


def test_the_probe_reports_sleeping_work_as_short():
    assert longest_gil_hold(lambda: time.sleep(0.05), seconds=0.5) < 0.04
