"""What imports what: ``import explainer`` stays free of Streamlit and Altair, only ``explainer.ui``
imports streamlit, only ``explainer.charts`` imports altair, and the old import paths still work."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "explainer"


def _type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (bare or as ``typing.TYPE_CHECKING``): imports there never run."""
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imported_roots(path: Path) -> set[str]:
    """The top-level packages a module imports when it runs, anywhere in it (inside functions
    too), leaving out the imports made for type checkers only."""
    roots = set()
    pending = [ast.parse(path.read_text(encoding="utf-8"))]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        if _type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return roots


def test_imports_for_type_checkers_only_are_not_counted(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import altair\ndef f():\n    import streamlit\n"
    )
    assert _imported_roots(module) == {"typing", "streamlit"}


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_importing_explainer_loads_neither_streamlit_nor_altair():
    code = "import explainer, sys; print(sorted({'streamlit', 'altair'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_only_the_ui_package_imports_streamlit_and_only_the_charts_package_altair(path):
    parts = path.relative_to(PACKAGE).parts
    roots = _imported_roots(path)
    if parts[0] != "ui":
        assert "streamlit" not in roots
    if parts[0] != "charts":
        assert "altair" not in roots


def test_the_scan_sees_the_packages_that_may_import_them():
    assert "altair" in _imported_roots(PACKAGE / "charts" / "theme.py")
    assert any("streamlit" in _imported_roots(path) for path in (PACKAGE / "ui").glob("*.py"))


def test_the_old_module_paths_a_notebook_may_use_still_hold_their_names():
    # explainer.network.path_products is public (the README's table); explainer.training and
    # explainer.charts keep every name they exported before the split into nn/, lessons/, charts/.
    from explainer import charts, network, training
    from explainer.charts import depth
    from explainer.lessons.depth import profiles
    from explainer.nn import loop, model

    assert network.path_products is profiles.path_products
    assert training.train is loop.train and training.ModelState is model.ModelState
    assert charts.decade_lines is depth.decade_lines and charts.phase_heatmap is depth.phase_heatmap
