"""A freshly started server visits its own pages once, so that its first visitors do not pay for
the process's first runs.

Measured with the protocol client (issue 14) on a freshly started server: the first open of the
home page took 2.6 s (imports of scipy, Altair's Vega-Lite schema, the first chart specs, the
worker processes starting) and each other page's first open 0.3–0.9 s; afterwards every page
opened in 0.05–0.1 s. So when the app's script first runs in a ``streamlit run`` server,
``start`` opens every page's default, then every named scene, one after another in the
background, each in an in-process session of its own on Streamlit's runtime
(``Runtime.connect_session``, as a new tab's websocket would). Scenes are visited only when the
precomputed store holds results (reading them is cheap); without it, a scene would be computed
in full by nobody's request. A visit whose page showed an exception, or took its scene out of its
link (the scene was not the one drawn), is logged as failed.

The app's script first runs when the first visitor arrives, or earlier when something asks
``/_stcore/script-health-check`` (``server.scriptHealthCheckEnabled`` in
.streamlit/config.toml): the load balancer's and the container's health checks do, so a replica
is warm before anyone is sent to it. The log says when the warm-up ended and what it visited.
``VANISHING_POINT_WARM_UP=0`` turns it off.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import os
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from streamlit.logger import get_logger

from .. import store

LOG = get_logger(__name__)
WARM_UP_ENV = "VANISHING_POINT_WARM_UP"
# The page modules of explainer.ui, each with its SCENES, by the url path app.py gives the page.
PAGES = {"": "home", "activations": "activations", "depth": "depth",
         "initialization": "initialization", "mlp": "mlp", "training": "training",
         "recurrent": "recurrent", "playground": "playground"}  # fmt: skip
# A visit that has not finished by then is abandoned (the warm-up goes on with the next).
VISIT_TIMEOUT_SECONDS = 120
# Waiting for Streamlit's runtime to exist and run (the script's first run can precede it only in
# the script-health check, by milliseconds).
RUNTIME_WAIT_SECONDS = 30
# The longest the warm-up waits for the script run that started it to end.
FIRST_RUN_WAIT_SECONDS = 60


@dataclass
class WarmUp:
    """What the warm-up visited: (url path, query) with the seconds each run took, and failures."""

    visits: list[tuple[str, str, float]] = field(default_factory=list)
    pages: set[str] = field(default_factory=set)  # the page script hashes the runs rendered
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        slowest = sorted(self.visits, key=lambda visit: -visit[2])[:3]
        return (
            f"Warm-up: {len(self.visits)} runs of {len(self.pages)} pages in {self.seconds:.1f} s, "
            f"{len(self.failures)} failed"
            + (f" ({'; '.join(self.failures)})" if self.failures else "")
            + "; slowest: "
            + ", ".join(
                f"/{path}{'?' + query if query else ''} {seconds:.2f} s" for path, query, seconds in slowest
            )
        )


_started = threading.Lock()


def enabled() -> bool:
    """Whether a server warms up (not with ``VANISHING_POINT_WARM_UP=0``)."""
    return os.environ.get(WARM_UP_ENV) != "0"


def visits(with_scenes: bool | None = None) -> list[tuple[str, str]]:
    """(url path, query string) of every page's default, then of every named scene when
    ``with_scenes`` (by default: when the precomputed store holds results)."""
    if with_scenes is None:
        with_scenes = store.version_dir().is_dir() and any(store.version_dir().iterdir())
    result = [(path, "") for path in PAGES]
    if with_scenes:
        for path, module in PAGES.items():
            scenes = importlib.import_module(f"{__package__}.{module}").SCENES
            result += [(path, f"preset={name}") for name in scenes]
    return result


def after_this_run(action: Callable[[], object], name: str) -> threading.Thread:
    """Call ``action`` in a background thread called ``name`` once the script run calling this
    has ended (at once outside a script run's thread)."""
    caller = threading.current_thread()

    def wait_then_act() -> None:
        if caller is not threading.main_thread():
            caller.join(timeout=FIRST_RUN_WAIT_SECONDS)
        action()

    thread = threading.Thread(target=wait_then_act, name=name, daemon=True)
    thread.start()
    return thread


def start(then: Callable[[], object] | None = None) -> WarmUp | None:
    """Begin the warm-up in a background thread, once per process, and call ``then`` (the
    workers' start) when its visits have ended, before it logs its end; the record it fills, or
    None when it had already begun or is turned off."""
    if not enabled() or not _started.acquire(blocking=False):
        return None
    record = WarmUp()
    # The run that called this (the first visitor's, or the health check's) goes first: visiting
    # pages beside it cost the first visitor about a second more (3.4–5.1 s instead of 2.8–4.0 s).
    after_this_run(lambda: _run(record, then), "vanishing-point-warm-up")
    return record


def _run(record: WarmUp, then: Callable[[], object] | None = None) -> None:
    """Wait for the runtime, run the visits on its event loop (where sessions live), then
    ``then`` unless the server is stopping."""
    stopping = False
    try:
        from streamlit.runtime import Runtime

        deadline = time.monotonic() + RUNTIME_WAIT_SECONDS
        while not Runtime.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        runtime = Runtime.instance()
        # Private: the loop the runtime's sessions run on. Without it there is no warm-up, and
        # the app works as before (the log says why).
        loop = runtime._get_async_objs().eventloop
        asyncio.run_coroutine_threadsafe(_visit_all(runtime, record), loop).result()
    except concurrent.futures.CancelledError:
        stopping = True
        record.failures.append("stopped with the server")
    except Exception as error:  # the warm-up only saves time; it must never break the server
        record.failures.append(f"warm-up stopped: {type(error).__name__}: {error}")
    finally:
        if then is not None and not stopping:
            try:
                then()
            except Exception as error:  # a visitor's computation starts the workers itself
                record.failures.append(f"after the warm-up: {type(error).__name__}: {error}")
        LOG.info(record.summary())
        # What the visits loaded (Altair's schema, the charts' specs, the lazily imported
        # elements) now lives as long as the server: out of the cycle collector's walks too.
        from .server import freeze_loaded_objects

        freeze_loaded_objects()


class _Client:
    """A warm-up visit's end of the connection: it keeps what says a run has ended and the link
    the page left in the address bar."""

    def __init__(self, query: str = "") -> None:
        self.finished = asyncio.Event()
        self.exceptions = 0
        self.page = ""
        self.query_string = query

    def write_forward_msg(self, message) -> None:
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self.exceptions += message.delta.new_element.WhichOneof("type") == "exception"
        elif kind == "navigation":
            self.page = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "script_finished":
            self.finished.set()

    @property
    def client_context(self) -> None:
        return None


async def _visit_all(runtime, record: WarmUp) -> None:
    started = time.perf_counter()
    try:
        for path, query in visits():
            await _visit(runtime, record, path, query)
    finally:
        record.seconds = time.perf_counter() - started


async def _visit(runtime, record: WarmUp, path: str, query: str) -> None:
    """One link opened in a session of its own, as in a new tab. In one session for them all, a
    scene's link after another page was a page switch, which drops the left page's settings
    (``?preset`` among them), and a second scene of a page was a change of its settings: every
    scene was visited at its page's defaults, and none of them warmed."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    client = _Client(query)
    session_id = runtime.connect_session(client=client, user_info={})
    try:
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = path
        visit_started = time.perf_counter()
        runtime.handle_backmsg(session_id, message)
        try:
            await asyncio.wait_for(client.finished.wait(), VISIT_TIMEOUT_SECONDS)
        except TimeoutError:
            record.failures.append(f"/{path}?{query} did not finish in {VISIT_TIMEOUT_SECONDS} s")
            return
        record.visits.append((path, query, time.perf_counter() - visit_started))
        record.pages.add(client.page)
        if client.exceptions:
            record.failures.append(f"/{path}?{query} showed {client.exceptions} exception(s)")
        kept = set(urllib.parse.parse_qsl(client.query_string))
        if not set(urllib.parse.parse_qsl(query)) <= kept:
            record.failures.append(f"/{path}?{query} left its link as ?{client.query_string}")
    finally:
        runtime.close_session(session_id)
