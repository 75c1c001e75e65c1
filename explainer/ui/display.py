"""Putting things on the page: prose, presenter notes, tables and charts with their CSV, links
to other pages, text typed by a visitor made safe."""

from __future__ import annotations

import contextvars
import functools
import html
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

if TYPE_CHECKING:  # a chart builder's return type; Streamlit itself imports altair
    import altair as alt

from ..charts.mlp import heatmap_rows, heatmap_template
from ..charts.theme import fill_slots, narrow_legends, stacks
from ..curves import markdown_escape
from . import presenter
from .viewport import screen
from .widgets import LECTURE_ROOT_PX, lecture_mode


def prose(text: str, title: str = "Explanation") -> None:
    """Explanatory text: shown in place, or folded into an expander in lecture mode."""
    if lecture_mode():
        with st.expander(title):
            st.markdown(text)
    else:
        st.markdown(text)


def section_header(tab: Any, lesson: str | None = None, **prose_options: Any) -> None:
    """When ``tab`` (a ``SectionTab`` of ``section_tabs``) is open, its section's numbered header
    and prose ``lesson``. A closed tab shows neither."""
    if not tab.open:
        return
    st.header(tab.heading)
    if lesson:
        prose(lesson, **prose_options)


def presenter_notes(points: Sequence[str]) -> None:
    """Talking points written from the numbers on screen, with the page's scenes: in the
    presenter view's sidebar only (``presenter.show``), never on the projected page."""
    presenter.show(points)


def download_csv(frame: pd.DataFrame, name: str, label: str = "Download data (CSV)") -> None:
    """A download button with ``frame`` as CSV."""
    st.download_button(
        label,
        # Written only when clicked: a CSV on every rerun would cost time no one asked for.
        lambda: frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        icon=":material/download:",
        # No rerun on click: it recomputed the page for nothing, and it could swallow the file.
        # The click sends the rerun and the file's request together; Streamlit queues the file's
        # address for the browser, and a full run's start empties that queue of all but its
        # lifecycle messages, so the browser never heard back (nothing logged, no download).
        on_click="ignore",
    )


# Built chart specs by builder and key, across every page: a few hundred kB each at most.
CHART_SPEC_ENTRIES = 256
# Entries of a page's cached computations (a run pickles to tens of kB).
CACHE_ENTRIES = 64


def _plain(value: Any) -> Any:
    """``value`` for a cache key: a DataFrame stands in as its shape (the key's settings fix its
    rows), a list as a tuple, everything else as itself."""
    if isinstance(value, pd.DataFrame):
        return ("frame", value.shape)
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    return value


@st.cache_data(max_entries=CHART_SPEC_ENTRIES, show_spinner=False)
def _chart_spec(name: str, key: tuple, _build: Callable[[], alt.TopLevelMixin]) -> dict:
    """The Vega-Lite spec of ``_build()`` exactly as ``st.altair_chart`` would send it (theme
    "none", datasets as Arrow), built once per ``name`` and ``key``."""
    # Streamlit's own conversion, under the lock that guards Altair's global data transformers.
    # It is private API: requirements.txt pins streamlit, and a unit test checks it is there.
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    built = _build()
    # Altair checks the whole spec against the Vega-Lite JSON schema on every to_dict: about four
    # fifths of the conversion. The builders' unit tests validate every chart they build; here the
    # same spec is converted unchecked (the output is identical, tested in tests/unit/ui).
    # (Altair's own setattr would take "to_dict" for a Vega-Lite property.)
    object.__setattr__(built, "to_dict", functools.partial(built.to_dict, validate=False))
    return _convert_altair_to_vega_lite_spec(built)


def chart(
    build: Callable[..., alt.TopLevelMixin],
    *args: Any,
    name: str,
    data: pd.DataFrame,
    key: Any = None,
    datasets: Mapping[str, pd.DataFrame] | None = None,
    chart_key: str | None = None,
    on_select: Callable[[], None] | None = None,
    selection_mode: str | None = None,
    fill: Mapping[str, Any] | None = None,
    spec_name: str | None = None,
    **kwargs: Any,
) -> None:
    """The chart ``build(*args, **kwargs)`` (a builder from ``explainer.charts``), with ``data``
    downloadable as CSV; PNG comes from the chart's own toolbar.

    Building and validating an Altair chart costs 10–600 ms, often more than the rest of a rerun,
    so a page may pass ``key``: plain values that fix everything the chart shows (the settings its
    data was computed from, lecture mode, …). The built spec is then cached under the builder,
    ``name``, ``key`` and the builder's arguments (a DataFrame argument counts by its shape only:
    ``key`` fixes its rows). A chart built on named data (``alt.NamedData``) gets fresh
    ``datasets`` each run. ``on_select`` and ``selection_mode`` make a selection call back, as in
    ``st.altair_chart``. ``fill`` names what the slots of a slotted template stand for
    (``charts.fill_slots``), filled in after the cached spec is read. ``spec_name`` (default
    ``name``) is the name the spec is cached under: charts that differ only in their named data,
    such as a training's successive frames and its final chart, share one spec.
    """
    chart_key = chart_key or f"chart_{name}"
    selection = {} if on_select is None else {"on_select": on_select, "selection_mode": selection_mode}
    stacked = stacks(screen())  # legends below, one entry a line
    if key is None and datasets is None and not stacked:
        st.altair_chart(build(*args, **kwargs), key=chart_key, **selection)
        download_csv(data, name)
        return
    if key is None and datasets is None:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

        spec = _convert_altair_to_vega_lite_spec(build(*args, **kwargs))
    else:
        spec_key = (
            f"{build.__module__}.{build.__qualname__}",
            _plain(key),
            tuple(_plain(a) for a in args),
            _plain(kwargs),
        )
        spec = _chart_spec(spec_name or name, spec_key, lambda: build(*args, **kwargs))
        if fill is not None:
            spec = fill_slots(spec, fill)
        if datasets is not None:
            spec["datasets"] = dict(datasets)
    if stacked:
        spec = narrow_legends(spec)
    st.vega_lite_chart(spec=spec, key=chart_key, **selection)
    download_csv(data, name)


def heatmap(
    data: pd.DataFrame, x: str, y: str, value: str, *, rows: str, name: str, lecture: bool, **titles: str
) -> None:
    """``charts.heatmap`` of ``data`` (one block per value of ``rows``) drawn as its template:
    the spec is built once per set of blocks and cell spacing, the rows are sent on every run, so
    a new setting costs no Altair work (~15-30 ms a heatmap)."""
    frame, shape = heatmap_rows(data, x, value, rows=rows)
    template_chart(
        heatmap_template,
        frame,
        x,
        y,
        value,
        rows=rows,
        **shape,
        **titles,
        lecture=lecture,
        name=name,
        data=data,
    )


def template_chart(
    template: Callable[..., alt.TopLevelMixin],
    rows: pd.DataFrame,
    /,
    *args: Any,
    name: str,
    data: pd.DataFrame,
    lecture: bool,
    **kwargs: Any,
) -> None:
    """``chart`` of ``template(*args, **kwargs)``, a builder whose chart reads its rows by name
    ("data"), given ``rows``: its spec is built once for those arguments, for this screen and
    lecture mode, and each run only sends its rows. ``data`` is the CSV download."""
    chart(
        template,
        *args,
        **kwargs,
        lecture=lecture,
        screen=screen(),
        name=name,
        data=data,
        datasets={"data": rows.reset_index(drop=True)},
    )


def computed(function: Callable[..., Any], text: str, **kwargs: Any) -> tuple[Any, str | None]:
    """``function(**kwargs)`` (a cached computation taking ``_progress``) with a progress bar
    while it runs: (the result, None), or (None, the reason) when the explainer refuses the input.
    A cache hit returns at once and draws no bar: only a computation calls the progress callback."""
    bar = st.empty()
    # st.cache_data records each element drawn while the cached function runs, to replay it on a
    # cache hit, and a hit then fails for a bar created outside the function. Drawing the bar in
    # the context captured here, outside the function, keeps it out of the record.
    outside = contextvars.copy_context()

    def progress(fraction: float) -> None:
        shown = min(1.0, max(0.0, fraction))
        outside.run(bar.progress, shown, text=f"{text}: {shown:.0%}")

    try:
        return function(**kwargs, _progress=progress), None
    except ValueError as error:
        return None, str(error)
    finally:
        bar.empty()


def table_number(value: float) -> str:
    """A number as a table shows it: at most four decimals, no trailing zeros (87, 0.071, 7.106),
    and three significant digits where that would hide it (3e-09, 1.23e+15)."""
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e15):
        return f"{value:.3g}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


# A static table's narrowest layout, estimated: a header or a cell breaks only between words, so
# each column is as wide as its longest word, header included, at this many pixels a character of
# the 14-px type, plus the cell's padding. A page's width for a table: a phone's 358 px (a 390-px
# screen less its margins), the centred layout's 704 px, and in lecture mode's wide layout (24-px
# type) about 900 px beside the sidebar at 1280 px, 1,400 at 1920; a column narrower than the
# laptop's ("compact") is reckoned at its narrowest, a 769-px window's beside the sidebar.
TABLE_CHAR_PX, TABLE_CELL_PADDING_PX, BODY_TYPE_PX = 8, 16, 14
TABLE_PAGE_PX = {"narrow": 358, "compact": 437, "regular": 704, "wide": 704}
LECTURE_TABLE_PAGE_PX = {"narrow": 358, "compact": 373, "regular": 900, "wide": 1400}
# A table too wide for the page is split, on a laptop or a projector, into tables of its row
# labels and as many of its other columns as fit (in a container keyed TABLE_PARTS_KEY + its
# name). For the split a column is reckoned as wide as its longest word, header included, or its
# longest text up to TABLE_COMFORT_CHARS characters, whichever is wider: a header breaks between
# words, a long cell wraps onto two or three lines, not one a word.
TABLE_COMFORT_CHARS = 14
TABLE_PARTS_KEY = "vp_table_parts_"
# The key of the container around a part of a table that does not fit even so: one column too
# wide beside the row labels (``widgets.page_styles`` lets its cells break words).
SQUEEZED_KEY = "vp_squeezed_table_"


def table_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s cells as a table writes them: floats by ``table_number`` ("—" for a missing
    value), everything else as text."""
    return frame.apply(
        lambda column: column.map(
            lambda v: "—" if pd.isna(v) else table_number(v) if isinstance(v, float) else str(v)
        )
    )


def _longest_word(texts: Sequence[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=1)


def _column_px(chars: int, type_px: float) -> float:
    return (TABLE_CHAR_PX * chars + TABLE_CELL_PADDING_PX) * type_px / BODY_TYPE_PX


def narrowest_table_px(
    frame: pd.DataFrame, type_px: float = BODY_TYPE_PX, texts: pd.DataFrame | None = None
) -> float:
    """The estimated width of ``frame`` as a static table in ``type_px`` type, wrapped as far as
    its headers' and cells' words allow (``texts``: its ``table_texts``, when already written)."""
    texts = table_texts(frame) if texts is None else texts
    return sum(
        _column_px(_longest_word([str(column), *texts[column].tolist()]), type_px) for column in frame.columns
    )


def table_page_px(screen_class: str, lecture: bool) -> tuple[float, float]:
    """(the page's width for a table, the type's size) on this screen, in this mode."""
    if lecture:
        return LECTURE_TABLE_PAGE_PX.get(screen_class, 900), LECTURE_ROOT_PX
    return TABLE_PAGE_PX.get(screen_class, 704), BODY_TYPE_PX


def table_fits(
    frame: pd.DataFrame, screen_class: str, lecture: bool, texts: pd.DataFrame | None = None
) -> bool:
    """Whether ``frame`` fits the page as a static table on this screen, in this mode
    (``texts``: its ``table_texts``, when already written)."""
    page_px, type_px = table_page_px(screen_class, lecture)
    return narrowest_table_px(frame, type_px, texts) <= page_px


def table_column_groups(
    frame: pd.DataFrame, page_px: float, type_px: float, texts: pd.DataFrame | None = None
) -> list[list[Any]]:
    """``frame``'s columns split into tables that fit ``page_px``, each its row labels (the
    fewest leading columns that tell its rows apart: "activation"; "network" and "quantity") and a
    run of the other columns at their comfortable widths (TABLE_COMFORT_CHARS): as few tables as
    fit, and of those splits the one whose widest table is narrowest (13 columns in three tables
    of four, not five, five and two)."""
    texts = table_texts(frame) if texts is None else texts

    def comfortable_px(column: Any) -> float:
        cells = [str(column), *texts[column].tolist()]
        longest_text = max(len(text) for text in cells)
        return _column_px(max(_longest_word(cells), min(longest_text, TABLE_COMFORT_CHARS)), type_px)

    labels = row_label_columns(texts)
    rest = [column for column in frame.columns if column not in labels]
    if not rest:
        return [labels]
    room = page_px - sum(map(comfortable_px, labels))
    widths = [comfortable_px(column) for column in rest]
    count = 1  # as few tables as fit, packed in order (a column wider than the room gets its own)
    filled = 0.0
    for width in widths:
        if filled and filled + width > room:
            count, filled = count + 1, 0.0
        filled += width

    @functools.cache
    def split(start: int, tables: int) -> tuple[float, tuple[int, ...]]:
        """(the widest table's columns' width, where each table after the first begins) for
        ``rest[start:]`` in ``tables`` tables."""
        if tables == 1:
            return sum(widths[start:]), ()
        best: tuple[float, tuple[int, ...]] = (float("inf"), ())
        for end in range(start + 1, len(widths) - tables + 2):
            widest, starts = split(end, tables - 1)
            best = min(best, (max(sum(widths[start:end]), widest), (end, *starts)))
        return best

    bounds = [0, *split(0, count)[1], len(rest)]
    return [[*labels, *rest[a:b]] for a, b in itertools.pairwise(bounds)]


def row_label_columns(texts: pd.DataFrame) -> list[Any]:
    """The fewest leading columns of ``texts`` whose cells together differ from row to row (at
    most all but one column; the first column alone where no such run exists)."""
    for count in range(1, len(texts.columns)):
        if not texts.iloc[:, :count].duplicated().any():
            return list(texts.columns[:count])
    return list(texts.columns[:1])


def table(
    frame: pd.DataFrame, name: str, *, hide: Sequence[str] = (), data: pd.DataFrame | None = None
) -> None:
    """``frame`` as a static table (without the ``hide`` columns), every row shown, headers and
    cells wrapping to the page, floats written by ``table_number``; with a CSV download of the
    same rows, or of ``data`` where the screen shows rounded or reworded values and the CSV keeps
    every digit.

    Not the interactive grid: it keeps each column as wide as its header on one line, so every
    table of the app ran past the page's 704 px on a laptop (840-1,992 px) and past a phone's
    screen, hiding its right-hand columns. A static table fits the page, and its type grows with
    lecture mode. A table too wide for the page even wrapped (``table_fits``) becomes, on a phone,
    one card per row (the activations' 13 columns): its row labels in bold (``row_label_columns``:
    a published claim's network and quantity), then its other columns, one a line; on a laptop or
    a projector, tables of its row labels and as many of the other columns as fit
    (``table_column_groups``): squeezed into the page whole, its cells broke inside words
    ("sigm|oid", "0.|25"). Nothing scrolls sideways: a box that scrolls is out of a keyboard's
    reach."""
    shown = frame.drop(columns=list(hide))
    texts, screen_class, lecture = table_texts(shown), screen(), lecture_mode()
    if len(shown.columns) <= 2 or table_fits(shown, screen_class, lecture, texts):
        _static_table(shown)
    elif screen_class == "narrow":
        labels = row_label_columns(texts)
        others = [column for column in shown.columns if column not in labels]
        for _, row in texts.iterrows():
            st.markdown("**" + " · ".join(escape(row[column]) for column in labels) + "**")
            card = pd.DataFrame({"": [str(c) for c in others], " ": row[others].tolist()})
            st.table(card, hide_index=True, hide_header=True)
    else:
        groups = table_column_groups(shown, *table_page_px(screen_class, lecture), texts)
        with st.container(key=f"{TABLE_PARTS_KEY}{name}"):
            for number, columns in enumerate(groups):
                part = shown[columns]
                if table_fits(part, screen_class, lecture, texts[columns]):
                    _static_table(part)
                else:  # one column too wide beside the row labels: its cells may break words
                    with st.container(key=f"{SQUEEZED_KEY}{name}_{number}"):
                        _static_table(part)
    download_csv(shown if data is None else data, name, "Download table (CSV)")


def _static_table(frame: pd.DataFrame) -> None:
    """``frame`` as one static table, its float columns written by ``table_number``. A table whose
    every cell is a text is sent as it is: a pandas Styler costs ~7 ms a table a rerun (the
    activations' first two parts have no number)."""
    if frame.map(lambda value: isinstance(value, str)).all(axis=None):
        st.table(frame, hide_index=True)
        return
    numbers = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    st.table(frame.style.format(table_number, subset=numbers, na_rep="—"), hide_index=True)


def escape(text: str) -> str:
    """User-typed text made safe for Markdown: HTML, backticks, and every character Markdown or
    Streamlit would read as markup (``*`` in ``x**2``, ``$`` as LaTeX, ``[``, ``~``, ``|``, …)."""
    return markdown_escape(html.escape(text).replace("`", "ˋ"))


def page_link(path: str, label: str, section: str | None = None) -> None:
    """A link to another page of the app, opening its tab ``section`` when given (a section id of
    that page's ``section_tabs``), or plain text if that page is not registered."""
    query = {"section": section} if section else None
    try:
        st.page_link(path, label=label, icon=":material/arrow_forward:", query_params=query)
    except StreamlitAPIException:
        st.markdown(label)
