"""The warm-up's list of visits: every page of the app, then every named scene, as links."""

import ast
from pathlib import Path

from benchmarks.live import run_in_thread
from explainer import store
from explainer.ui import depth, initialization, mlp, playground, recurrent, training, warmup

ROOT = Path(__file__).resolve().parents[3]
ALL_VISITS = warmup.visits(with_scenes=True)


def _app_url_paths() -> set[str]:
    """The url paths app.py gives its pages."""
    tree = ast.parse((ROOT / "app.py").read_text())
    return {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.Page"
        for keyword in node.keywords
        if keyword.arg == "url_path"
    }


def test_the_warm_up_visits_every_page_of_the_app_first():
    assert set(warmup.PAGES) == _app_url_paths() - {"home"}  # /home: the home page again
    first = warmup.visits(with_scenes=True)[: len(warmup.PAGES)]
    assert first == [(path, "") for path in warmup.PAGES]
    assert first[0] == ("", "")  # home, where most visitors arrive


def test_the_warm_up_visits_every_named_scene_by_its_link():
    scenes = {(path, query) for path, query in warmup.visits(with_scenes=True) if query}
    expected = {
        (path, f"preset={name}")
        for path, module in (
            ("depth", depth),
            ("initialization", initialization),
            ("mlp", mlp),
            ("training", training),
            ("recurrent", recurrent),
            ("playground", playground),
        )
        for name in module.SCENES
    }
    assert scenes == expected and len(expected) >= 15


def test_scenes_are_visited_only_when_the_store_holds_results(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path))
    assert warmup.visits() == [(path, "") for path in warmup.PAGES]
    store.version_dir().mkdir(parents=True)
    (store.version_dir() / "entry.pkl").write_bytes(b"")
    assert len(warmup.visits()) == len(ALL_VISITS) > len(warmup.PAGES)


def test_the_warm_up_is_off_outside_a_server_and_when_turned_off(monkeypatch):
    # Page tests and the precompute run the pages through AppTest: no server, no warm-up.
    assert not warmup._started.locked()
    monkeypatch.setenv(warmup.WARM_UP_ENV, "0")
    assert warmup.start() is None and not warmup._started.locked()


def test_what_follows_the_warm_up_runs_even_when_the_warm_up_fails(monkeypatch):
    # Without a Streamlit runtime the visits cannot run; the workers must still be started.
    from explainer.ui import server

    monkeypatch.setattr(warmup, "RUNTIME_WAIT_SECONDS", 0.1)
    monkeypatch.setattr(server, "freeze_loaded_objects", lambda: None)  # not this test process's objects
    called = []
    record = warmup.WarmUp()
    warmup._run(record, lambda: called.append(True))
    assert called == [True]
    assert record.failures and record.failures[0].startswith("warm-up stopped")


class StandInRuntime:
    """Streamlit's runtime as the warm-up uses it: each run ends at once; the page named in
    ``drops`` takes ``?preset`` out of its link, as a page that did not draw the scene does."""

    def __init__(self, drops: str = ""):
        self.drops = drops
        self.clients: dict[str, warmup._Client] = {}
        self.runs: list[tuple[str, str, str]] = []  # (session, page, query)
        self.closed: list[str] = []

    def connect_session(self, client, user_info):
        session_id = f"session-{len(self.clients)}"
        self.clients[session_id] = client
        return session_id

    def handle_backmsg(self, session_id, message):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        page, query = message.rerun_script.page_name, message.rerun_script.query_string
        self.runs.append((session_id, page, query))
        client = self.clients[session_id]
        if page == self.drops and query:
            changed = ForwardMsg()
            changed.page_info_changed.query_string = ""
            client.write_forward_msg(changed)
        finished = ForwardMsg()
        finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
        client.write_forward_msg(finished)

    def close_session(self, session_id):
        self.closed.append(session_id)


def test_each_visit_opens_its_link_in_a_session_of_its_own(monkeypatch):
    # In one session for all visits, a scene's link after another page was a page switch (which
    # drops the left page's settings, ?preset among them): no scene was ever warmed.
    monkeypatch.setattr(warmup, "visits", lambda: ALL_VISITS)
    runtime, record = StandInRuntime(), warmup.WarmUp()
    # In a thread of its own: the browser tests' Playwright keeps an event loop running here.
    run_in_thread(warmup._visit_all(runtime, record))
    sessions = [session for session, _, _ in runtime.runs]
    assert len(set(sessions)) == len(sessions) == len(ALL_VISITS)
    assert runtime.closed == sessions
    assert [(page, query) for _, page, query in runtime.runs] == ALL_VISITS
    assert record.failures == [] and len(record.visits) == len(sessions)


def test_a_scene_whose_page_takes_it_out_of_the_link_is_a_failed_visit(monkeypatch):
    monkeypatch.setattr(warmup, "visits", lambda: ALL_VISITS)
    runtime, record = StandInRuntime(drops="recurrent"), warmup.WarmUp()
    # In a thread of its own: the browser tests' Playwright keeps an event loop running here.
    run_in_thread(warmup._visit_all(runtime, record))
    failed = [f for f in record.failures if "left its link" in f]
    assert len(failed) == len(recurrent.SCENES)
    assert all(f.startswith("/recurrent?preset=") for f in failed)
