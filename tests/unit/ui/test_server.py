"""What a public server relies on: bounded caches, telemetry off, no tracebacks for visitors."""

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from explainer.ui import server, warmup

ROOT = Path(__file__).resolve().parents[3]


def _cache_decorators(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = ast.unparse(target)
                if name.endswith(("cache_data", "cache_resource")):
                    yield node.name, decorator


def test_every_streamlit_cache_is_bounded():
    found = []
    for module in [*(ROOT / "explainer" / "ui").glob("*.py"), *(ROOT / "app_pages").glob("*.py")]:
        found += list(_cache_decorators(module))
    assert found, "the app caches its computations"
    unbounded = [
        name
        for name, decorator in found
        if not isinstance(decorator, ast.Call) or "max_entries" not in {k.arg for k in decorator.keywords}
    ]
    assert unbounded == []


def test_public_server_configuration():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["scriptHealthCheckEnabled"] is True


def test_dockerfile_runs_as_non_root_on_port_env_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    assert "\nUSER " in dockerfile and "USER root" not in dockerfile
    # The check runs the app's script, which also starts the warm-up (explainer/ui/warmup.py).
    assert "HEALTHCHECK" in dockerfile and "/_stcore/script-health-check" in dockerfile
    assert "${PORT}" in dockerfile


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-test.txt"):
        lines = [line for line in (ROOT / name).read_text().splitlines() if line and not line.startswith("#")]
        assert lines and all("==" in line for line in lines), name


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "bash tools/test.sh" in readme
    assert "bash tools/test.sh\n" in (ROOT / ".ci" / "run").read_text()


def test_streamlits_private_chart_conversion_still_exists_and_keeps_data_as_arrow():
    # explainer.ui.chart caches specs built by this private function (streamlit pinned).
    import altair as alt
    import pandas as pd
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    spec = _convert_altair_to_vega_lite_spec(
        alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    )
    assert spec["mark"]["type"] == "point"
    assert all(isinstance(data, bytes) for data in spec["datasets"].values())


def test_importing_ui_leaves_process_settings_alone_until_the_app_configures_the_server():
    # A notebook that imports explainer.ui must keep its BLAS threads and the library's memory
    # limits; app.py applies the server's settings once, through server.configure().
    script = (
        "import json, explainer.ui, explainer.network as n\n"
        "from threadpoolctl import threadpool_info\n"
        "before = [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']\n"
        "limits = (n.CACHE_BYTES, n.WORKSPACE_BYTES)\n"
        "from explainer.ui import server\n"
        "server.configure()\n"
        "after = [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']\n"
        "configured = [n.CACHE_BYTES, n.WORKSPACE_BYTES]\n"
        "n.set_memory_limits(weights=1, workspace=1)\n"
        "server.configure()  # every later run of app.py: nothing is applied again\n"
        "again = [n.CACHE_BYTES, n.WORKSPACE_BYTES]\n"
        "print(json.dumps([before, limits, after, configured, again]))\n"
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    before, limits, after, configured, again = json.loads(out.stdout.strip().splitlines()[-1])
    assert before and all(threads == 2 for threads in before)
    assert list(limits) == [512 * 2**20, 256 * 2**20]  # the library's own defaults
    assert after and all(threads == 1 for threads in after)
    assert configured == [server.STORE_BYTES, server.STORE_BYTES]
    assert again == [1, 1]


def test_freezing_keeps_the_loaded_objects_out_of_the_collector_and_collects_the_garbage_first():
    # In a fresh process (this one's objects stay as they are): a cycle that is already garbage
    # is collected, not frozen; what is alive moves to the permanent generation, and a full
    # collection then walks only what was made since.
    script = (
        "import gc, json, weakref\n"
        "import explainer.ui\n"
        "from explainer.ui import server\n"
        "class Node: pass\n"
        "dead = Node(); dead.me = dead; probe = weakref.ref(dead); del dead\n"
        "alive = len(gc.get_objects())\n"
        "server.freeze_loaded_objects()\n"
        "frozen = gc.get_freeze_count()\n"
        "print(json.dumps([probe() is None, alive, frozen, len(gc.get_objects())]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    collected, alive, frozen, tracked_after = json.loads(out.stdout.strip().splitlines()[-1])
    assert collected, "the garbage cycle was collected before the freeze"
    assert frozen > 0.9 * alive > 50_000, "the loaded libraries' objects are frozen"
    assert tracked_after < 1_000, "the collector walks only what was made since"


def test_the_workers_start_once_the_run_that_asked_has_ended():
    """``warmup.after_this_run`` waits for the calling thread (the server's first script run) to end,
    so the workers' fork server does not take the cores that run is using."""
    import threading
    import time

    events: list[str] = []
    started = threading.Event()

    def first_run() -> None:
        warmup.after_this_run(lambda: events.append("workers"), "test")
        started.set()
        time.sleep(0.3)
        events.append("first run ended")

    run = threading.Thread(target=first_run)
    run.start()
    started.wait(5)
    run.join(5)
    deadline = time.monotonic() + 5
    while len(events) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert events == ["first run ended", "workers"]


def test_outside_a_script_run_the_workers_start_at_once():
    import threading

    done = threading.Event()
    warmup.after_this_run(done.set, "test").join(5)
    assert done.is_set()
