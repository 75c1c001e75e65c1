"""The README's table of every page's URL settings and scenes, written from the pages' PARAMS
tables (``python -m explainer.ui.reference`` prints it; a test keeps the README equal to it)."""

from __future__ import annotations

import importlib

from ..activations import ACTIVATIONS
from ..datasets import DATASETS
from ..initializers import INITIALIZERS
from .widgets import Param

# Page module → its address, as app.py registers it.
PAGE_PATHS = {
    "home": "/",
    "activations": "/activations",
    "depth": "/depth",
    "initialization": "/initialization",
    "mlp": "/mlp",
    "training": "/training",
    "recurrent": "/recurrent",
    "playground": "/playground",
}
START, END = "<!-- url-table:start -->", "<!-- url-table:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _accepted(param: Param) -> str:
    """What a link may give: a registry's choices by the registry's name, else ``Param.accepted``."""
    for name, registry in (
        ("ACTIVATIONS", ACTIVATIONS),
        ("INITIALIZERS", INITIALIZERS),
        ("DATASETS", DATASETS),
    ):
        if param.options and set(param.options) == set(registry):
            repeated = ", repeated (one per choice)" if param.widget == "multiselect" else ""
            return f"a key of `{name}` or its label{repeated}"
    return param.accepted()


def _rows(param: Param) -> str:
    return f"| `{param.url}` | {_cell(param.label)} | `{_cell(param.shown_default())}` | {_cell(_accepted(param))} |"


def page_params(name: str) -> list[Param]:
    """Every setting page ``name`` may take from a link, in the order of its PARAMS table (the
    activations page adds one slider per parameter of the registry's activations)."""
    page = importlib.import_module(f".{name}", __package__)
    params = list(page.PARAMS.values())
    if hasattr(page, "parameter_params"):
        params += [param for _, _, param in page.parameter_params(list(ACTIVATIONS))]
    return params


def url_table() -> str:
    """Markdown: per page, its settings (URL name, label, default, what a link may give) and scenes."""
    parts = [START]
    for name, path in PAGE_PATHS.items():
        page = importlib.import_module(f".{name}", __package__)
        scenes = ", ".join(f"`{s}`" for s in page.SCENES) or "none"
        sections = ", ".join(f"`{s}`" for s in getattr(page, "SECTION_LABELS", {}))
        tabs = (
            f"; sections, one open at a time (`?section=…`, the first by default): {sections}"
            if sections
            else ""
        )
        parts += [
            "",
            f"**`{path}`** — scenes (`?preset=…`): {scenes}{tabs}",
            "",
            "| URL name | setting | default | a link may give |",
            "|---|---|---|---|",
            *(_rows(p) for p in page_params(name)),
        ]
    parts += ["", END]
    return "\n".join(parts)


if __name__ == "__main__":
    print(url_table())
