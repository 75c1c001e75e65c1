"""The capacity benchmark's reading of the machine's pace (benchmarks.bench_capacity.machine_pace),
what its header says of the precomputed store, and its server settings."""

import time

import pytest

from benchmarks import bench_capacity, common
from benchmarks.bench_capacity import ServerSetup
from explainer import sklearn_mlp, store


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


def test_the_header_says_when_the_store_holds_nothing_for_this_code(monkeypatch, tmp_path):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path))
    line = common.store_line()
    assert f"0 results for code version {store.code_version()} in {tmp_path}" in line
    assert "every server computes cold" in line
    # Another version's results do not count: they are not what this code computes.
    (tmp_path / "0123456789abcdef").mkdir()
    (tmp_path / "0123456789abcdef" / "old.pkl").write_bytes(b"")
    assert common.stored_entries() == 0
    results = store.version_dir() / "explainer.ui.depth.network"
    results.mkdir(parents=True)
    for name in ("a.pkl", "b.pkl"):
        (results / name).write_bytes(b"")
    assert common.stored_entries() == 2
    line = common.store_line()
    assert line.startswith("store: 2 results for code version") and "cold" not in line


def test_server_settings_add_arguments_without_changing_the_rest():
    setup = ServerSetup(extra_args=("--a=1",), environment=(("X", "1"),), memory_limit=1024)
    longer = setup.with_args("--b=2")
    assert longer.extra_args == ("--a=1", "--b=2")
    assert (longer.replicas, longer.environment, longer.memory_limit) == (1, (("X", "1"),), 1024)
    assert setup.extra_args == ("--a=1",)


def test_a_memory_limit_is_refused_for_several_replicas_before_anything_starts():
    with pytest.raises(ValueError, match="one server"):
        ServerSetup(replicas=2, memory_limit=1024)
