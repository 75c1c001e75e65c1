"""A classroom on one server: N visitors at once, through Streamlit's websocket protocol.

Each visitor (``protocol.Visitor``, no browser, so the server has the machine) opens a page,
then, after a think time of 2–6 s each time, either clicks another page in the sidebar (one
action in four) or moves one of the page's widgets: half the moves to a value no visitor has
sent yet, half to one already sent (cached). Every visitor of a row starts within the first 5 s.
Rows:

- ``N visitors``: the steady load, on a fresh server per N (so a row is not warmed by the last);
- ``class arrives``: 40 visitors open ``/`` within 5 s, then 40 more open one scene link, then
  40 more open it as new browsers: each first downloads the frontend files Chromium fetches for
  that page (``assets``), which a balancer's cache (deploy/haproxy.cfg) can answer;
- ``cached move beside a cold one``: one visitor's cached moves while another visitor's
  computation runs cold (does one session stall another?).

The first line says how many results the precomputed store holds for this code's version (the
servers read it; with none, every row measures cold computations, seconds where a stored
scene takes milliseconds). Before the first row and after the last, the machine's pace: the MLP page's default training
(``fit_mlps()``, four nets in scikit-learn, the work of a new MLP setting) timed alone in this
process. The same code's 20-visitor p95 has moved from 0.6 s to 5 s within an hour on this
virtual machine; the pace says whether a slow row met a slow machine.

Latency is "rerun sent → ``script_finished`` received". CPU is the server's process tree
(its worker processes included) over the row's wall time, in % of one core; RSS and PSS are the
peaks of the tree's summed resident and proportional memory (PSS counts a page the processes
share once: the memory the replica really needs). "Moved" counts moves whose page text changed, to show
the moves really reach the widgets.

    python -m benchmarks capacity                           # the table, 60 s per row
    python -m benchmarks.bench_capacity --visitors 1 5 --seconds 20
    python -m benchmarks.bench_capacity --replicas 2        # the same load through HAProxy
    python -m benchmarks.bench_capacity --balancer          # one replica behind HAProxy
    python -m benchmarks.bench_capacity --memory-limit 1024 # each server in a 1 GiB memory cgroup

Targets from issue 14: 20 visitors p95 ≤ 1 s with 0 exceptions and peak RSS ≤ 1 GiB; 40
opening one link within 5 s p95 ≤ 3 s; 40 visitors for 60 s p95 ≤ 3 s with 0 exceptions and
0 timeouts.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from explainer.workers import WORKERS_ENV

from .assets import frontend_files
from .bench_moves import PAGE_MOVES, percentile, section_label
from .common import Case, store_line
from .live import Server, run_in_thread
from .memory_limit import MemoryCgroup
from .protocol import OPTION_WIDGETS, Run, Visitor

PAGES = {"home": "", "activations": "activations", "depth": "depth", "initialization": "initialization",
         "training": "training", "mlp": "mlp", "recurrent": "recurrent", "playground": "playground"}  # fmt: skip
STEADY_VISITORS = (1, 5, 10, 20, 40)
STEADY_SECONDS = 60.0
ARRIVAL_SECONDS = 5.0
THINK_SECONDS = (2.0, 6.0)
SWITCH_SHARE = 0.25
NEW_SHARE = 0.5
CLASS_SIZE = 40
SCENE_LINK = ("depth", "preset=cs231n_tanh")
RUN_TIMEOUT = 120.0
MIB = 2**20


# ---- the server's process tree, from /proc --------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (a process pool's workers, a spawn helper)."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def process_cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of one process, with ``children`` that of its exited children too."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11 : 15 if children else 13]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process tree; exited children are counted by their parent (cutime)."""
    return sum(process_cpu_seconds(p, children=True) for p in process_tree(pid))


def tree_memory_bytes(pid: int, field: str = "Rss") -> int:
    """The summed ``Rss`` or ``Pss`` of a process tree (/proc/<pid>/smaps_rollup). RSS counts a
    page shared by the server and its workers (numpy, pandas, scikit-learn, loaded once in the
    fork server) in every process; PSS splits it among them, so PSS adds up to the memory the
    tree really holds (what a container's limit sees, less the kernel's caches)."""
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


class Usage:
    """CPU share and peak RSS of the server processes (one or several replicas) during a block;
    ``server_percent`` is the servers' own processes alone, without their workers: every
    session's script and the event loop share that process's GIL, so near 100% per server it is
    the bottleneck however idle the workers are. With a memory ``group`` (the server runs in a
    cgroup with a limit), also the group's peak charge and what the limit did meanwhile."""

    def __init__(self, pids: list[int], every: float = 0.25, group: MemoryCgroup | None = None):
        self.pids, self.every, self.peak_rss, self.peak_pss = pids, every, 0, 0
        self.group, self.group_usage = group, GroupUsage(group.limit_bytes) if group else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_rss = max(self.peak_rss, sum(tree_memory_bytes(p, "Rss") for p in self.pids))
            self.peak_pss = max(self.peak_pss, sum(tree_memory_bytes(p, "Pss") for p in self.pids))
            if self.group is not None:
                self.group_usage.peak = max(self.group_usage.peak, self.group.usage())
                self.group_usage.peak_anonymous = max(self.group_usage.peak_anonymous, self.group.anonymous())
            time.sleep(self.every)

    def __enter__(self) -> Usage:
        self._cpu, self._wall = sum(tree_cpu_seconds(p) for p in self.pids), time.monotonic()
        self._own = sum(process_cpu_seconds(p) for p in self.pids)
        if self.group is not None:
            self._kills = self.group.oom_kills()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        wall = time.monotonic() - self._wall
        self.cpu_percent = 100 * (sum(tree_cpu_seconds(p) for p in self.pids) - self._cpu) / wall
        self.server_percent = 100 * (sum(process_cpu_seconds(p) for p in self.pids) - self._own) / wall
        if self.group is not None:
            self.group_usage.oom_kills = self.group.oom_kills() - self._kills


@dataclass
class GroupUsage:
    """What a row did to the memory cgroup the server ran in (``--memory-limit``)."""

    limit: int
    peak: int = 0  # the most charged at once: the processes' memory and the page cache they read
    peak_anonymous: int = 0  # of which the processes' own memory (reclaiming cache cannot free it)
    oom_kills: int = 0  # processes the kernel killed for the limit

    def line(self) -> str:
        return (f"in a {self.limit / MIB:.0f} MiB memory cgroup: peak charged {self.peak / MIB:.0f} MiB, "
                f"of it the processes' own memory {self.peak_anonymous / MIB:.0f} MiB; {self.oom_kills} OOM kills")  # fmt: skip


# ---- what the visitors did ---------------------------------------------------------------------


@dataclass
class Record:
    page: str
    action: str  # "open", "switch", "tab" (a click on a section's tab), "new", "seen"
    run: Run
    changed: bool | None = None  # for moves: did the page's text change?


@dataclass
class Row:
    """One line of the capacity table."""

    name: str
    visitors: int
    records: list[Record] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # connection failures and the like
    cpu_percent: float = 0.0
    server_percent: float = 0.0  # the servers' own processes, without their workers
    peak_rss: int = 0
    peak_pss: int = 0
    replicas: dict[int, set[str]] = field(default_factory=dict)  # visitor -> replicas it saw
    memory_group: GroupUsage | None = None  # with --memory-limit: the cgroup's readings

    def seconds(self, actions: tuple[str, ...] | None = None) -> list[float]:
        return [r.run.seconds for r in self.records if r.run.status != "timeout"
                and (actions is None or r.action in actions)]  # fmt: skip

    def percentile(self, q: float, actions: tuple[str, ...] | None = None) -> float:
        values = self.seconds(actions)
        return percentile(values, q) if values else math.nan

    @property
    def exceptions(self) -> list[str]:
        return [e for r in self.records for e in r.run.exceptions] + self.errors

    @property
    def timeouts(self) -> int:
        return sum(r.run.status == "timeout" for r in self.records)

    @property
    def moves(self) -> tuple[int, int]:
        """(moves that changed the page's text, moves to a new value)."""
        new = [r for r in self.records if r.action == "new"]
        return sum(bool(r.changed) for r in new), len(new)

    def line(self) -> str:
        changed, new = self.moves
        return (f"{self.name:<34} {len(self.records):>5} {self.percentile(0.5):>7.2f} {self.percentile(0.95):>7.2f} "
                f"{max(self.seconds() or [math.nan]):>7.2f} {len(self.exceptions):>4} {self.timeouts:>4} "
                f"{self.cpu_percent:>5.0f}% {self.server_percent:>5.0f}% {self.peak_rss / MIB:>7.0f} {self.peak_pss / MIB:>7.0f} {changed:>4}/{new:<4}")  # fmt: skip


HEADER = (f"{'row':<34} {'runs':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'exc':>4} {'t/o':>4} "
          f"{'CPU':>6} {'server':>6} {'RSS MiB':>7} {'PSS MiB':>7} {'moved':>9}")  # fmt: skip


class ValueBook:
    """The values every visitor has sent per (page, widget), shared by a row's visitors, so a
    move can go to a value the server has not seen ("new") or to one it has ("seen")."""

    def __init__(self):
        self.sent: dict[tuple[str, str], list] = {}

    def choose(self, page: str, key: str, node, candidates: tuple, rng: random.Random, new: bool):
        used = self.sent.setdefault((page, key), [])
        if not new and used:
            return rng.choice(used), "seen"
        fresh = [v for v in self._candidates(node, candidates, rng) if v not in used]
        if not fresh:
            return (rng.choice(used), "seen") if used else (candidates[0], "new")
        value = fresh[0]
        used.append(value)
        return value, "new"

    @staticmethod
    def _candidates(node, candidates: tuple, rng: random.Random) -> list:
        """Numeric sliders: random steps of the slider's own range (so "new" is new to the
        server, not one of a handful); option widgets: random options (1–4 of a multiselect's);
        others (text, number inputs): the benchmark's list, shuffled."""
        kind = type(node).__name__
        if kind in OPTION_WIDGETS:
            options = list(node.options)
            if kind == "Multiselect":
                return [
                    tuple(sorted(rng.sample(options, rng.randint(1, min(4, len(options)))))) for _ in range(8)
                ]
            if kind == "SelectSlider" and len(node.proto.value) == 2:
                return [tuple(sorted(rng.sample(options, 2), key=options.index)) for _ in range(8)]
            return rng.sample(options, len(options))
        scalar = all(isinstance(c, (int, float)) for c in candidates)
        if scalar and type(node).__name__ == "Slider":
            low, high, step = float(node.min), float(node.max), float(node.step)
            steps = round((high - low) / step)
            whole = all(isinstance(c, int) for c in candidates)
            picks = [low + step * rng.randint(0, steps) for _ in range(8)]
            return [round(v) if whole else round(v, 10) for v in picks]
        shuffled = list(candidates)
        rng.shuffle(shuffled)
        return shuffled


def _page_script(url_path: str) -> str:
    return f"app_pages/{url_path or 'home'}.py"


def _moves(url_path: str) -> tuple:
    return PAGE_MOVES.get(_page_script(url_path), ())


async def _act(visitor: Visitor, row: Row, book: ValueBook, rng: random.Random) -> None:
    """One think-then-act step of a visitor: a sidebar click or a widget move."""
    page = visitor.url_path
    moves = [m for m in _moves(page) if any(w.key == m.key for w in visitor.widgets)]
    if not moves or rng.random() < SWITCH_SHARE:
        target = rng.choice([p for p in PAGES.values() if p != page])
        row.records.append(Record(target, "switch", await visitor.switch_page(target)))
        return
    move = rng.choice(moves)
    tab = section_label(_page_script(page), move.key)
    if tab is not None and visitor.open_tab_label != tab:  # the widget's section is closed: open it
        row.records.append(Record(page, "tab", await visitor.open_tab(tab)))
    node = visitor.widget(move.key)
    value, kind = book.choose(page, move.key, node, move.values, rng, new=rng.random() < NEW_SHARE)
    before = visitor.runs[-1].texts if visitor.runs else []
    run = await visitor.move(move.key, value)
    row.records.append(Record(page, kind, run, changed=run.texts != before))


def _where(error: BaseException) -> str:
    """The innermost frame of an error, for the table's error lines."""
    import traceback

    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} {frame.line}"


async def _visitor(index: int, url: str, row: Row, book: ValueBook, seed: int, until: float,
                   start: tuple[str, str] | None) -> None:  # fmt: skip
    rng = random.Random(seed * 1000 + index)
    await asyncio.sleep(rng.uniform(0, ARRIVAL_SECONDS))
    visitor = Visitor(url, timeout=RUN_TIMEOUT)
    try:
        async with visitor:
            # Visitor i starts on page i mod 6, so every page has visitors from the first second.
            path, query = start or (list(PAGES.values())[index % len(PAGES)], "")
            row.records.append(Record(path, "open", await visitor.open(path, query)))
            while time.monotonic() < until:
                await asyncio.sleep(rng.uniform(*THINK_SECONDS))
                if time.monotonic() >= until:
                    break
                if visitor.runs[-1].status == "timeout":
                    break  # the socket is still busy with the unanswered run
                await _act(visitor, row, book, rng)
    except Exception as error:  # a refused or dropped connection is a failure a visitor sees
        row.errors.append(f"visitor {index}: {type(error).__name__}: {error} at {_where(error)}")
    finally:
        row.replicas[index] = set(visitor.replicas)


async def drive(url: str, visitors: int, seconds: float, *, seed: int = 0, start: tuple[str, str] | None = None,
                name: str | None = None) -> Row:  # fmt: skip
    """``visitors`` visitors against ``url`` for ``seconds`` (each arrives within the first 5 s);
    with ``start``, each opens that (path, query) first."""
    row = Row(name or f"{visitors} visitors", visitors)
    book = ValueBook()
    until = time.monotonic() + seconds
    await asyncio.gather(*(_visitor(i, url, row, book, seed, until, start) for i in range(visitors)))
    return row


async def arrive(url: str, visitors: int, path: str, query: str = "", *, name: str,
                 frontend: tuple[str, ...] = ()) -> Row:  # fmt: skip
    """A class opening one link: every visitor opens it within 5 s, and leaves. With ``frontend``
    (``assets.frontend_files``) each visitor is a new browser: it downloads those files between
    the page and the websocket, and its time runs from the page's request to ``script_finished``."""
    row = Row(name, visitors)

    async def one(i: int) -> None:
        await asyncio.sleep(random.Random(i).uniform(0, ARRIVAL_SECONDS))
        visitor = Visitor(url, timeout=RUN_TIMEOUT, frontend=frontend)
        started = time.perf_counter()
        try:
            async with visitor:
                run = await visitor.open(path, query)
            if frontend:
                run = dataclasses.replace(run, seconds=time.perf_counter() - started)
                failed = [(p, status) for p, status, _ in visitor.frontend_answers if status != 200]
                if failed:
                    row.errors.append(f"visitor {i}: frontend files {failed[:3]}")
            row.records.append(Record(path, "open", run))
        except Exception as error:
            row.errors.append(f"visitor {i}: {type(error).__name__}: {error}")
        finally:
            row.replicas[i] = set(visitor.replicas)

    await asyncio.gather(*(one(i) for i in range(visitors)))
    return row


async def beside_cold(url: str) -> tuple[Row, Row]:
    """A visitor's cached moves on the depth page, alone and while another visitor's MLP
    comparison trains cold (a seed nothing has trained, so neither the store nor a cache has it).
    The cold run itself is printed, not counted in the rows."""
    async with Visitor(url, timeout=RUN_TIMEOUT) as mover, Visitor(url, timeout=RUN_TIMEOUT) as cold:
        await mover.open("depth")
        for value in (31, 32):  # computed once, so the moves below are cached
            await mover.move("depth", value)
        alone, beside = Row("cached moves, alone", 1), Row("cached moves beside a cold one", 2)
        for i in range(6):
            alone.records.append(Record("depth", "seen", await mover.move("depth", 31 + i % 2)))
        await cold.open("activations")

        async def moves() -> None:
            for i in range(6):
                beside.records.append(Record("depth", "seen", await mover.move("depth", 31 + i % 2)))
                await asyncio.sleep(0.2)

        started = time.perf_counter()
        cold_run = asyncio.create_task(cold.open("mlp", f"seed={random.randrange(10**6, 10**7)}&epochs=300"))
        await moves()
        run = await cold_run
        print(
            f"  (the cold run took {run.seconds:.1f} s; the moves beside it ran in its first "
            f"{time.perf_counter() - started:.1f} s)"
        )
    return alone, beside


# ---- the table ----------------------------------------------------------------------------------


def measured(servers: Servers, coroutine) -> Row | tuple[Row, ...]:
    """Run ``coroutine`` (its rows) while sampling the servers' CPU and memory."""
    with Usage(servers.pids, group=servers.group) as usage:
        # In a thread of its own: ``python -m benchmarks`` runs the Chromium benchmarks first, whose
        # sync Playwright keeps an event loop running in this one.
        result = run_in_thread(coroutine)
    for row in result if isinstance(result, tuple) else (result,):
        row.cpu_percent, row.peak_rss, row.peak_pss = usage.cpu_percent, usage.peak_rss, usage.peak_pss
        row.server_percent, row.memory_group = usage.server_percent, usage.group_usage
    return result


# Two classes, one after the other, on one server: the second arrives after the first's sessions
# have expired (the server's disconnectedSessionTTL, shortened for the row), so its memory shows
# whether closed tabs were released.
SESSION_TTL_SECONDS = 5


@dataclass(frozen=True)
class ServerSetup:
    """How each row's servers run: ``replicas`` of them (more than one, or ``balanced``: behind
    HAProxy, benchmarks.replicas, as compose.yaml hosts them, its copy of the frontend files
    filled at start), ``extra_args`` for every ``streamlit run``, ``environment`` set while they
    start, and ``memory_limit`` (bytes; one server only): a memory cgroup of that limit, as in a
    container with that much memory."""

    replicas: int = 1
    extra_args: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    memory_limit: int | None = None
    balanced: bool = False

    def __post_init__(self) -> None:
        if self.memory_limit is not None and (self.replicas != 1 or self.balanced):
            raise ValueError("a memory limit is measured on one server (--replicas 1)")

    def with_args(self, *extra_args: str) -> ServerSetup:
        return dataclasses.replace(self, extra_args=(*self.extra_args, *extra_args))


class Servers:
    """The servers of one ``ServerSetup``, started on entry and stopped on exit."""

    def __init__(self, setup: ServerSetup = ServerSetup()):
        self.setup, self.group = setup, None

    def __enter__(self) -> Servers:
        setup = self.setup
        environment = dict(setup.environment)
        saved = {key: os.environ.get(key) for key in environment}
        os.environ.update(environment)
        try:
            if setup.memory_limit is not None:
                self.group = MemoryCgroup(setup.memory_limit).__enter__()
            if setup.replicas == 1 and not setup.balanced:
                try:
                    self.handle = Server(
                        setup.extra_args,
                        on_start=None
                        if self.group is None
                        else (lambda process: self.group.add(process.pid)),
                    )
                except BaseException:
                    if self.group is not None:
                        self.group.__exit__(None, None, None)
                    raise
                self.url, self.pids = self.handle.url, [self.handle.process.pid]
                self.replica_urls = [self.handle.url]
            else:
                from .replicas import Replicas

                self.handle = Replicas(
                    setup.replicas, extra_args=setup.extra_args, fill_frontend=True
                ).__enter__()
                self.url, self.pids = self.handle.url, [s.process.pid for s in self.handle.servers]
                self.replica_urls = [s.url for s in self.handle.servers]
        finally:
            for key, value in saved.items():
                os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
        return self

    def __exit__(self, *exc) -> None:
        if isinstance(self.handle, Server):
            self.handle.stop()
        else:
            self.handle.__exit__(*exc)
        if self.group is not None:
            self.group.__exit__(*exc)


PACE_REPEATS = 3


def machine_pace(repeats: int = PACE_REPEATS) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of ``fit_mlps()`` with its defaults, the MLP
    page's default scene, in this process with one BLAS thread, as the server's workers run it."""
    from threadpoolctl import threadpool_limits

    from explainer.sklearn_mlp import fit_mlps

    walls, cpus = [], []
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            fit_mlps()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def print_pace(when: str) -> None:
    wall, cpu = machine_pace()
    print(f"machine pace {when}: the MLP page's default training alone {wall:.2f} s "
          f"({cpu:.2f} CPU-s), median of {PACE_REPEATS}", flush=True)  # fmt: skip


def capacity_table(visitors: tuple[int, ...] = STEADY_VISITORS, seconds: float = STEADY_SECONDS,
                   setup: ServerSetup = ServerSetup(), bursts: bool = True) -> list[Row]:  # fmt: skip
    """Every row on its own fresh server(s) of ``setup``, printed as it is measured, between two
    readings of the machine's pace."""
    print(store_line(), flush=True)
    print_pace("before")
    print(HEADER, flush=True)
    print("-" * len(HEADER))
    rows: list[Row] = []

    def show(*measured_rows: Row) -> None:
        for row in measured_rows:
            rows.append(row)
            print(row.line(), flush=True)
            if row.memory_group is not None:
                print(f"  {row.memory_group.line()}", flush=True)

    for n in visitors:
        with Servers(setup) as servers:
            row = measured(servers, drive(servers.url, n, seconds))
            row.name = f"{n} visitors, {seconds:.0f} s"
            show(row)
    if bursts:
        _burst_rows(show, setup, seconds)
    print_pace("after")
    return rows


def _burst_rows(show, setup: ServerSetup, seconds: float) -> None:
    """The class-arrives, cached-beside-cold and two-classes rows of ``capacity_table``."""
    with Servers(setup) as servers:
        show(measured(servers, arrive(servers.url, CLASS_SIZE, "", name=f"{CLASS_SIZE} open / in 5 s")))
        link = f"{CLASS_SIZE} open {SCENE_LINK[0]}?{SCENE_LINK[1]}"
        show(measured(servers, arrive(servers.url, CLASS_SIZE, *SCENE_LINK, name=link)))
        # Recorded from a replica itself, so a balancer's cache starts empty for the class.
        files = frontend_files(servers.replica_urls[0], *SCENE_LINK)
        print(f"  (next: {CLASS_SIZE} more open it as new browsers, each downloading the {len(files)} "
              "frontend files Chromium asks for first)")  # fmt: skip
        show(measured(servers, arrive(servers.url, CLASS_SIZE, *SCENE_LINK, frontend=files,
                                      name=f"{CLASS_SIZE} new browsers open it")))  # fmt: skip
        show(*measured(servers, beside_cold(servers.url)))
    with Servers(setup.with_args(f"--server.disconnectedSessionTTL={SESSION_TTL_SECONDS}")) as servers:
        first = measured(servers, drive(servers.url, 20, seconds / 2, seed=1))
        first.name = f"20 visitors, {seconds / 2:.0f} s, then they leave"
        show(first)
        time.sleep(SESSION_TTL_SECONDS + 5)
        second = measured(servers, drive(servers.url, 20, seconds / 2, seed=2))
        second.name = f"20 more after {SESSION_TTL_SECONDS + 5} s"
        show(second)


@cache
def default_table() -> dict[str, Row]:
    return {row.name: row for row in capacity_table()}


def _row(prefix: str) -> Row:
    return next(row for name, row in default_table().items() if name.startswith(prefix))


def by_page(row: Row) -> str:
    """Each page's p95 and number of runs in ``row``, slowest first: where the row's tail comes from."""
    pages: dict[str, list[float]] = {}
    for record in row.records:
        if record.run.status != "timeout":
            pages.setdefault(record.page or "home", []).append(record.run.seconds)
    ranked = sorted(pages.items(), key=lambda item: -percentile(item[1], 0.95))
    return ", ".join(f"{page} {percentile(values, 0.95):.1f} s ({len(values)})" for page, values in ranked)


def cases() -> list[Case]:
    return [
        Case("capacity", "20 visitors p95", lambda: None, target=1.0, value=lambda: _row("20 visitors").percentile(0.95)),
        Case("capacity", "20 visitors exceptions", lambda: None, target=None, unit="",
             value=lambda: float(len(_row("20 visitors").exceptions))),
        Case("capacity", "20 visitors peak RSS", lambda: None, target=1024 * MIB, per=MIB, unit="MiB",
             value=lambda: _row("20 visitors").peak_rss),
        Case("capacity", "20 visitors peak PSS", lambda: None, target=1024 * MIB, per=MIB, unit="MiB",
             value=lambda: _row("20 visitors").peak_pss),
        Case("capacity", "40 visitors p95", lambda: None, target=3.0, value=lambda: _row("40 visitors").percentile(0.95)),
        Case("capacity", "40 visitors exceptions+timeouts", lambda: None, target=None, unit="",
             value=lambda: float(len(_row("40 visitors").exceptions) + _row("40 visitors").timeouts)),
        Case("capacity", "40 open the scene link: p95", lambda: None, target=3.0,
             value=lambda: _row(f"{CLASS_SIZE} open {SCENE_LINK[0]}").percentile(0.95)),
        Case("capacity", "40 new browsers open the scene link: p95", lambda: None, target=3.0,
             value=lambda: _row(f"{CLASS_SIZE} new browsers open").percentile(0.95)),
        Case("capacity", "cached move beside cold: p95", lambda: None, target=None,
             value=lambda: _row("cached moves beside").percentile(0.95, ("seen",))),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=list(STEADY_VISITORS))
    parser.add_argument("--seconds", type=float, default=STEADY_SECONDS)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--balancer", action="store_true", help="HAProxy in front of a single replica too")
    parser.add_argument("--no-bursts", action="store_true")
    parser.add_argument("--no-steady", action="store_true", help="only the class-arrives and later rows")
    parser.add_argument(
        "--memory-limit",
        type=float,
        metavar="MIB",
        help="run each server in a memory cgroup of this many MiB, as a container of that size (needs root)",
    )
    parser.add_argument("--workers", type=int, help="worker processes per server (0: compute in the server)")
    parser.add_argument(
        "--file-watcher", help='server.fileWatcherType for the servers ("auto": Streamlit\'s default)'
    )
    args = parser.parse_args()
    setup = ServerSetup(
        replicas=args.replicas,
        balanced=args.balancer,
        extra_args=(f"--server.fileWatcherType={args.file_watcher}",) if args.file_watcher else (),
        environment=((WORKERS_ENV, str(args.workers)),) if args.workers is not None else (),
        memory_limit=round(args.memory_limit * MIB) if args.memory_limit else None,
    )
    visitors = () if args.no_steady else tuple(args.visitors)
    rows = capacity_table(visitors, args.seconds, setup, bursts=not args.no_bursts)
    for row in rows:
        for error in row.exceptions[:3]:
            print(f"  {row.name}: {error[:200]}")
        slowest = sorted(row.records, key=lambda r: -r.run.seconds)[:5]
        print(
            f"  {row.name}, slowest: "
            + ", ".join(f"{r.page or 'home'} {r.action} {r.run.seconds:.1f} s" for r in slowest)
        )
        if len(row.records) > 40:
            print(f"  {row.name}, p95 by page (runs): {by_page(row)}")
    if args.replicas > 1 or args.balancer:
        spread = [len(r) for row in rows for r in row.replicas.values() if r]
        print(f"sessions that saw more than one replica: {sum(n > 1 for n in spread)} of {len(spread)}")
    print(f"median of the per-row p95: {statistics.median(r.percentile(0.95) for r in rows):.2f} s")


if __name__ == "__main__":
    main()
