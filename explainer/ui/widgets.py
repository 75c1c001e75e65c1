"""URL-bound widgets (each registers with the link check), the scene picker, lecture mode."""

from __future__ import annotations

import contextlib
import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import streamlit as st

from ..activations import ACTIVATIONS
from ..datasets import DATASETS
from ..initializers import INITIALIZERS
from . import links, presenter
from .links import (
    bind,
    bool_reader,
    format_number,
    number_reader,
    option_reader,
    options_reader,
    range_reader,
    text_reader,
    url_text,
)
from .viewport import NARROW_BELOW_PX, screen

# Registry key → label, for every widget that offers a choice from a registry.
ACTIVATION_LABELS = {key: a.label for key, a in ACTIVATIONS.items()}
INITIALIZER_LABELS = {key: entry.label for key, entry in INITIALIZERS.items()}
DATASET_LABELS = {key: entry.label for key, entry in DATASETS.items()}


# --- bound widgets -------------------------------------------------------------------


def _within(value: Any, low: float, high: float, is_range: bool, integer: bool) -> bool:
    """Whether a slider or number box from ``low`` to ``high`` (of integers, or not) can show
    ``value``."""
    values = tuple(value) if is_range and isinstance(value, tuple | list) else (value,)
    kind = int if integer else (int, float)
    return len(values) == (2 if is_range else 1) and all(
        isinstance(v, kind) and not isinstance(v, bool) and low <= v <= high for v in values
    )


def slider(
    label: str,
    key: str,
    min_value: float,
    max_value: float,
    value: float | tuple[float, float],
    step: float | None = None,
    *,
    help: str | None = None,
    format: str | None = None,
    container=st,
) -> Any:
    """A slider bound to the URL parameter ``key``; a range slider when ``value`` is a pair."""
    is_range = isinstance(value, tuple)
    integer = all(isinstance(v, int) for v in (min_value, max_value, *(value if is_range else (value,))))
    value = links.scene_default(key, value, lambda v: _within(v, min_value, max_value, is_range, integer))
    number = int if integer else float
    value = tuple(number(v) for v in value) if is_range else number(value)
    if is_range:
        read = range_reader(min_value, max_value, integer)
        to_url = lambda v: [str(x) for x in v]
        show = lambda v: f"{format_number(v[0])} to {format_number(v[1])}"
    else:
        read, to_url, show = number_reader(min_value, max_value, integer), lambda v: [str(v)], format_number
    return bind(
        key,
        value,
        read,
        to_url,
        show,
        lambda: container.slider(
            label, min_value, max_value, value, step, key=key, help=help, format=format, bind="query-params"
        ),
        numeric=True,
    )


def select_slider(
    label: str, key: str, options: Sequence[float], value: float, *, help: str | None = None, container=st
) -> float:
    """A slider over a fixed list of numbers (a log-spaced learning rate, say), URL-bound.

    A URL number between the options snaps to the nearest one."""
    value = links.scene_default(key, value, lambda v: v in options)
    labels = {o: f"{o:g}" for o in options}
    as_number = number_reader(min(options), max(options), False)

    def read(values: list[str]) -> tuple[Any, str | None]:
        number, reason = as_number(values)
        if number is None:
            return None, reason
        distance = lambda o: abs(math.log10(o / number)) if o > 0 and number > 0 else abs(o - number)
        nearest = min(options, key=distance)
        if reason is None and nearest != number:
            reason = f"is not one of the steps; the nearest is {nearest:g}"
        return nearest, reason

    return bind(
        key,
        value,
        read,
        lambda v: [labels[v]],
        lambda v: f"{v:g}",
        lambda: container.select_slider(
            label, options, value, format_func=labels.get, key=key, help=help, bind="query-params"
        ),
    )


def selectbox(
    label: str,
    key: str,
    options: Sequence[Any],
    default: Any = None,
    *,
    labels: Mapping[Any, str] | None = None,
    help: str | None = None,
    widget: str = "selectbox",
    on_change: Callable[[], None] | None = None,
    container=st,
) -> Any:
    """A single choice bound to the URL (as a selectbox, or ``widget="radio"`` or
    ``"segmented"``); the URL may name an option by its label or its key, in any case."""
    options = list(options)
    labels = dict(labels) if labels else {o: str(o) for o in options}
    default = links.scene_default(key, options[0] if default is None else default, lambda v: v in options)
    common = dict(format_func=labels.get, key=key, help=help, on_change=on_change, bind="query-params")

    def render() -> Any:
        if widget == "radio":
            return container.radio(label, options, index=options.index(default), horizontal=True, **common)
        if widget == "segmented":
            # wrap: in a column Streamlit 1.67 keeps a button group on one row that scrolls sideways.
            chosen = container.segmented_control(label, options, default=default, wrap=True, **common)
            return default if chosen is None else chosen
        return container.selectbox(label, options, index=options.index(default), **common)

    return bind(key, default, option_reader(options, labels), lambda v: [labels[v]], labels.get, render)


def multiselect(
    label: str,
    key: str,
    options: Sequence[Any],
    default: Sequence[Any],
    *,
    labels: Mapping[Any, str] | None = None,
    help: str | None = None,
    max_selections: int | None = None,
    container=st,
) -> list[Any]:
    """A multiple choice bound to the URL as a repeated key (``?act=ReLU&act=tanh``), drawn as
    pills: one button per option, chosen ones highlighted, wrapping on a phone.

    Not Streamlit's multiselect: it draws each chosen option as white text on the theme's primary
    colour, and in the dark theme no colour gives that 4.5:1 while also reading 4.5:1 as text
    on the dark background (slider values, selected pills). A pill chosen beyond
    ``max_selections`` is undone, and the page says why."""
    options = list(options)
    labels = dict(labels) if labels else {o: str(o) for o in options}
    default = links.scene_default(
        key,
        default,
        lambda v: all(o in options for o in v) and (max_selections is None or len(v) <= max_selections),
    )
    refused = f"_vp_refused_{key}"

    def within_limit() -> None:
        if max_selections is not None and len(st.session_state[key] or []) > max_selections:
            before = [o for o in links.last_accepted(key, list(default)) if o in options]
            st.session_state[key] = before[:max_selections]
            st.session_state[refused] = True

    def render() -> list[Any]:
        chosen = container.pills(
            label,
            options,
            selection_mode="multi",
            default=list(default),
            format_func=labels.get,
            key=key,
            help=help,
            on_change=within_limit,
            bind="query-params",
            # In a column (the training page's row of settings) Streamlit 1.67 keeps pills on one
            # row that scrolls sideways: three of seventeen showed in a laptop's 224-px column.
            wrap=True,
        )
        chosen = list(chosen or [])
        if st.session_state.pop(refused, False):
            container.caption(f"{label}: at most {max_selections} at once. Unselect one to choose another.")
        return chosen

    return bind(
        key,
        list(default),
        options_reader(options, labels, max_selections),
        lambda v: [labels[o] for o in v],
        lambda v: ", ".join(labels[o] for o in v) if v else "none",
        render,
    )


def toggle(label: str, key: str, value: bool = False, *, help: str | None = None, container=st) -> bool:
    """An on/off switch bound to the URL; the URL may say true/false, 1/0, yes/no or on/off."""
    value = links.scene_default(key, value, lambda v: isinstance(v, bool))
    return bind(
        key,
        value,
        bool_reader,
        lambda v: [str(v).lower()],
        lambda v: "on" if v else "off",
        lambda: container.toggle(label, value, key=key, help=help, bind="query-params"),
    )


def text_input(
    label: str,
    key: str,
    value: str = "",
    *,
    max_chars: int = 200,
    help: str | None = None,
    placeholder: str | None = None,
    container=st,
) -> str:
    """A text box bound to the URL, cut to ``max_chars``."""
    value = links.scene_default(key, value, lambda v: isinstance(v, str) and len(v) <= max_chars)
    return bind(
        key,
        value,
        text_reader(max_chars),
        lambda v: [v],
        lambda v: url_text(v) if v else "nothing",
        lambda: container.text_input(
            label,
            value,
            max_chars=max_chars,
            key=key,
            help=help,
            placeholder=placeholder,
            bind="query-params",
        ),
    )


def number_input(
    label: str,
    key: str,
    min_value: float,
    max_value: float,
    value: float,
    step: float | None = None,
    *,
    help: str | None = None,
    container=st,
) -> float:
    """A number box bound to the URL; a value outside [min, max] is clamped, with a message."""
    integer = all(isinstance(v, int) for v in (min_value, max_value, value))
    value = links.scene_default(key, value, lambda v: _within(v, min_value, max_value, False, integer))
    value = int(value) if integer else float(value)
    return bind(
        key,
        value,
        number_reader(min_value, max_value, integer),
        lambda v: [str(v)],
        format_number,
        lambda: container.number_input(
            label, min_value, max_value, value, step, key=key, help=help, bind="query-params"
        ),
        numeric=True,
    )


# --- scenes -------------------------------------------------------------------------


def preset_picker(
    presets: Mapping[str, Mapping[str, Any]], labels: Mapping[str, str], key: str = "preset", container=st
) -> str:
    """A choice of named scenes, linkable as ``?preset=name``: picking one sets the widgets it
    names, and their scene values become their defaults, which the link leaves out. Values
    given explicitly in the same link win over the scene's.

    The address bar names the scene by its key, as a lecturer types it on a slide: Streamlit
    would write a bound select box's label there, so this picker is not bound by Streamlit and
    keeps ``?preset=`` in step itself."""
    options = ["custom", *presets]
    all_labels = {"custom": "— your own settings —", **labels}
    read = option_reader(options, all_labels)
    links.prepare_scene(key, presets, read)

    def render() -> str:
        return container.selectbox(
            "Scene",
            options,
            format_func=all_labels.get,
            key=key,
            on_change=lambda: links.scene_choice_changed(key, presets),
            help="Named settings that reproduce a published figure or a classroom demonstration. "
            "Each is a link: ?preset=<name>.",
        )

    chosen = bind(key, "custom", read, lambda v: [v], all_labels.get, render, seed=True)
    links.record_scene(presets.get(chosen, {}))
    links.name_in_link(key, None if chosen == "custom" else chosen)
    presenter.record_scenes(key, {name: all_labels[name] for name in presets}, chosen)
    return chosen


def section_labels(titles: Mapping[str, str]) -> dict[str, str]:
    """Each section's tab label, numbered in page order: id → "3. Dying ReLU"."""
    return {sid: f"{number}. {title}" for number, (sid, title) in enumerate(titles.items(), start=1)}


def _page_module(page: str) -> Any:
    """The ``explainer.ui`` module of the page script ``page`` (``app_pages/training.py``)."""
    return importlib.import_module(f"explainer.ui.{Path(page).stem}")


def section_labels_of(page: str) -> Mapping[str, str]:
    """Each section's tab label (id → "3. Dying ReLU") on the page script ``page``; empty for a
    page without sections."""
    return getattr(_page_module(page), "SECTION_LABELS", {})


def param_sections(page: str) -> Mapping[str, str | None]:
    """Each setting's URL name → its section id (None: every section) on the page script ``page``
    (``app_pages/training.py``), whose sections are tabs of which only the open one computes;
    empty for a page without sections. The precompute and the benchmarks open a setting's tab
    before moving it, as a person must."""
    return getattr(_page_module(page), "PARAM_SECTIONS", {})


@dataclass(frozen=True)
class SectionTab:
    """One section's tab, as ``section_tabs`` gives it: the container to draw in (``with tab:``),
    whether it is the tab on screen (``open``) and its numbered header (``heading``)."""

    container: Any
    heading: str

    @property
    def open(self) -> bool:
        return bool(self.container.open)

    def __enter__(self) -> Any:
        return self.container.__enter__()

    def __exit__(self, *exc_info: Any) -> Any:
        return self.container.__exit__(*exc_info)


def section_tabs(
    titles: Mapping[str, str], headings: Mapping[str, str] | None = None, key: str = "section"
) -> dict[str, SectionTab]:
    """A page's sections as tabs, numbered in order (``titles``: id → title), of which only the
    open one runs: section id → its ``SectionTab``, whose ``open`` says whether to draw it. A
    section's header is its tab's label, or its number and ``headings[id]`` where the tab's title
    is a short form of a longer heading.

    Linkable as ``?section=<id>`` (also its number or title); the first section is the default
    and stays out of the link, a scene may name another. Like the scene picker, the tabs are not
    bound by Streamlit, which would write the tab's label in the address bar."""
    ids = list(titles)
    labels = section_labels(titles)
    by_label = {label: sid for sid, label in labels.items()}
    aliases = links.alias_table(ids, labels)  # by id and label; then by title and number
    for number, sid in enumerate(ids, start=1):
        aliases.setdefault(titles[sid].strip().lower(), sid)
        aliases.setdefault(str(number), sid)

    def read(values: list[str]) -> tuple[Any, str | None]:
        sid = aliases.get(values[-1].strip().lower())
        if sid is None:
            return None, f"is not a section of this page ({', '.join(ids)})"
        return labels[sid], None

    default = links.scene_default(key, labels[ids[0]], lambda v: v in by_label)
    containers: dict[str, SectionTab] = {}

    def heading(number: int, sid: str) -> str:
        return f"{number}. {headings[sid]}" if headings else labels[sid]

    def render() -> str:
        tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
        for number, (sid, tab) in enumerate(zip(ids, tabs, strict=True), start=1):
            containers[sid] = SectionTab(tab, heading(number, sid))
        return next(labels[sid] for sid, tab in containers.items() if tab.open)

    chosen = bind(key, default, read, lambda v: [by_label[v]], str, render, seed=True, navigation=True)
    links.name_in_link(key, None if chosen == default else by_label[chosen])
    return containers


# --- lecture mode, prose, export ------------------------------------------------------


# Lecture mode's type, for the back row of a hall: Streamlit sizes its text in rem, so a 24-px root
# makes body text 24 px and widget labels, values and captions (0.875 rem) 21 px; prose keeps a
# measure of at most about 85 characters a line (36 em of text averaging 0.42 em a character) however
# wide the page. The page starts nearer the top, leaving the first screen to the main chart.
LECTURE_ROOT_PX = 24
LECTURE_MEASURE_EM = 36
# On a projector (from 1800 px) the sidebar is wider for the larger type, and the main area's side
# padding shrinks to 2 rem, so a 1280-px lecture keeps its charts' room.
LECTURE_SIDEBAR_PX = 420
# A select shows its choice in one line (an input, which cannot wrap): in lecture type two selects
# side by side in a row narrower than this (a window under ~960 px with the sidebar open) cut
# "Glorot (Xavier) normal" to "Glorot (Xavi"; there a select takes the row's width and what
# stood beside it goes below. At 1,024 px the row is 628 px and keeps both.
LECTURE_SELECT_ALONE_BELOW_PX = 600
# From a column of a row (Streamlit's horizontal block) down to a select it holds directly (a
# :has() cannot hold another, so the row's rule spells the path out).
_TO_SELECT = (
    '> [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"] > [data-testid="stSelectbox"]'
)
_SELECT_COLUMN = f'[data-testid="stColumn"]:has({_TO_SELECT})'

_LECTURE_CSS = f"""<style>
html {{ font-size: {LECTURE_ROOT_PX}px; }}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] :is(p, li) {{ max-width: {LECTURE_MEASURE_EM}em; }}
[data-testid="stMainBlockContainer"] {{ padding: 2.5rem 2rem 4rem; }}
@media (min-width: 1800px) {{
  section[data-testid="stSidebar"][data-collapsed="false"] {{
    width: {LECTURE_SIDEBAR_PX}px !important; min-width: {LECTURE_SIDEBAR_PX}px !important;
  }}
}}
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] {_TO_SELECT}) {{ container-type: inline-size; }}
@container (width < {LECTURE_SELECT_ALONE_BELOW_PX}px) {{
  {_SELECT_COLUMN} {{ flex: 1 1 100% !important; min-width: 100% !important; }}
}}
</style>"""


# At every width and in every mode, a link to another page wraps instead of being cut: on a
# 390-px phone Streamlit ended "Depth: the same networks with batch norm, residuals and
# clipping" at "residuals a", with no "…" to say that more was there, and the sidebar of a
# 1280-px laptop showed "Depth: vanishing and explodin…". A widget's label wraps too:
# in lecture type on a 1280-px laptop Streamlit ended the depth page's toggles at "ReLU-family
# activ…", "He / LeCun initializ…" and "Clip the gradient n…"; so does a button's (a
# download button in half of a 1,024-px projector's column read "Download data (CS…"), and a
# segmented control's choice (in lecture type beside another setting, the training page's "after
# 500 training steps" read "after 500 traini…"). A table never scrolls in a
# box a keyboard cannot reach (axe: scrollable-region-focusable): ``ui.table`` draws one whose
# headers and cells do not fit the page, wrapped between words, as cards on a phone and, on a
# wider screen, as tables of a few of its columns each; a part still too wide sits in a
# container (``display.SQUEEZED_KEY``) whose headers and cells may break inside a word.
# A page's section tabs wrap onto a second row instead of scrolling sideways: in one row
# Streamlit hid the tabs that did not fit behind a scroll arrow, so a 1280-px laptop showed the
# depth page's "7. Published results" cut off, lecture type there hid the training page's "6.
# Early stopping", and a phone showed three of seven tabs, not always the open one.
_PAGE_CSS = """<style>
[data-testid="stSidebarNavLink"] *,
[data-testid="stPageLink"] :is(p, span),
[data-testid="stWidgetLabel"] :is(.stMarkdownEllipsis, .stMarkdownEllipsis *),
[data-testid^="stBaseButton"] :is(.stMarkdownEllipsis, .stMarkdownEllipsis *),
[data-testid="stButtonGroup"] button [data-testid="stMarkdownContainer"] :is(p, span) {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stSidebarNavLink"] { height: auto; min-height: 2rem; }
[data-testid="stPageLink-NavLink"] { height: auto; }
[data-testid="stButtonGroup"] button { height: auto !important; }
[class*="st-key-vp_squeezed_table_"] [data-testid="stTable"] :is(th, th *, td, td *) { overflow-wrap: anywhere !important; }
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; row-gap: 0; }
</style>"""


def page_styles() -> None:
    """Styles for every visit (a style only: it takes no space)."""
    st.html(_PAGE_CSS)


def lecture_styles() -> None:
    """In lecture mode, the larger type and the measure (a style only: it takes no space)."""
    if lecture_mode():
        st.html(_LECTURE_CSS)


def main_chart_slot() -> Any:
    """Where a page draws its main chart (``with slot:``): in lecture mode a place made here, near
    the top, so a projector's first screen shows the chart above the controls that move it;
    otherwise wherever the page draws it."""
    return st.container() if lecture_mode() else contextlib.nullcontext()


def lecture_mode() -> bool:
    """Whether the page is drawn for a lecture: the lecture-mode toggle in the sidebar is on (also
    ``?lecture=1``) and the window is wider than a phone. A phone is read in the hand, not from the
    back row, and lecture type left a 360-px phone a 214-px column that cut most formulas."""
    return bool(st.session_state.get("lecture", False)) and screen() != "narrow"


def lecture_mode_note() -> None:
    """Under the lecture toggle, on a phone with the toggle on: why the page looks as usual."""
    if st.session_state.get("lecture", False) and not lecture_mode():
        st.caption(
            f"This window is narrower than {NARROW_BELOW_PX} px, a phone's: the page keeps its "
            "usual type, charts and explanations. Lecture mode takes effect on a wider screen."
        )


def lecture_requested() -> bool:
    """Whether this run will be in lecture mode, known before the toggle renders: the toggle's
    state once it exists, else what the link says (``?lecture=1``)."""
    if "lecture" in st.session_state:
        return bool(st.session_state["lecture"])
    value, _ = bool_reader(st.query_params.get_all("lecture") or ["false"])
    return bool(value)


# --- a page's PARAMS table -----------------------------------------------------------------

WIDGETS = (
    "slider",
    "select_slider",
    "selectbox",
    "radio",
    "segmented",
    "multiselect",
    "toggle",
    "number",
    "text",
)


@dataclass(frozen=True)
class Param:
    """One setting of a page, declared once in its PARAMS table: the widget, its URL name, default,
    range (``low``/``high``/``step`` or ``options`` with their ``labels``), label and help.

    The session key is the URL name: Streamlit binds a widget to the query parameter named by its
    key, and ``links.start_page`` forgets a page's keys when the visitor switches to another page,
    so a value set on one page never reaches another."""

    key: str
    label: str
    widget: str
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    labels: Mapping[Any, str] | None = None
    help: str | None = None
    max_selections: int | None = None
    max_chars: int = 200
    placeholder: str | None = None
    format: str | None = None

    def __post_init__(self) -> None:
        if self.widget not in WIDGETS:
            raise ValueError(f"Unknown widget {self.widget!r} for {self.key!r}; expected one of {WIDGETS}.")

    @property
    def url(self) -> str:
        """The name of this setting in a link (``?depth=30``)."""
        return self.key

    def accepted(self) -> str:
        """What a link may give, in words: the range, the options, or the kind of value."""
        if self.widget in ("slider", "number"):
            low, high = (format_number(v) for v in (self.low, self.high))
            pair = " (twice: low and high)" if isinstance(self.default, tuple) else ""
            return f"{low} to {high}{pair}"
        if self.widget == "toggle":
            return "true or false"
        if self.widget == "text":
            return f"text, at most {self.max_chars} characters"
        shown = [f"{o:g}" if isinstance(o, float) else str(o) for o in self.options]
        repeated = " (repeated, one per choice)" if self.widget == "multiselect" else ""
        return ", ".join(shown) + repeated

    def shown_default(self) -> str:
        """The default as a link would write it."""
        value = self.default
        if isinstance(value, list | tuple):
            return (
                ", ".join(format_number(v) if isinstance(v, int | float) else str(v) for v in value) or "none"
            )
        if isinstance(value, bool):
            return str(value).lower()
        if self.options and isinstance(value, float):
            return f"{value:g}"  # as the options are written
        if self.options and isinstance(value, int):
            return str(value)
        return format_number(value) if isinstance(value, int | float) else str(value)


def draw(param: Param, container=st, **changes: Any) -> Any:
    """The widget ``param`` declares, bound to the URL; ``changes`` override fields for this run
    (a range that depends on another setting, say)."""
    p = replace(param, **changes) if changes else param
    common = dict(help=p.help, container=container)
    if p.widget == "slider":
        return slider(p.label, p.key, p.low, p.high, p.default, p.step, format=p.format, **common)
    if p.widget == "number":
        return number_input(p.label, p.key, p.low, p.high, p.default, p.step, **common)
    if p.widget == "select_slider":
        return select_slider(p.label, p.key, p.options, p.default, **common)
    if p.widget == "multiselect":
        choices = dict(labels=p.labels, max_selections=p.max_selections)
        return multiselect(p.label, p.key, p.options, p.default, **choices, **common)
    if p.widget in ("selectbox", "radio", "segmented"):
        return selectbox(p.label, p.key, p.options, p.default, labels=p.labels, widget=p.widget, **common)
    if p.widget == "toggle":
        return toggle(p.label, p.key, p.default, **common)
    return text_input(p.label, p.key, p.default, max_chars=p.max_chars, placeholder=p.placeholder, **common)


# In a column narrower than the laptop's (``viewport`` "compact"), a row holds at most this many
# widgets: four in lecture type in a 628-px column cut their choices to "Glorot (Xavi…".
COMPACT_ROW_WIDGETS = 2


def row_length(count: int) -> int:
    """How many of ``count`` widgets go side by side: all of them, or COMPACT_ROW_WIDGETS in a
    narrow column (a phone's window stacks Streamlit's columns by itself)."""
    return max(1, min(count, COMPACT_ROW_WIDGETS) if screen() == "compact" else count)


def draw_row(
    params: Sequence[Param], widths: Sequence[float] | None = None, per_row: int | None = None
) -> dict[str, Any]:
    """``params`` side by side in rows of ``per_row`` (default: all in one row) columns, fewer in
    a narrow column (``row_length``); ``widths`` as in ``st.columns``: key → value."""
    widths = list(widths) if widths else [1.0] * len(params)
    per_row = row_length(per_row or len(params))
    chosen: dict[str, Any] = {}
    for start in range(0, len(params), per_row):
        row = params[start : start + per_row]
        columns = st.columns(widths[start : start + per_row] + [1.0] * (per_row - len(row)))
        chosen |= {p.key: draw(p, column) for p, column in zip(row, columns, strict=False)}
    return chosen


def group_columns(count: int, container: Any = st) -> list[Any]:
    """A column for each of ``count`` groups of settings, side by side; in a narrow column
    (``row_length``) fewer columns, the groups in order down the first, then the next (one
    under another, the MLP page's ten settings put its first chart a screen further down)."""
    shown = row_length(count)
    columns = list(container.columns(shown))
    return [columns[i * shown // count] for i in range(count)]


def defaults(params: Iterable[Param]) -> dict[str, Any]:
    """Key → default of every setting in ``params``."""
    return {p.key: p.default for p in params}
