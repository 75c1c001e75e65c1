"""AppTest fixtures: open a page of app.py (optionally from a link) with clean caches."""

import ast
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def registered_pages() -> list[str]:
    """The page scripts app.py passes to st.Page, read from its source."""
    tree = ast.parse(APP.read_text())
    scripts = (
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    )
    return list(dict.fromkeys(scripts))  # the home page is registered twice: at / and at /home


def page_url_paths() -> dict[str, str]:
    """Each registered page script → the URL path a browser opens it at ("" for the default
    page, which Streamlit serves at the app's root whatever its url_path)."""
    tree = ast.parse(APP.read_text())
    paths = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            keywords = {k.arg: k.value for k in node.keywords}
            default = isinstance(keywords.get("default"), ast.Constant) and keywords["default"].value is True
            url = keywords["url_path"].value if "url_path" in keywords else Path(node.args[0].value).stem
            # The default page's registration is its canonical path: home is "", not its alias "home".
            if default:
                paths[node.args[0].value] = ""
            else:
                paths.setdefault(node.args[0].value, url)
    return paths


def open_page(path: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Open ``path`` (default: the home page) in a new session, as a link with ``query`` would.

    Every page's url_path is its file name, so the page can be chosen before the first run.
    """
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if path is not None:
        at.switch_page(path)
    return at.run()


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data of every Vega-Lite chart on the page, one DataFrame per chart (all datasets joined)."""
    frames = []
    for element in at.get("vega_lite_chart"):
        datasets = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets]
        frames.append(pd.concat(datasets, ignore_index=True) if datasets else pd.DataFrame())
    return frames


def page_tables(at: AppTest) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each ``ui.table`` on the page, in order, as (its data, its text on screen): a table drawn as
    parts of its columns (in a container keyed ``display.TABLE_PARTS_KEY``) joined back into one,
    its row labels once. Cards (a phone's) are not tables here."""
    from explainer.ui.display import TABLE_PARTS_KEY

    whole: list[tuple[pd.DataFrame, pd.DataFrame]] = []

    def text(static) -> pd.DataFrame:
        """What the table writes: a Styler's display values, or a table of texts as it is."""
        if static.proto.arrow_data.styler.display_values:
            return convert_arrow_bytes_to_pandas_df(static.proto.arrow_data.styler.display_values)
        assert static.value.map(lambda value: isinstance(value, str)).all(axis=None), (
            "numbers go through the Styler"
        )
        return static.value

    def join(frames: list[pd.DataFrame]) -> pd.DataFrame:
        """The parts side by side, the row labels each part repeats (its leading columns) once."""
        labels = [c for c in frames[0].columns if all(c in f.columns for f in frames)]
        assert labels and all(list(f.columns[: len(labels)]) == labels for f in frames), (
            "each part begins with the row labels"
        )
        assert all(f[labels].equals(frames[0][labels]) for f in frames), "the same rows in every part"
        return pd.concat([frames[0], *(f.drop(columns=labels) for f in frames[1:])], axis=1)

    def walk(node) -> None:
        for child in node.children.values():
            if getattr(child, "type", None) == "table":
                if child.proto.hide_header:  # a phone's card
                    continue
                whole.append((child.value, text(child)))
            elif (getattr(child, "key", None) or "").startswith(TABLE_PARTS_KEY):
                parts = [t for t in child.table]
                assert len(parts) > 1, "a table is split into two tables or more"
                whole.append((join([t.value for t in parts]), join([text(t) for t in parts])))
            elif hasattr(child, "children"):
                walk(child)

    walk(at._tree)
    return whole


def presenter_points(at: AppTest) -> str | None:
    """The presenter view's talking points in the sidebar as one text, or None when the sidebar
    has no presenter section (a projected or ordinary page)."""
    if "Presenter" not in [h.value for h in at.sidebar.subheader]:
        return None
    return "\n".join(m.value for m in at.sidebar.markdown)


def share_link(at: AppTest) -> str:
    """The sidebar's link to the view, as a visitor reads it: its expander opened (a rerun),
    then the code block's text."""
    from explainer.ui.links import SHARE_KEY

    at.session_state[SHARE_KEY] = True
    at.run()
    return at.code[-1].value


def assert_clean(at: AppTest) -> None:
    """No exception element on the page."""
    assert not at.exception, [e.message for e in at.exception]


@pytest.fixture(autouse=True)
def clear_caches():
    from explainer.ui import remembered

    st.cache_data.clear()
    remembered.clear_all()
    yield


def trainings_counted(monkeypatch) -> list[tuple[str, ...]]:
    """The activations of each MLP comparison trained from now on (``fit_mlps_stream`` calls in
    this process: the page trains there when the server has no workers, as in these tests)."""
    import explainer.sklearn_mlp as sklearn_mlp

    trained: list[tuple[str, ...]] = []
    real = sklearn_mlp.fit_mlps_stream

    def counted(*args, **kwargs):
        trained.append(tuple(kwargs["activations"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(sklearn_mlp, "fit_mlps_stream", counted)
    return trained


def show_section(at: AppTest, labels: dict[str, str], section: str) -> AppTest:
    """Open ``section``'s tab (``labels``: the page's SECTION_LABELS, id → label), as a click on it
    does: a rerun with the tab's label as its value (none when it is open already)."""
    from benchmarks.bench_moves import open_tab

    open_tab(at, labels[section])
    return at


def each_section(at: AppTest, labels: dict[str, str]):
    """(section id, ``at`` with that tab open), for each tab of ``labels`` in the page's order."""
    for section in labels:
        yield section, show_section(at, labels, section)
