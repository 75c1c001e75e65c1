"""The warm-up's list of visits: every page of the app, then every named scene, as links."""

import ast
from pathlib import Path

from explainer import store
from explainer.ui import depth, initialization, mlp, playground, recurrent, training, warmup

ROOT = Path(__file__).resolve().parents[3]


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
    assert len(warmup.visits()) == len(warmup.visits(with_scenes=True)) > len(warmup.PAGES)


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
