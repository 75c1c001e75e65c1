"""The capacity benchmark's reading of the machine's pace (benchmarks.bench_capacity.machine_pace)."""

import time

from benchmarks import bench_capacity
from explainer import sklearn_mlp


def test_the_pace_times_the_mlp_pages_default_training_with_its_defaults(monkeypatch):
    calls = []

    def fake_fit_mlps(*args, **kwargs):
        calls.append((args, kwargs))
        time.sleep(0.05)

    monkeypatch.setattr(sklearn_mlp, "fit_mlps", fake_fit_mlps)
    wall, cpu = bench_capacity.machine_pace(repeats=3)
    assert calls == [((), {})] * 3
    assert 0.05 <= wall < 1.0
    assert 0.0 <= cpu < 0.05  # asleep, not computing


def test_the_pace_of_the_real_training_is_its_wall_and_cpu_time():
    started = time.perf_counter()
    wall, cpu = bench_capacity.machine_pace(repeats=1)
    assert 0.0 < wall <= time.perf_counter() - started
    assert 0.0 < cpu <= wall * 1.05  # one BLAS thread: the CPU time cannot exceed the wall time by much
