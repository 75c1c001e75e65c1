"""Every named scene opened on a freshly started server, timed by the protocol client: the
server's part of ``bench_live_moves``' fresh-server rows, without the browser (issue 13's budget
is 2 s to a complete page).

Three moments a visitor can arrive:
- **first**: a new server per scene, and nothing has asked it anything: the visitor's link is
  the server's first run (a lecturer's ``streamlit run app.py`` with no health check).
- **at once**: a new server per scene; the visitor opens the scene's link as soon as the server
  answers its script-health check (when the container's health check would first pass, i.e.
  the earliest a balancer sends anyone). The warm-up that check started is still running.
- **after the warm-up**: a new server per page; each scene's link is opened by a new visitor
  once the server has logged the end of its warm-up (the lecturer started it before the class).

``VANISHING_POINT_WARM_UP=0 python -m benchmarks fresh`` measures the same without the warm-up
(the "after" rows then follow the health check at once, like the first). The server reads the
store that ``python -m explainer.ui.precompute`` fills; the group's name says how many results
it held.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from explainer.ui import warmup

from .bench_live_moves import SCENE_BUDGET, SCENE_PAGES
from .common import Case, stored_entries
from .live import Server, run_in_thread
from .protocol import Visitor


def _scenes() -> list[tuple[str, str]]:
    return [(page, name) for page in SCENE_PAGES for name in import_module(f"explainer.ui.{page}").SCENES]


def _open(server: Server, page: str, scene: str) -> float:
    """Seconds from a new visitor's rerun request for the scene's link to its script finishing."""

    async def visit() -> float:
        async with Visitor(server.url, timeout=300) as visitor:
            run = await visitor.open(page, f"preset={scene}")
        if run.status != "finished":
            raise RuntimeError(f"{page}?preset={scene}: {run.status} {run.exceptions}")
        return run.seconds

    return run_in_thread(visit())


def _each_on_a_new_server(check_script: bool) -> dict[tuple[str, str], float]:
    result = {}
    for page, scene in _scenes():
        server = Server(check_script=check_script)
        try:
            result[(page, scene)] = _open(server, page, scene)
        finally:
            server.stop()
    return result


@cache
def first() -> dict[tuple[str, str], float]:
    return _each_on_a_new_server(check_script=False)


@cache
def at_once() -> dict[tuple[str, str], float]:
    return _each_on_a_new_server(check_script=True)


@cache
def after_warm_up() -> dict[tuple[str, str], float]:
    result = {}
    for page in SCENE_PAGES:
        server = Server()
        try:
            if warmup.enabled():
                print(f"  {page}: {server.warm_up_line().split('Warm-up: ')[1]}", flush=True)
            for scene in import_module(f"explainer.ui.{page}").SCENES:
                result[(page, scene)] = _open(server, page, scene)
        finally:
            server.stop()
    return result


def cases() -> list[Case]:
    store = f"store {stored_entries()}" + ("" if warmup.enabled() else ", no warm-up")
    result = []
    for when, times in (("first", first), ("at once", at_once), ("after warm-up", after_warm_up)):
        for key in _scenes():
            result.append(
                Case(f"fresh {when}, {store}", f"{key[0]}?preset={key[1]}", run=lambda: None,
                     target=SCENE_BUDGET, value=lambda k=key, t=times: t()[k])
            )  # fmt: skip
    return result
