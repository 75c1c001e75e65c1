"""A new user's path: `pip install` the repository into a fresh venv outside it, then run
examples/depth_in_a_notebook.ipynb top to bottom in a fresh kernel of that venv.

The venv gets the package with its "charts" extra but not Streamlit, so this also checks that the
math and the charts need no Streamlit. The notebook's printed numbers are compared with what
``explainer`` computes in this test's own process for the same settings.
"""

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import explainer

REPOSITORY = Path(__file__).resolve().parents[2]
NOTEBOOK = REPOSITORY / "examples" / "depth_in_a_notebook.ipynb"
# Installing numpy, pandas, scipy, scikit-learn, altair and Jupyter's kernel takes about a minute.
INSTALL_TIMEOUT = 600

# Run with the venv's python: ipykernel installed there provides the "python3" kernel spec, and
# jupyter_client starts it with this same interpreter.
RUN_NOTEBOOK = """
import sys

import nbformat
from nbclient import NotebookClient

source, target, workdir = sys.argv[1:4]
nb = nbformat.read(source, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": workdir}}).execute()
nbformat.write(nb, target)
"""


def _test_pins(*names: str) -> list[str]:
    """The pinned requirements of requirements-test.txt for these distributions."""
    lines = (REPOSITORY / "requirements-test.txt").read_text().splitlines()
    pins = [line.strip() for line in lines if line.split("==")[0].strip() in names]
    assert len(pins) == len(names), f"expected pins for {names} in requirements-test.txt, found {pins}"
    return pins


def _user_env(venv: Path, store: Path) -> dict[str, str]:
    """This environment as a user's shell with the venv activated: nothing points into the clone."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VANISHING_POINT_STORE"] = str(store)  # a store of its own, never a developer's
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert done.returncode == 0, (
        f"{args} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


# What a build can leave in a source tree: setuptools' build/ and *.egg-info, a built dist/,
# an editable install's hooks. A set of patterns, not `git status`: others may add files meanwhile.
BUILD_LEFTOVERS = ("build", "dist", ".eggs", "*.egg-info", "*.dist-info", "*.whl", "__editable__*", "*.pth")


def _leftovers() -> set[str]:
    """Build artefacts in the repository's top folder and in the package's."""
    folders = (REPOSITORY, REPOSITORY / "explainer")
    return {str(p) for folder in folders for pattern in BUILD_LEFTOVERS for p in folder.glob(pattern)}


def _new_venv(root: Path) -> tuple[Path, Path, dict[str, str]]:
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=INSTALL_TIMEOUT)
    return venv, venv / "bin" / "python", _user_env(venv, root / "store")


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    """A fresh venv with `pip install <repository>[charts]` and the notebook runner."""
    root = tmp_path_factory.mktemp("user")
    before = _leftovers()
    venv, python, env = _new_venv(root)
    pins = _test_pins("nbclient", "nbformat", "ipykernel")
    _run([str(python), "-m", "pip", "install", f"{REPOSITORY}[charts]", *pins], root, env)
    return {"root": root, "venv": venv, "python": python, "env": env, "new_files": _leftovers() - before}


@pytest.fixture(scope="module")
def executed(user):
    """The notebook run top to bottom in the venv's kernel: the outputs of each code cell, by id."""
    work = user["root"] / "work"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    (user["root"] / "run_notebook.py").write_text(RUN_NOTEBOOK)
    runner = [str(user["python"]), str(user["root"] / "run_notebook.py")]
    _run([*runner, NOTEBOOK.name, "executed.ipynb", str(work)], work, user["env"])
    nb = json.loads((work / "executed.ipynb").read_text())
    outputs = {cell["id"]: cell["outputs"] for cell in nb["cells"] if cell["cell_type"] == "code"}
    return {"work": work, "outputs": outputs}


def _stdout(executed, cell_id: str) -> str:
    return "".join(
        "".join(out["text"])
        for out in executed["outputs"][cell_id]
        if out["output_type"] == "stream" and out["name"] == "stdout"
    )


def test_the_package_installs_without_streamlit_and_imports_from_the_venv(user):
    python, env, root = str(user["python"]), user["env"], user["root"]
    no_streamlit = subprocess.run(
        [python, "-c", "import streamlit"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert no_streamlit.returncode != 0
    assert "No module named 'streamlit'" in no_streamlit.stderr
    found = _run([python, "-c", "import explainer, explainer.charts; print(explainer.__file__)"], root, env)
    location = found.stdout.strip()
    assert _inside(location, user["venv"]), location
    assert not _inside(location, REPOSITORY), location


def test_installing_leaves_no_files_in_the_repository(user):
    assert user["new_files"] == set()


def test_the_notebook_runs_in_the_venvs_kernel_without_errors_or_warnings(user, executed):
    outputs = [out for cell in executed["outputs"].values() for out in cell]
    errors = [out for out in outputs if out["output_type"] == "error"]
    assert errors == [], [f"{e['ename']}: {e['evalue']}" for e in errors]
    stderr = [out for out in outputs if out["output_type"] == "stream" and out["name"] == "stderr"]
    assert stderr == [], stderr
    where = dict(line.split(": ", 1) for line in _stdout(executed, "where").splitlines())
    assert Path(where["python prefix"]).resolve() == user["venv"].resolve()
    assert _inside(where["explainer"], user["venv"]), where


@pytest.fixture(scope="module")
def tanh_here():
    """CS231n's tanh network (10 layers of 500, weights N(0, 0.01²)), computed in this process."""
    run = explainer.DEPTH_PRESETS["cs231n_tanh"].runs[0]
    assert (run.activation, run.depth, run.width, run.batch) == ("tanh", 10, 500, 1000)
    assert explainer.INITIALIZERS[run.init].std(run.width, run.width) == pytest.approx(0.01)
    return explainer.layer_statistics(
        run.activation, depth=run.depth, width=run.width, init=run.init, batch=run.batch, seed=0
    )


def test_the_tanh_activations_collapse_as_layer_statistics_prints_them(executed, tanh_here):
    expected = [f"{row.layer:5d}  {row.activation_std:.4e}" for row in tanh_here.itertuples()]
    printed = [line for line in _stdout(executed, "tanh").splitlines() if re.match(r"\s*\d+\s", line)]
    assert printed == expected
    stds = [float(line.split()[1]) for line in printed]
    assert stds[-1] < 1e-5 * stds[0]
    assert all(b < a for a, b in itertools.pairwise(stds))


def test_the_slides_number_is_printed_beside_our_re_run(executed, tanh_here):
    line = _stdout(executed, "slides").strip()
    assert "source 0.213081" in line
    assert f"ours {tanh_here['activation_std'].iloc[0]:.6f}" in line
    he = _stdout(executed, "relu-slides")
    for published in ("0.825232", "0.834092", "0.844523"):
        assert f"source {published}" in he


def test_xavier_shrinks_relu_activations_and_gradients_while_he_keeps_them_flat(executed):
    rows = {}
    for line in _stdout(executed, "relu").splitlines():
        if re.match(r"\s*\d+\s", line):
            layer, *values = line.split()
            rows[int(layer)] = [float(v) for v in values]
    assert sorted(rows) == [1, 5, 10, 20, 30]
    xavier_act, he_act, xavier_grad, he_grad = (
        [rows[layer][column] for layer in sorted(rows)] for column in range(4)
    )
    assert xavier_act[-1] < 1e-3 * xavier_act[0]
    assert all(b < a for a, b in itertools.pairwise(xavier_act))
    assert xavier_grad[0] < 1e-3 * xavier_grad[-1]  # the gradient dies on its way down to the input
    for flat in (he_act, he_grad):
        assert min(flat) > 0.5 and max(flat) < 2 * min(flat), flat


def test_the_tanh_gains_line_shows_torchs_five_thirds_beside_forward_and_backward(executed):
    line = _stdout(executed, "gains").strip()
    forward, backward = explainer.gain("tanh", "forward"), explainer.gain("tanh", "backward")
    assert line == f"tanh gain: torch {5 / 3:.4f}  forward {forward:.4f}  backward {backward:.4f}"
    assert "torch 1.6667" in line


def test_the_chart_is_displayed_and_saved_as_vega_html(executed):
    results = [out for out in executed["outputs"]["chart"] if out["output_type"] == "execute_result"]
    assert len(results) == 1
    assert any("vega" in "".join(v) for k, v in results[0]["data"].items() if k != "text/plain")
    saved = executed["work"] / "curves.html"
    assert saved.exists()
    assert "vega" in saved.read_text()


def test_the_typed_activations_properties_are_printed_as_computed_here(executed):
    mish = explainer.parse_activation("x * tanh(softplus(x))")
    here = explainer.activation_properties(explainer.Chosen(mish))
    printed = _stdout(executed, "typed").splitlines()
    assert printed == [f"{name}: {value}" for name, value in here.items()]
    assert "output range: [−0.309, ∞)" in printed


def test_an_editable_install_imports_from_the_repository(tmp_path):
    before = _leftovers()
    _, python, env = _new_venv(tmp_path)
    _run([str(python), "-m", "pip", "install", "-e", str(REPOSITORY)], tmp_path, env)
    found = _run([str(python), "-c", "import explainer; print(explainer.__file__)"], tmp_path, env)
    assert Path(found.stdout.strip()).resolve() == REPOSITORY / "explainer" / "__init__.py"
    assert _leftovers() - before == set()
