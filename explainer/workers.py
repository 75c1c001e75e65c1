"""Heavy computations in worker processes, so that one visitor's cold computation does not hold
the server's GIL while every other visitor's rerun waits for it.

A Streamlit server runs every session's script as a thread of one process: a network pass or a
heatmap computed in pure numpy holds the GIL for most of its time, and the process never uses
more than about one of the machine's cores. ``store.persisted`` functions (the pages' cached
computations, called with plain arguments) are sent here instead: with the pool enabled they run
in a worker process and the session's thread waits without the GIL.

Off unless enabled: notebooks, tests and the precompute run everything in their own process; the
app server enables it (``ui.server.configure``). ``VANISHING_POINT_WORKERS`` overrides the number
of workers (0 turns the pool off). A call's callbacks (keywords starting with "_": a progress
bar, the MLP page's frames) stay in the calling process: the worker sends what it reports through
its lane's report pipe, at most one report each REPORT_SECONDS, and the caller's thread calls
them with the latest report when several are waiting (they report progress: the newest supersedes
the rest). If a callback raises (Streamlit stopping the run for a newer setting), the worker is
told to stop at its next report (``_Reports``).

Two lanes of workers: calls that report progress (training runs, heatmaps: seconds each) go to
one pool, every other call (a page section: tens of milliseconds) to another, so a quick section
never queues behind a class's worth of trainings. Measured with 40 protocol visitors on two
cores, one shared queue let a depth-page move wait 15–19 s behind the MLP page's trainings.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

WORKERS_ENV = "VANISHING_POINT_WORKERS"
# What every worker needs, imported once in the fork server so each worker starts as a copy of
# it (shared pages, no second import) instead of importing numpy, pandas and scikit-learn itself.
PRELOAD = ["numpy", "pandas", "sklearn.neural_network", "explainer"]

_LOG = logging.getLogger(__name__)
_functions: dict[str, Callable[..., Any]] = {}
_lock = threading.Lock()
# The lanes' pools, made when first used: QUICK for calls without callbacks, REPORTING for calls
# that report progress (the long ones).
QUICK, REPORTING = "quick", "reporting"
_pools: dict[str, ProcessPoolExecutor] = {}
_reports: _Reports | None = None  # the REPORTING lane's way back, made with its pool
_workers = 0
# How often the caller looks for a report or the worker's end while a call with callbacks runs.
POLL_SECONDS = 0.02


def register(function: Callable[..., Any]) -> str:
    """Make ``function`` (undecorated, defined at module level) callable in a worker by name."""
    name = f"{function.__module__}:{function.__qualname__}"
    _functions[name] = function
    return name


def enable(workers: int | None = None) -> int:
    """Run registered functions in ``workers`` processes from now on (default: one per core, or
    ``$VANISHING_POINT_WORKERS``); returns the number (0: the pool stays off)."""
    global _workers
    configured = os.environ.get(WORKERS_ENV)
    count = workers if workers is not None else int(configured) if configured else os.cpu_count() or 1
    with _lock:
        _workers = max(0, count)
    return _workers


def disable() -> None:
    """Back to computing in the calling process; the workers exit."""
    global _reports, _workers
    with _lock:
        pools, reports, _reports, _workers = list(_pools.values()), _reports, None, 0
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
    if reports is not None:
        reports.shutdown(wait=True)


def enabled() -> bool:
    return _workers > 0


def lane_workers(lane: str) -> int:
    """Processes of ``lane``: ``_workers`` reporting ones, so that a training can split its work
    between two of them (``call_side_by_side``), and half as many quick ones (at least one). A
    quick call takes tens of milliseconds, and each worker adds 120-250 MiB of PSS. With 20
    protocol visitors on two cores, the second quick worker cost ~230 MiB of peak PSS (1.23-1.25
    GiB against 1.00-1.02 GiB) and saved 0.0-0.3 s of p95 (0.70-0.78 s against 0.79-1.05 s in the
    quieter runs; the same code's p95 moved between 0.7 and 1.8 s from run to run)."""
    return _workers if lane == REPORTING else max(1, _workers // 2)


def _get_pool(lane: str = QUICK) -> ProcessPoolExecutor:
    """The pool of ``lane`` (``QUICK`` or ``REPORTING``), of ``lane_workers(lane)`` processes;
    the ``REPORTING`` lane's workers are given its report pipe and stop flags (``_reports``)."""
    global _reports
    with _lock:
        pool = _pools.get(lane)
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            channel: tuple[Any, ...] = ()
            if lane == REPORTING:
                _reports = _Reports(context)
                channel = _reports.channel
            pool = _pools[lane] = ProcessPoolExecutor(
                max_workers=lane_workers(lane),
                mp_context=context,
                initializer=_start_worker,
                initargs=channel,
            )
        return pool


def _reporting_lane() -> tuple[ProcessPoolExecutor, _Reports]:
    """The ``REPORTING`` lane's pool and its reports, made (and replaced) together."""
    pool = _get_pool(REPORTING)
    with _lock:
        if _pools.get(REPORTING) is pool and _reports is not None:
            return pool, _reports
    raise BrokenProcessPool("the reporting lane was reset")


def warm() -> None:
    """Start the fork server and the workers now (in the background), so the first visitor's
    computation does not wait for them."""
    if enabled():
        for lane in (QUICK, REPORTING):
            for _ in range(lane_workers(lane)):
                _get_pool(lane).submit(int)


def _start_worker(report_pipe: Any = None, report_lock: Any = None, stop_flags: Any = None) -> None:
    """In each worker: one BLAS thread (the workers are the parallelism), the network engine's
    stores bounded as in the server, and (in the ``REPORTING`` lane) the way back to callers."""
    from threadpoolctl import threadpool_limits

    from .nn import memory

    global _worker_pipe, _worker_lock, _worker_stops
    _worker_pipe, _worker_lock, _worker_stops = report_pipe, report_lock, stop_flags
    threadpool_limits(limits=1, user_api="blas")
    memory.set_memory_limits(weights=WORKER_STORE_BYTES, workspace=WORKER_STORE_BYTES)


# Each worker keeps its own engine stores: smaller than the server's, as they are per worker. At
# 48 MiB each the quick worker's PSS peaked ~40 MiB higher (20 visitors), the depth page's p95 the same.
WORKER_STORE_BYTES = 16 * 2**20


def _run(name: str, args: tuple, kwargs: dict) -> Any:
    """In a worker: import the function's module (which registers it) and call it."""
    if name not in _functions:
        importlib.import_module(name.split(":", 1)[0])
    result = _functions[name](*args, **kwargs)
    for relay in kwargs.values():
        if isinstance(relay, _Relay):
            relay.flush()
    return result


def _run_reporting(name: str, args: tuple, kwargs: dict, call_id: int, index: int) -> Any:
    """``_run`` in a ``REPORTING`` worker, then tell the caller that every report of call
    ``index`` of ``call_id`` is sent: the result comes back by another pipe, and may overtake them."""
    result = _run(name, args, kwargs)
    _send((call_id, index, None, None))
    return result


class Stopped(Exception):
    """Raised in a worker at a report after its caller has stopped listening."""


# A worker sends the caller at most one report per callback this often (the newest; ``_run``
# sends the last one held back when the call returns). Every report is pickled each way: the MLP
# page's training reported each of its 200 epochs, a 42 kB snapshot each, which made a move
# 0.3-1.3 s slower in a worker than in the server (then through a manager process, a hop more).
REPORT_SECONDS = 0.05

# In a REPORTING worker (``_start_worker``): its lane's report pipe (the lock lets one worker
# write at a time) and stop flags.
_worker_pipe: Any = None
_worker_lock: Any = None
_worker_stops: Any = None


def _send(message: tuple) -> None:
    """In a REPORTING worker: ``message`` to the caller's process, whole."""
    with _worker_lock:
        _worker_pipe.send(message)


# Calls a stop flag can tell apart: a call's flag is slot ``call_id % STOP_SLOTS``; a lane never
# has this many calls running or queued at once.
STOP_SLOTS = 4096


class _Reports:
    """The ``REPORTING`` lane's way back to its callers, in place of a multiprocessing manager
    (a process of ~120 MiB PSS, and a round trip through it for every report): one pipe that
    the lane's workers send ``(call, part, key, report)`` down, a thread here that hands each
    report to its call's inbox, and a stop flag per call in shared memory that workers read at
    each report. The server only reads the pipe, so a worker killed while holding the writers'
    lock can stall only its own (broken, replaced) lane."""

    def __init__(self, context: Any):
        self._reader, self._writer = context.Pipe(duplex=False)
        self._writers_lock = context.Lock()
        self.stops = context.RawArray("q", STOP_SLOTS)
        self._inboxes: dict[int, queue.SimpleQueue] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._deliver, name="worker-reports", daemon=True)
        self._thread.start()

    @property
    def channel(self) -> tuple[Any, Any, Any]:
        """What each of the lane's workers is started with (``_start_worker``)."""
        return self._writer, self._writers_lock, self.stops

    def open(self) -> tuple[int, queue.SimpleQueue]:
        """A new call's id and the inbox its reports arrive in."""
        inbox: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            call_id = next(self._ids)
            self._inboxes[call_id] = inbox
        return call_id, inbox

    def close(self, call_id: int, stop: bool) -> None:
        """No more reports for ``call_id`` (late ones are dropped); ``stop`` tells its workers
        to stop at their next report."""
        if stop:
            self.stops[call_id % STOP_SLOTS] = call_id
        with self._lock:
            self._inboxes.pop(call_id, None)

    def _deliver(self) -> None:
        try:
            while not self._closed.is_set():
                if not self._reader.poll(DELIVERY_POLL_SECONDS):
                    continue
                call_id, *report = self._reader.recv()
                with self._lock:
                    inbox = self._inboxes.get(call_id)
                if inbox is not None:
                    inbox.put(tuple(report))
        except (EOFError, OSError):
            pass  # every writer is gone: the lane was shut down
        except Exception:  # a worker killed mid-message: its lane is broken and replaced
            _LOG.warning("the reports of a broken worker lane were dropped", exc_info=True)
        finally:
            self._reader.close()

    def shutdown(self, wait: bool = False) -> None:
        """Stop delivering (the lane's workers have exited, or are being killed)."""
        self._closed.set()
        self._writer.close()
        if wait:
            self._thread.join(timeout=5)


# How often the delivery thread looks whether its lane was shut down.
DELIVERY_POLL_SECONDS = 0.2


class _Channel:
    """In a worker, where one part of one call puts its reports (``_Relay.reports``)."""

    def __init__(self, call_id: int, index: int):
        self.call_id, self.index = call_id, index

    def put(self, item: tuple[str, Any]) -> None:
        _send((self.call_id, self.index, *item))


class _StopFlag:
    """In a worker, whether the caller of ``call_id`` has stopped listening (``_Relay.stop``)."""

    def __init__(self, call_id: int):
        self.call_id = call_id

    def is_set(self) -> bool:
        return _worker_stops[self.call_id % STOP_SLOTS] == self.call_id


class _Relay:
    """Stands in a worker for one of the caller's callbacks: puts the newest report on
    ``reports`` at most every REPORT_SECONDS, and learns from ``stop`` whether the caller has
    stopped listening."""

    def __init__(self, reports: Any, stop: Any, key: str):
        self.reports, self.stop, self.key = reports, stop, key
        self.sent_at, self.held, self.holding = float("-inf"), None, False

    def __call__(self, report: Any) -> None:
        now = time.perf_counter()
        if now - self.sent_at < REPORT_SECONDS:
            self.held, self.holding = report, True
            return
        if self.stop.is_set():
            raise Stopped(self.key)
        self.reports.put((self.key, report))
        self.sent_at, self.held, self.holding = now, None, False

    def flush(self) -> None:
        """Send the report held back, if any: the caller sees the call's last report."""
        if self.holding:
            self.reports.put((self.key, self.held))
            self.held, self.holding = None, False


def call(name: str, args: tuple, kwargs: dict) -> Any:
    """``_functions[name](*args, **kwargs)``: in a worker when the pool is on (the ``REPORTING``
    lane when a callback is given, else ``QUICK``), else here. A worker that died (killed, out of
    memory) costs its lane a new pool, not the visitor's page: the call is then computed here."""
    function = _functions[name]
    if not enabled():
        return function(*args, **kwargs)
    callbacks = _callbacks(kwargs)
    lane = REPORTING if callbacks else QUICK
    try:
        if lane == QUICK:
            return _get_pool(QUICK).submit(_run, name, args, kwargs).result()
        return _call_reporting(name, [(args, kwargs, callbacks)])[0]
    except BrokenProcessPool:
        _LOG.warning("a worker process died; computing %s in the server process", name)
        _reset_broken_pool(lane)
        return function(*args, **kwargs)


def side_by_side() -> bool:
    """Whether ``call_side_by_side`` runs its calls at once (the pool is on and its reporting
    lane has a worker for each of two calls), rather than one after the other here."""
    return enabled() and lane_workers(REPORTING) >= 2


def call_side_by_side(name: str, calls: Sequence[dict]) -> list[Any]:
    """``_functions[name](**kwargs)`` for each ``kwargs`` of ``calls``, their results in order:
    at once in the ``REPORTING`` lane's workers when ``side_by_side()``, else one after the
    other here. Each call's callbacks (its keywords starting with "_") get its own reports, as
    with ``call``; a callback that raises, or a call that fails, stops them all."""
    function = _functions[name]
    if not side_by_side():
        return [function(**kwargs) for kwargs in calls]
    try:
        return _call_reporting(name, [((), kwargs, _callbacks(kwargs)) for kwargs in calls])
    except BrokenProcessPool:
        _LOG.warning("a worker process died; computing %s in the server process", name)
        _reset_broken_pool(REPORTING)
        return [function(**kwargs) for kwargs in calls]


def merged_reports(
    callback: Callable[[Any], object] | None, parts: int, merge: Callable[[list[Any]], Any]
) -> list[Callable[[Any], None] | None]:
    """One callback per part of a computation split for ``call_side_by_side``: each passes
    ``callback`` the ``merge`` of every part's latest report, once every part has reported
    (all None when ``callback`` is None)."""
    if callback is None:
        return [None] * parts
    latest: list[Any] = [None] * parts
    reported = [False] * parts

    def for_part(index: int) -> Callable[[Any], None]:
        def report(value: Any) -> None:
            latest[index], reported[index] = value, True
            if all(reported):
                callback(merge(list(latest)))

        return report

    return [for_part(index) for index in range(parts)]


def mean_fraction(fractions: list[float]) -> float:
    """The fraction done of parts of equal size that report their own fractions done."""
    return sum(fractions) / len(fractions)


def _callbacks(kwargs: dict) -> dict[str, Callable[[Any], Any]]:
    return {key: value for key, value in kwargs.items() if key.startswith("_") and value is not None}


def _call_reporting(name: str, calls: list[tuple[tuple, dict, dict]]) -> list[Any]:
    """Calls (args, kwargs, callbacks) submitted at once to the ``REPORTING`` lane, whose
    callbacks run here, fed from the workers' reports; their results in order."""
    pool, reports = _reporting_lane()
    call_id, inbox = reports.open()
    stop = _StopFlag(call_id)
    futures = []
    finished: set[int] = set()  # the parts whose every report has arrived
    stopping = True
    try:
        for index, (args, kwargs, callbacks) in enumerate(calls):
            channel = _Channel(call_id, index)
            relayed = {**kwargs, **{key: _Relay(channel, stop, key) for key in callbacks}}
            futures.append(pool.submit(_run_reporting, name, args, relayed, call_id, index))
        while True:
            latest: dict[tuple[int, str], Any] = {}
            try:
                message = inbox.get(timeout=POLL_SECONDS)
                while True:
                    index, key, report = message
                    if key is None:
                        finished.add(index)
                    else:
                        latest[(index, key)] = report
                    message = inbox.get_nowait()
            except queue.Empty:
                pass
            for (index, key), report in latest.items():
                calls[index][2][key](report)
            failed = next((f for f in futures if f.done() and f.exception() is not None), None)
            if failed is not None:
                failed.result()  # raises its error; the others stop below
            if len(finished) == len(futures):
                results = [future.result() for future in futures]
                stopping = False
                return results
    finally:
        if stopping:  # the workers stop at their next report; their results are not wanted
            for future in futures:
                future.cancel()
        reports.close(call_id, stop=stopping)


def process_id(reports: int = 0, _progress: Callable[[int], None] | None = None) -> int:
    """The process this runs in, after reporting 0, 1, … ``reports`` - 1 to ``_progress`` a
    millisecond apart: with ``call(PROCESS_ID, ...)``, shows where calls go and what reaches
    their callbacks."""
    for report in range(reports):
        if _progress is not None:
            _progress(report)
            time.sleep(0.001)
    return os.getpid()


PROCESS_ID = register(process_id)


def _reset_broken_pool(lane: str) -> None:
    global _reports
    with _lock:
        pool = _pools.pop(lane, None)
        reports, _reports = (_reports, None) if lane == REPORTING else (None, _reports)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    if reports is not None:
        reports.shutdown()
