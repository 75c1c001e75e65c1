"""The worker pool: a cached page computation sent to a worker process returns exactly what the
server's own process computes; a worker's reports reach the caller's callbacks, and a callback
that raises (Streamlit stopping the run) stops the worker; a worker that dies costs a new pool,
never the visitor's page; a quick call never queues behind one that reports progress."""

import inspect
import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.bench_capacity import process_tree
from explainer import workers
from explainer.ui import initialization


@pytest.fixture
def pool():
    workers.enable(2)
    yield
    workers.disable()


def persisted(function):
    """The ``store.persisted`` wrapper under a page's ``st.cache_data``."""
    return inspect.unwrap(function, stop=lambda f: hasattr(f, "store_name"))


def test_the_pool_is_off_until_the_server_enables_it():
    assert not workers.enabled()
    assert workers.call(workers.PROCESS_ID, (), {}) == os.getpid()


def test_a_page_computation_in_a_worker_equals_the_one_computed_here(pool):
    assert workers.call(workers.PROCESS_ID, (), {}) != os.getpid()
    travel_curve = persisted(initialization.travel_curve)
    in_worker = travel_curve("he_normal", "relu", 12, 32)
    workers.disable()
    here = travel_curve("he_normal", "relu", 12, 32)
    pd.testing.assert_frame_equal(in_worker, here, check_exact=True)


def test_a_dead_worker_costs_a_new_pool_not_the_page(pool):
    worker = workers.call(workers.PROCESS_ID, (), {})
    os.kill(worker, signal.SIGKILL)
    # The call that finds the pool broken is computed here; the next one has a new pool.
    assert workers.call(workers.PROCESS_ID, (), {}) in {os.getpid(), *workers_alive()}
    assert workers.call(workers.PROCESS_ID, (), {}) != worker


def workers_alive(lane: str = workers.QUICK) -> set[int]:
    pool = workers._pools.get(lane)
    return set(pool._processes) if pool is not None and pool._processes else set()


def test_a_quick_call_does_not_queue_behind_a_reporting_one():
    """One worker a lane: a section's call is answered, in another process, while a training
    (a call that reports progress) still runs; with one shared worker it would wait for it."""
    import threading

    workers.enable(1)
    try:
        workers.warm()
        long_call: dict = {}
        running = threading.Event()

        def train() -> None:
            long_call["pid"] = workers.call(
                workers.PROCESS_ID, (3000,), {"_progress": lambda r: running.set()}
            )

        thread = threading.Thread(target=train)
        thread.start()
        assert running.wait(60), "the reporting call started"
        quick = workers.call(workers.PROCESS_ID, (), {})
        assert thread.is_alive(), "the quick call was answered while the reporting one ran"
        thread.join()
        assert quick != long_call["pid"] and os.getpid() not in (quick, long_call["pid"])
    finally:
        workers.disable()


def test_a_worker_reports_through_the_callers_callback_and_the_last_report_arrives(pool):
    reports = []
    worker = workers.call(workers.PROCESS_ID, (300,), {"_progress": reports.append})
    assert worker != os.getpid()
    # Reports waiting together arrive as the latest of them: in order, ending with the last.
    assert reports and reports == sorted(set(reports)) and reports[-1] == 299


def test_a_worker_sends_at_most_one_report_per_interval_and_the_last_one_at_the_end():
    """A training that reports every epoch sends the newest report at most every REPORT_SECONDS
    (each is pickled each way), and the one held back when the call returns."""
    import queue
    import threading

    sent: queue.Queue = queue.Queue()
    relay = workers._Relay(sent, threading.Event(), "_progress")
    started = time.perf_counter()
    for report in range(2000):
        relay(report)
    elapsed = time.perf_counter() - started
    relay.flush()
    keys, reports = zip(*(sent.get_nowait() for _ in range(sent.qsize())), strict=True)
    assert set(keys) == {"_progress"}
    assert reports[0] == 0 and reports[-1] == 1999 and list(reports) == sorted(reports)
    # The first at once, then one per interval begun, then the held-back last one.
    assert len(reports) <= elapsed / workers.REPORT_SECONDS + 2 < 2000


def test_a_stopped_caller_stops_the_worker_at_its_next_report_sent():
    import queue
    import threading

    stop = threading.Event()
    relay = workers._Relay(queue.Queue(), stop, "_snapshot")
    relay("first")
    stop.set()
    deadline = time.perf_counter() + 5 * workers.REPORT_SECONDS
    with pytest.raises(workers.Stopped):
        while time.perf_counter() < deadline:
            relay("next")


class Rerun(Exception):
    """Stands for Streamlit stopping a run for a newer setting."""


def stop_at_once(report):
    raise Rerun


def test_a_callback_that_raises_stops_the_call_and_frees_the_worker(pool):
    started = time.perf_counter()
    with pytest.raises(Rerun):
        workers.call(workers.PROCESS_ID, (100_000,), {"_progress": stop_at_once})
    # 100,000 reports a millisecond apart would take minutes: the worker stopped at its next one.
    assert workers.call(workers.PROCESS_ID, (), {}) != os.getpid()
    assert time.perf_counter() - started < 20


def test_the_mlp_comparison_trained_in_a_worker_equals_the_one_trained_here(pool):
    from explainer.ui import mlp

    comparison = persisted(mlp.comparison)
    settings = dict(dataset="circles", activations=("relu", "tanh"), depth=2, width=8, solver="adam",
                    learning_rate=0.01, batch_size=32, epochs=6, n_samples=120, noise=0.1, seed=3)  # fmt: skip
    frames = []
    in_worker = comparison(**settings, _snapshot=frames.append)
    assert frames and all(f.epoch <= 6 for f in frames)
    workers.disable()
    mlp.NETS.clear()  # else the nets just trained would be handed back, not trained here
    here = comparison(**settings)
    pd.testing.assert_frame_equal(in_worker.history, here.history, check_exact=True)


def test_the_mlp_comparison_split_between_two_workers_equals_the_one_trained_here(pool):
    """Side by side, two reporting workers train half the nets each; the merged comparison is
    the one trained here, and the frames drawn meanwhile carry every net."""
    from explainer.ui import mlp

    assert workers.side_by_side()
    comparison = persisted(mlp.comparison)
    settings = dict(dataset="xor", activations=("identity", "sigmoid", "tanh", "relu"), depth=2, width=8,
                    solver="adam", learning_rate=0.01, batch_size=32, epochs=40, n_samples=160, noise=0.2,
                    seed=5)  # fmt: skip
    frames = []
    merged = comparison(**settings, _snapshot=frames.append)
    pids = set(workers_alive(workers.REPORTING))
    workers.disable()
    mlp.NETS.clear()
    here = comparison(**settings)
    for name in ("history", "updates", "dead", "gradients", "grid"):
        pd.testing.assert_frame_equal(getattr(merged, name), getattr(here, name), check_exact=True)
    pd.testing.assert_frame_equal(merged.summary.drop(columns="fit_seconds"),
                                  here.summary.drop(columns="fit_seconds"), check_exact=True)  # fmt: skip
    assert merged.settings == here.settings and merged.messages == here.messages
    assert len(pids) == 2
    assert frames and all(f.settings["activations"] == settings["activations"] for f in frames)
    assert all(set(f.history["activation"]) == set(settings["activations"]) for f in frames)


def warmed_reporting_lane() -> None:
    """Both reporting workers started, as the server's ``warm`` leaves them before any visitor
    (a worker still starting would let the first take both calls in turn)."""
    workers.warm()
    deadline = time.perf_counter() + 60
    while len(set(workers.call_side_by_side(workers.PROCESS_ID, [{"reports": 50}] * 2))) < 2:
        assert time.perf_counter() < deadline, "both reporting workers answered"


def test_side_by_side_calls_report_each_to_its_own_callback_and_a_raise_stops_both(pool):
    warmed_reporting_lane()
    reports: dict[int, list] = {0: [], 1: []}
    pids = workers.call_side_by_side(
        workers.PROCESS_ID, [{"reports": 200, "_progress": reports[i].append} for i in (0, 1)]
    )
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert all(reports[i] and reports[i][-1] == 199 for i in (0, 1))
    started = time.perf_counter()
    with pytest.raises(Rerun):
        workers.call_side_by_side(workers.PROCESS_ID, [{"reports": 100_000, "_progress": stop_at_once}] * 2)
    assert workers.call(workers.PROCESS_ID, (), {}) != os.getpid()
    assert time.perf_counter() - started < 20


def test_the_recurrent_race_split_between_two_workers_equals_the_one_trained_here(pool):
    from explainer.ui import recurrent

    assert sorted(key for half in recurrent.RACE_HALVES for key in half) == sorted(recurrent.RACE_CELLS)
    race = persisted(recurrent.race)
    fractions = []
    split = race(12, 30, 3, _progress=fractions.append)
    workers.disable()
    here = race(12, 30, 3)
    assert list(split) == list(here) == [recurrent.CELL_LABELS[key] for key in recurrent.RACE_CELLS]
    for label in here:
        pd.testing.assert_frame_equal(split[label].history, here[label].history, check_exact=True)
        pd.testing.assert_frame_equal(split[label].gradients, here[label].gradients, check_exact=True)
    # The page's bar, a report a tenth of a second at most: the two halves' mean fraction.
    assert fractions and fractions == sorted(fractions) and all(0 < f <= 1 for f in fractions)


def test_merged_reports_pass_on_every_parts_latest_once_all_have_reported():
    seen = []
    first, second = workers.merged_reports(seen.append, 2, workers.mean_fraction)
    first(0.5)
    assert seen == []  # the second part has not reported yet
    second(0.25)
    first(1.0)
    assert seen == [0.375, 0.625]
    assert workers.merged_reports(None, 2, workers.mean_fraction) == [None, None]


@pytest.mark.parametrize("count", [1, 2, 4])
def test_the_quick_lane_has_half_as_many_workers_as_the_reporting_lane_and_at_least_one(count):
    workers.enable(count)
    try:
        assert workers.lane_workers(workers.REPORTING) == count
        assert workers.lane_workers(workers.QUICK) == max(1, count // 2)
        workers.warm()
        assert len({workers.call(workers.PROCESS_ID, (), {}) for _ in range(8)}) <= max(1, count // 2)
    finally:
        workers.disable()


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_the_workers_report_without_a_process_between_them_and_the_caller(pool):
    """The reporting lane's reports come straight from its workers: the fork server has started
    the two lanes' workers and nothing else, no manager process (~120 MiB)."""
    warmed_reporting_lane()
    reports: list[int] = []
    assert workers.call(workers.PROCESS_ID, (100,), {"_progress": reports.append}) != os.getpid()
    assert reports[-1] == 99
    assert workers.call(workers.PROCESS_ID, (), {}) != os.getpid()
    lanes = workers_alive(workers.QUICK) | workers_alive(workers.REPORTING)
    assert len(lanes) == workers.lane_workers(workers.QUICK) + workers.lane_workers(workers.REPORTING)
    [fork_server] = {parent_of(worker) for worker in lanes}
    assert set(process_tree(fork_server)) - {fork_server} == lanes


def test_a_reporting_worker_that_dies_mid_call_costs_a_new_lane_not_the_page(pool):
    """The call whose worker is killed is computed here, its callback still fed; the lane's
    next call has new workers, and their reports arrive."""
    warmed_reporting_lane()
    before = workers_alive(workers.REPORTING)
    reports: list[int] = []

    def kill_the_lane(report: int) -> None:
        reports.append(report)
        if len(reports) == 1:
            for worker in before:
                os.kill(worker, signal.SIGKILL)

    assert workers.call(workers.PROCESS_ID, (2000,), {"_progress": kill_the_lane}) == os.getpid()
    assert reports[-1] == 1999
    again: list[int] = []
    worker = workers.call(workers.PROCESS_ID, (50,), {"_progress": again.append})
    assert worker not in before | {os.getpid()} and again[-1] == 49


def test_a_caller_that_stops_listening_stops_a_queued_and_a_running_call_of_the_lane(pool):
    """Stop flags are per call: stopping one call leaves the next call's reports flowing."""
    warmed_reporting_lane()
    with pytest.raises(Rerun):
        workers.call_side_by_side(workers.PROCESS_ID, [{"reports": 100_000, "_progress": stop_at_once}] * 3)
    reports: list[int] = []
    assert workers.call(workers.PROCESS_ID, (100,), {"_progress": reports.append}) != os.getpid()
    assert reports[-1] == 99


def test_a_worker_killed_holding_the_report_lock_stalls_only_its_own_lane(pool):
    """A worker killed mid-report leaves the lane's writers' lock taken: the call it served is
    computed here, the lane is replaced (the server never waits for that lock), and the new
    lane's reports flow."""
    import threading

    warmed_reporting_lane()
    before = workers_alive(workers.REPORTING)
    assert workers._reports._writers_lock.acquire(timeout=5)  # as a killed writer leaves it

    def kill_the_lane() -> None:
        for worker in before:
            os.kill(worker, signal.SIGKILL)

    threading.Timer(1.0, kill_the_lane).start()
    started = time.perf_counter()
    reports: list[int] = []
    assert workers.call(workers.PROCESS_ID, (300,), {"_progress": reports.append}) == os.getpid()
    assert reports[-1] == 299 and time.perf_counter() - started < 20
    again: list[int] = []
    assert workers.call(workers.PROCESS_ID, (50,), {"_progress": again.append}) not in before | {os.getpid()}
    assert again[-1] == 49


def test_a_training_sections_new_runs_train_side_by_side_and_equal_the_runs_trained_here(pool, monkeypatch):
    """The training page's sections hand their runs to ``SectionTrainer.train_all``: two new
    runs go to the two reporting workers at once, and the comparison is the one trained here;
    a run it has trained before is not sent again."""
    from explainer.lessons.training.gradients import gradient_comparison
    from explainer.ui import training

    warmed_reporting_lane()
    sent = []
    side_by_side = workers.call_side_by_side

    def recorded(name, calls):
        sent.append([dict(call["settings"])["learning_rate"] for call in calls])
        return side_by_side(name, calls)

    monkeypatch.setattr(training.workers, "call_side_by_side", recorded)
    trainer = training.SectionTrainer()
    settings = dict(activations=("sigmoid", "relu"), hidden_layers=(8,) * 3, steps=40, seed=2)
    fractions = []
    split = gradient_comparison("moons", **settings, learning_rate=0.3, progress=fractions.append,
                                trainer=trainer)  # fmt: skip
    assert sent == [[0.3, 0.3]]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    again = gradient_comparison("moons", **settings, learning_rate=0.3, trainer=trainer)
    assert sent == [[0.3, 0.3]]  # both runs remembered: nothing trained
    workers.disable()
    here = gradient_comparison("moons", **settings, learning_rate=0.3)
    for comparison in (split, again):
        for name in ("history", "layers", "steps", "summary"):
            pd.testing.assert_frame_equal(getattr(comparison, name), getattr(here, name), check_exact=True)
        assert comparison.sentences == here.sentences
