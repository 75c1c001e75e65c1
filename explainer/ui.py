"""The only explainer module that imports streamlit: URL-bound widgets, the link check,
lecture mode, export helpers, and cached wrappers around the explainer's computations.

Every widget is bound to the URL (``bind="query-params"``), so the address bar is always a
link to the scene on screen. Streamlit silently ignores a URL value it cannot use; the
wrappers here read the raw query string first, turn near misses into usable values (clamp an
out-of-range number, accept ``relu`` for ``ReLU`` or ``1`` for true) and, at the end of the run,
``finish_page`` compares what the link asked for with what each widget accepted and says so.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException
from threadpoolctl import threadpool_limits

from . import story
from .activations import ACTIVATIONS, DEFAULT_ACTIVATIONS
from .curves import Chosen, CurveSet, activation_curves, describe_slopes, markdown_escape
from .expressions import parse_activation
from .properties import activation_properties, cost_columns, evaluation_costs, matmul_seconds

if TYPE_CHECKING:  # scikit-learn is imported on first use, by the MLP page only
    from .sklearn_mlp import MLPComparison

# One BLAS thread per computation in the app: sessions already run side by side on a small
# server, and a multi-threaded matrix product competing with them was measured up to 100×
# slower. (Set once, when the app first imports this module; notebooks keep their setting.)
threadpool_limits(limits=1, user_api="blas")

_BOUND = "_vp_bound"  # key -> Bound, rebuilt on every run
_VISIT_KEYS = "_vp_visit_keys"  # every key bound during the current page visit
_VISIT = "_vp_visit"  # the page of the current visit
_ORIGINAL = "_vp_original"  # the query parameters the visit was opened with
_SETTLING = "_vp_settling"  # True until a run of the visit completes with every link value usable
_PASSES = "_vp_passes"  # reruns spent rewriting link values into the widgets' own forms
_RAW = "_vp_raw"  # the query parameters of this run while settling, else None
_MESSAGES = "_vp_link_messages"
_PRESET = "_vp_preset"  # (picker key, chosen scene, the widget keys it sets) on this run
_PRESET_SCENE = "_vp_preset_scene"  # (scene, the values its widgets ended up with)
_PRESET_STALE = "_vp_preset_stale"  # a widget moved away from the chosen scene
MAX_REWRITES = 12
# Parameters Streamlit itself understands; never reported as unknown.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})
# Settings of the shared sidebar, kept across page switches.
SHARED_KEYS = frozenset({"lecture"})
CACHE_ENTRIES = 64

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}

Reader = Callable[[list[str]], tuple[Any, str | None]]


@dataclass
class Bound:
    """A widget bound to a URL parameter: what it accepted, and how to read a raw value."""

    key: str
    value: Any
    default: Any
    read: Reader
    to_url: Callable[[Any], list[str]]
    show: Callable[[Any], str]


# --- the visit and the link check ---------------------------------------------------


def start_page(page_id: str) -> None:
    """Call first in every run: remembers the link a page visit was opened with, and on a
    switch to another page forgets the settings of the page left behind."""
    if st.session_state.get(_VISIT) not in (None, page_id):
        _forget_page_settings(st.session_state.get(_VISIT_KEYS, ()))
        st.session_state[_VISIT_KEYS] = set()
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if st.session_state.get(_VISIT) != page_id:
        st.session_state[_VISIT] = page_id
        st.session_state[_ORIGINAL] = current
        st.session_state[_SETTLING] = True
        st.session_state[_PASSES] = 0
        st.session_state[_MESSAGES] = []
        st.session_state[_PRESET_SCENE] = None
    st.session_state[_RAW] = current if st.session_state[_SETTLING] else None
    st.session_state[_BOUND] = {}
    st.session_state[_PRESET] = None


def _forget_page_settings(keys: Iterable[str]) -> None:
    """Drop the left page's widget values from the session and the address bar.

    Pages share URL names (``depth``, ``width``, ``act``, ...) with different ranges and meanings,
    and Streamlit keeps a URL-bound widget's value under its key across a page switch: without
    this, depth 200 on the depth page would reach the training page's depth slider (at most 10)
    and raise. ``keys`` are all the visit bound, not only the last run's: a click to another page
    can interrupt a run before its widgets are drawn. The shared sidebar's settings stay."""
    for key in keys:
        if key in SHARED_KEYS:
            continue
        if key in st.session_state:
            del st.session_state[key]
        if key in st.query_params:
            # Still bound to a widget of this session? Then Streamlit drops it with the widget.
            with contextlib.suppress(StreamlitAPIException):
                del st.query_params[key]


def _raw(key: str) -> list[str] | None:
    raw = st.session_state.get(_RAW)
    return raw.get(key) if raw else None


def finish_page(slot) -> None:
    """Call last in every run: when the visit's link has settled, compare it with what each
    widget accepted; on every run, show the resulting warning in ``slot`` (at the top)."""
    if st.session_state.get(_SETTLING):
        st.session_state[_SETTLING] = False
        original = st.session_state.get(_ORIGINAL) or {}
        st.session_state[_MESSAGES] = link_problems(original, st.session_state.get(_BOUND, {}))
    _notice_scene_changes()
    messages = st.session_state.get(_MESSAGES) or []
    if messages:
        slot.warning(
            "**Parts of this link could not be used**, so sensible values stand in:\n\n"
            + "\n".join(f"- {m}" for m in messages),
            icon=":material/warning:",
        )


def _notice_scene_changes() -> None:
    """Once a widget moves away from the scene the picker names, rerun with the picker on
    "custom": the link then spells out every setting instead of naming a scene it no longer
    shows (a value moved back to its default would otherwise be re-set by the scene)."""
    preset = st.session_state.get(_PRESET)
    if not preset or preset[1] == "custom":
        st.session_state[_PRESET_SCENE] = None
        return
    key, scene, widget_keys = preset
    bound = st.session_state.get(_BOUND, {})
    values = {k: _comparable(bound[k].value) for k in widget_keys if k in bound}
    recorded = st.session_state.get(_PRESET_SCENE)
    if recorded is None or recorded[0] != scene:
        st.session_state[_PRESET_SCENE] = (scene, values)
    elif recorded[1] != values:
        st.session_state[_PRESET_STALE] = (key, tuple(widget_keys))
        st.rerun()


def _comparable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple | list) else value


def link_problems(raw: Mapping[str, list[str]], bound: Mapping[str, Bound]) -> list[str]:
    """One sentence per URL parameter that was ignored, clamped or unknown on this page."""
    messages, unknown = [], []
    for key, values in raw.items():
        widget = bound.get(key)
        if widget is None:
            if key not in STREAMLIT_PARAMS:
                unknown.append(key)
            continue
        value, reason = widget.read(values)
        repeated = (
            f" (given {len(values)} times)"
            if len(values) > 1 and not isinstance(widget.default, list | tuple)
            else ""
        )
        shown = _code(", ".join(values))
        if reason:
            messages.append(
                f"{_code(key)}{repeated} = {shown} {reason}; showing {widget.show(widget.value)}."
            )
        elif value is not None and value != widget.value:
            messages.append(f"{_code(key)} = {shown} was not accepted; showing {widget.show(widget.value)}.")
    if unknown:
        names = ", ".join(_code(k) for k in unknown[:10]) + (
            f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        )
        messages.append(f"{names}: not a setting of this page, so ignored.")
    return messages


def _code(text: str, limit: int = 32) -> str:
    """Text from a URL, cut short and made safe to show inside Markdown."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = "".join(ch if ch.isprintable() else "�" for ch in text).replace("`", "ˋ")
    return f"`{text}`" if text.strip() else "(empty)"


def _prefill(key: str, read: Reader, to_url: Callable[[Any], list[str]], numeric: bool) -> None:
    """While a visit's link settles, rewrite the widget's URL value into the form the widget
    accepts (``relu`` → ``ReLU``, ``1`` → ``true``, ``999`` → ``200``) and rerun, so the widget
    starts from it and the address bar shows it. Streamlit would otherwise drop such values."""
    values = _raw(key)
    if values is None:
        return
    value, reason = read(values)
    if value is None:
        return
    canonical = to_url(value)
    # Streamlit itself reads "-3" or "20.0"; numbers need rewriting only when out of range or,
    # for a range slider, out of order (``?x=5&x=-5`` would otherwise show "5 to -5").
    if (reason is None and _same_numbers(values, canonical)) if numeric else (canonical == values):
        return
    if st.session_state[_PASSES] < MAX_REWRITES:
        try:
            st.query_params[key] = canonical
        except StreamlitAPIException:
            pass  # already bound in this session: fall through to session state
        else:
            st.session_state[_PASSES] += 1
            st.rerun()
    st.session_state[key] = value


def _same_numbers(values: list[str], canonical: list[str]) -> bool:
    """Whether two lists of URL values name the same numbers in the same order ("20.0" is "20")."""
    try:
        return [float(v) for v in values] == [float(c) for c in canonical]
    except ValueError:
        return False


# --- readers: a raw URL value to a usable value, with the reason when it had to change ----


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:.4g}"


def number_reader(low: float, high: float, integer: bool) -> Reader:
    """Reads one number, clamping it into [low, high] and rounding it when ``integer``."""

    def read(values: list[str]) -> tuple[Any, str | None]:
        try:
            number = float(values[-1].strip())
        except (ValueError, OverflowError):
            return None, "is not a number"
        if math.isnan(number):
            return None, "is not a number"
        reason = None
        if number < low:
            number, reason = low, f"is below the minimum {_format_number(low)}; clamped to it"
        elif number > high:
            number, reason = high, f"is above the maximum {_format_number(high)}; clamped to it"
        if integer and not float(number).is_integer():
            number, reason = round(number), reason or "is not a whole number; rounded"
        return (int(number) if integer else float(number)), reason

    return read


def range_reader(low: float, high: float, integer: bool) -> Reader:
    """Reads two numbers (a range slider's repeated key), each clamped, in order."""
    single = number_reader(low, high, integer)

    def read(values: list[str]) -> tuple[Any, str | None]:
        if len(values) != 2:
            return None, f"needs exactly two values (low and high), got {len(values)}"
        (a, reason_a), (b, reason_b) = single([values[0]]), single([values[1]])
        if a is None or b is None:
            return None, "is not two numbers"
        if a == b:
            return None, "is an empty range"
        return tuple(sorted((a, b))), reason_a or reason_b

    return read


def _alias_table(options: Sequence[Any], labels: Mapping[Any, str]) -> dict[str, Any]:
    table = {}
    for option in options:
        for name in (str(option), labels[option]):
            table.setdefault(name.strip().lower(), option)
    return table


def option_reader(options: Sequence[Any], labels: Mapping[Any, str]) -> Reader:
    """Reads one option by its label or key, in any letter case."""
    aliases = _alias_table(options, labels)

    def read(values: list[str]) -> tuple[Any, str | None]:
        option = aliases.get(values[-1].strip().lower())
        if option is None:
            listed = ", ".join(labels[o] for o in options[:8]) + (", …" if len(options) > 8 else "")
            return None, f"is not one of the options ({listed})"
        return option, None

    return read


def options_reader(options: Sequence[Any], labels: Mapping[Any, str], max_selections: int | None) -> Reader:
    """Reads a list of options (a repeated key); unknown entries are dropped, with a reason."""
    aliases = _alias_table(options, labels)

    def read(values: list[str]) -> tuple[Any, str | None]:
        chosen = list(
            dict.fromkeys(aliases[v.strip().lower()] for v in values if v.strip().lower() in aliases)
        )
        unknown = [v for v in values if v.strip().lower() not in aliases and v.strip()]
        reason = None
        if unknown:
            reason = f"includes {', '.join(_code(v, 20) for v in unknown[:5])}, not {'an option' if len(unknown) == 1 else 'options'}; dropped"
        if max_selections is not None and len(chosen) > max_selections:
            chosen = chosen[:max_selections]
            reason = (reason + "; " if reason else "") + f"keeps the first {max_selections}"
        return (chosen or None), reason if chosen else (reason or "selects nothing")

    return read


def bool_reader(values: list[str]) -> tuple[Any, str | None]:
    """Reads true/false, also 1/0, yes/no and on/off."""
    text = values[-1].strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, "is not true or false"


def text_reader(max_chars: int) -> Reader:
    """Reads text, cut to ``max_chars``."""

    def read(values: list[str]) -> tuple[Any, str | None]:
        text = values[-1]
        if len(text) > max_chars:
            return text[:max_chars], f"is {len(text):,} characters long; cut to the first {max_chars}"
        return text, None

    return read


# --- bound widgets -------------------------------------------------------------------


def _bind(
    key: str,
    default: Any,
    read: Reader,
    to_url: Callable[[Any], list[str]],
    show: Callable[[Any], str],
    render: Callable[[], Any],
    numeric: bool = False,
) -> Any:
    """Prefill from the link, create the widget with ``render``, and register it for the check."""
    _prefill(key, read, to_url, numeric)
    accepted = render()
    st.session_state[_BOUND][key] = Bound(key, accepted, default, read, to_url, show)
    st.session_state.setdefault(_VISIT_KEYS, set()).add(key)
    return accepted


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
    if is_range:
        read = range_reader(min_value, max_value, integer)
        to_url = lambda v: [str(x) for x in v]
        show = lambda v: f"{_format_number(v[0])} to {_format_number(v[1])}"
    else:
        read, to_url, show = number_reader(min_value, max_value, integer), lambda v: [str(v)], _format_number
    return _bind(
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

    return _bind(
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
    default = options[0] if default is None else default
    common = dict(format_func=labels.get, key=key, help=help, on_change=on_change, bind="query-params")

    def render() -> Any:
        if widget == "radio":
            return container.radio(label, options, index=options.index(default), horizontal=True, **common)
        if widget == "segmented":
            chosen = container.segmented_control(label, options, default=default, **common)
            return default if chosen is None else chosen
        return container.selectbox(label, options, index=options.index(default), **common)

    return _bind(key, default, option_reader(options, labels), lambda v: [labels[v]], labels.get, render)


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
    """A multiple choice bound to the URL as a repeated key (``?act=ReLU&act=tanh``)."""
    options = list(options)
    labels = dict(labels) if labels else {o: str(o) for o in options}
    return _bind(
        key,
        list(default),
        options_reader(options, labels, max_selections),
        lambda v: [labels[o] for o in v],
        lambda v: ", ".join(labels[o] for o in v) if v else "none",
        lambda: container.multiselect(
            label,
            options,
            default=list(default),
            format_func=labels.get,
            key=key,
            help=help,
            max_selections=max_selections,
            bind="query-params",
        ),
    )


def toggle(label: str, key: str, value: bool = False, *, help: str | None = None, container=st) -> bool:
    """An on/off switch bound to the URL; the URL may say true/false, 1/0, yes/no or on/off."""
    return _bind(
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
    return _bind(
        key,
        value,
        text_reader(max_chars),
        lambda v: [v],
        lambda v: _code(v) if v else "nothing",
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
    return _bind(
        key,
        value,
        number_reader(min_value, max_value, integer),
        lambda v: [str(v)],
        _format_number,
        lambda: container.number_input(
            label, min_value, max_value, value, step, key=key, help=help, bind="query-params"
        ),
        numeric=True,
    )


# --- presets ------------------------------------------------------------------------


def preset_picker(
    presets: Mapping[str, Mapping[str, Any]], labels: Mapping[str, str], key: str = "preset", container=st
) -> str:
    """A choice of named scenes, linkable as ``?preset=name``: picking one sets the widgets it
    names. Values given explicitly in the same link win over the preset's."""
    options = ["custom", *presets]
    all_labels = {"custom": "— your own settings —", **labels}

    def apply() -> None:
        st.session_state[_PRESET_SCENE] = None
        for widget_key, value in presets.get(st.session_state[key], {}).items():
            st.session_state[widget_key] = value

    stale = st.session_state.pop(_PRESET_STALE, None)
    if stale and stale[0] == key:
        # Leave the scene: re-assert each of its widgets' current values, which writes them
        # into the link, and show "custom".
        st.session_state[key] = "custom"
        for widget_key in stale[1]:
            if widget_key in st.session_state:
                st.session_state[widget_key] = st.session_state[widget_key]
        st.session_state[_PRESET_SCENE] = None
    values = _raw(key)
    if values is not None:
        name, _ = option_reader(options, all_labels)(values)
        raw = st.session_state.get(_RAW) or {}
        for widget_key, value in presets.get(name, {}).items():
            if widget_key not in raw:
                st.session_state[widget_key] = value
    chosen = selectbox(
        "Scene",
        key,
        options,
        "custom",
        labels=all_labels,
        on_change=apply,
        container=container,
        help="Named settings that reproduce a published figure or a classroom demonstration. "
        "Each is a link: ?preset=<name>.",
    )
    st.session_state[_PRESET] = (key, chosen, list(presets.get(chosen, {})))
    return chosen


# --- lecture mode, prose, export ------------------------------------------------------


def lecture_mode() -> bool:
    """Whether the lecture-mode toggle in the sidebar is on (also ``?lecture=1``)."""
    return bool(st.session_state.get("lecture", False))


def lecture_requested() -> bool:
    """Whether this run will be in lecture mode, known before the toggle renders: the toggle's
    state once it exists, else what the link says (``?lecture=1``)."""
    if "lecture" in st.session_state:
        return bool(st.session_state["lecture"])
    value, _ = bool_reader(st.query_params.get_all("lecture") or ["false"])
    return bool(value)


def prose(text: str, title: str = "Explanation") -> None:
    """Explanatory text: shown in place, or folded into an expander in lecture mode."""
    if lecture_mode():
        with st.expander(title):
            st.markdown(text)
    else:
        st.markdown(text)


def presenter_notes(points: Sequence[str]) -> None:
    """Talking points written from the numbers on screen; shown in lecture mode only."""
    if lecture_mode() and points:
        with st.expander("Presenter notes", expanded=False):
            st.markdown("\n".join(f"- {p}" for p in points))


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
    )


def chart(figure: alt.TopLevelMixin, data: pd.DataFrame, name: str) -> None:
    """A chart with its data downloadable as CSV; PNG comes from the chart's own toolbar."""
    st.altair_chart(figure, key=f"chart_{name}")
    download_csv(data, name)


# Built chart specs by name and key, across every page: a few hundred kB each at most.
CHART_SPEC_ENTRIES = 256


@st.cache_data(max_entries=CHART_SPEC_ENTRIES, show_spinner=False)
def _chart_spec(name: str, key: tuple, _build: Callable[[], alt.TopLevelMixin]) -> dict:
    """The Vega-Lite spec of ``_build()`` exactly as ``st.altair_chart`` would send it (theme
    "none", datasets as Arrow), built once per ``name`` and ``key``."""
    # Streamlit's own conversion, under the lock that guards Altair's global data transformers.
    # It is private API: requirements.txt pins streamlit, and a unit test checks it is there.
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return _convert_altair_to_vega_lite_spec(_build())


def cached_chart(
    name: str,
    key: tuple,
    build: Callable[[], alt.TopLevelMixin],
    data: pd.DataFrame,
    *,
    datasets: Mapping[str, pd.DataFrame] | None = None,
    chart_key: str | None = None,
    on_select: Callable[[], None] | None = None,
    selection_mode: str | None = None,
) -> None:
    """``chart(build(), data, name)``, with the built spec cached under ``(name, key)``.

    Building and validating an Altair chart costs 10–600 ms, often more than the rest of a
    rerun, so a page passes ``key``: plain values that fix everything the chart shows (the
    settings its data was computed from, lecture mode, …); ``build`` and ``data`` are not
    hashed. A chart built on named data (``alt.NamedData``) can be cached on its layout alone
    and given fresh ``datasets`` each run. ``on_select`` and ``selection_mode`` make a selection
    call back, as in ``st.altair_chart``.
    """
    spec = _chart_spec(name, key, build)
    if datasets is not None:
        spec["datasets"] = dict(datasets)
    selection = {} if on_select is None else {"on_select": on_select, "selection_mode": selection_mode}
    st.vega_lite_chart(spec=spec, key=chart_key or f"chart_{name}", **selection)
    download_csv(data, name)


def table(frame: pd.DataFrame, name: str, *, hide: Sequence[str] = ()) -> None:
    """A table with a CSV download of the same rows."""
    st.dataframe(frame.drop(columns=list(hide)), hide_index=True)
    download_csv(frame.drop(columns=list(hide)), name, "Download table (CSV)")


def share_link() -> None:
    """The link to the scene on screen, as text with a copy button (for a slide or a chat)."""
    base = st.context.url or ""
    bound: Mapping[str, Bound] = st.session_state.get(_BOUND, {})
    pairs = [
        (key, item)
        for key, widget in bound.items()
        if widget.value != widget.default
        for item in widget.to_url(widget.value)
    ]
    link = base + ("?" + urlencode(pairs) if pairs else "")
    st.caption("Link to this view (copy with the icon):")
    st.code(link or "(open the app in a browser to get a link)", language=None, wrap_lines=True)


def escape(text: str) -> str:
    """User-typed text made safe for Markdown: HTML, backticks, and every character Markdown or
    Streamlit would read as markup (``*`` in ``x**2``, ``$`` as LaTeX, ``[``, ``~``, ``|``, …)."""
    return markdown_escape(html.escape(text).replace("`", "ˋ"))


# --- the activation controls and cached computations -----------------------------------

ACTIVATION_LABELS = {key: a.label for key, a in ACTIVATIONS.items()}


def activation_picker(
    key: str = "act", default: Sequence[str] = DEFAULT_ACTIVATIONS, container=st
) -> list[str]:
    """Choose any set of registered activations (URL: ``?act=ReLU&act=tanh``)."""
    return multiselect(
        "Activations",
        key,
        list(ACTIVATIONS),
        default,
        labels=ACTIVATION_LABELS,
        help="Each activation keeps its colour on every page.",
        container=container,
    )


def parameter_sliders(keys: Sequence[str]) -> dict[str, dict[str, float]]:
    """A slider for each parameter of the chosen activations, three to a row; key → {param: value}."""
    params = [(key, param) for key in keys for param in ACTIVATIONS[key].params]
    columns = st.columns(3) if params else []
    chosen: dict[str, dict[str, float]] = {}
    for i, (activation_key, param) in enumerate(params):
        value = slider(
            param.label,
            param.url_key,
            param.low,
            param.high,
            param.default,
            param.step,
            help=param.help,
            container=columns[i % 3],
        )
        chosen.setdefault(activation_key, {})[param.name] = value
    return chosen


def formulas(keys: Sequence[str], typed: str | None) -> list[tuple[str, str, str]]:
    """(label, LaTeX of f, LaTeX of f') for each chosen activation."""
    return [
        (c.activation.label, c.activation.latex, c.activation.grad_latex) for c in _chosen(keys, (), typed)
    ]


def _params_items(params: Mapping[str, Mapping[str, float]]) -> tuple[tuple[str, str, float], ...]:
    return tuple(sorted((k, name, float(v)) for k, values in params.items() for name, v in values.items()))


def _chosen(
    keys: Sequence[str], params_items: tuple[tuple[str, str, float], ...], typed: str | None
) -> list[Chosen]:
    params: dict[str, dict[str, float]] = {}
    for key, name, value in params_items:
        params.setdefault(key, {})[name] = value
    chosen = [Chosen(ACTIVATIONS[k], params.get(k, {})) for k in keys]
    if typed:
        chosen.append(Chosen(parse_activation(typed)))
    return chosen


def typed_activation(text: str) -> tuple[str | None, str | None]:
    """(the expression if it parses, the error message otherwise) for a typed activation."""
    if not text or not text.strip():
        return None, None
    try:
        parse_activation(text)
    except ValueError as error:
        return None, str(error)
    return text.strip(), None


# Points per curve on the Activations page: 201 is under two pixels a segment on the widest panel.
# Each point is a datum the browser's chart evaluates on every redraw; with 401 a cached rerun
# cost the browser 300–435 ms of main thread, with 201 190–320 ms (CDP Performance metrics).
CURVE_POINTS = 201


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def curves(
    keys: tuple[str, ...], params_items: tuple, x_min: float, x_max: float, typed: str | None
) -> CurveSet:
    """Cached ``activation_curves`` for registry keys, parameter values and a typed expression."""
    return activation_curves(_chosen(keys, params_items, typed), x_min, x_max, CURVE_POINTS)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def properties(keys: tuple[str, ...], params_items: tuple, typed: str | None) -> pd.DataFrame:
    """Cached properties table rows, with the measured cost of f + f' relative to ReLU."""
    chosen = _chosen(keys, params_items, typed)
    rows = pd.DataFrame([activation_properties(item) for item in chosen])
    for column, values in cost_columns([_cost(item) for item in chosen]).items():
        rows[column] = values
    return rows


def _cost(item: Chosen) -> tuple[float, float]:
    if item.activation.key == "typed":
        return typed_evaluation_cost(item.activation.expression)
    return evaluation_cost(item.activation.key, _params_items({item.activation.key: item.params}))


@st.cache_data(max_entries=256, show_spinner="Timing f and f′ on a million inputs…")
def evaluation_cost(key: str, params_items: tuple) -> tuple[float, float]:
    """(seconds for f + f' on a million float64 inputs, seconds for ReLU in the same runs),
    measured once per process and setting."""
    return evaluation_costs(_chosen((key,), params_items, None))[0]


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner="Timing f and f′ on a million inputs…")
def typed_evaluation_cost(expression: str) -> tuple[float, float]:
    """(seconds, ReLU's seconds in the same runs) for a typed expression's f + numerical f' on a
    million inputs."""
    return evaluation_costs([Chosen(parse_activation(expression))])[0]


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def slope_sentence(
    keys: tuple[str, ...], params_items: tuple, typed: str | None, x_min: float, x_max: float
) -> str:
    """The largest-slope comparison of the chosen functions on the x range shown, written from
    their derivatives."""
    return describe_slopes(_chosen(keys, params_items, typed), x_min=x_min, x_max=x_max)


def params_items(params: Mapping[str, Mapping[str, float]]) -> tuple[tuple[str, str, float], ...]:
    """Activation parameters as a hashable tuple, the form the cached functions take."""
    return _params_items(params)


def page_link(path: str, label: str) -> None:
    """A link to another page of the app, or plain text if that page is not registered."""
    try:
        st.page_link(path, label=label, icon=":material/arrow_forward:")
    except StreamlitAPIException:
        st.markdown(label)


@st.cache_data(max_entries=1, show_spinner=False)
def matmul_cost() -> float:
    """Seconds for a 1000 × 1000 matrix product, measured once per process (the scale for costs)."""
    return matmul_seconds()


# --- the home page's story -------------------------------------------------------------


@st.cache_data(max_entries=4, show_spinner=False)
def linear_collapse() -> story.LinearCollapse:
    """Cached ``story.linear_collapse``."""
    return story.linear_collapse()


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def chain_rule(activation: str, depth: int) -> story.ChainRule:
    """Cached ``story.chain_rule``."""
    return story.chain_rule(activation, depth)


@st.cache_data(max_entries=4, show_spinner=False)
def slope_bounds() -> pd.DataFrame:
    """Cached ``story.slope_bounds``."""
    return story.slope_bounds()


@st.cache_data(max_entries=4, show_spinner=False)
def dead_relu_units() -> story.DeadUnits:
    """Cached ``story.dead_relu_units``."""
    return story.dead_relu_units()


def gated_versus_squashed() -> tuple[float, float]:
    """``story.gated_versus_squashed`` (two powers; not worth caching)."""
    return story.gated_versus_squashed()


@st.cache_data(max_entries=4, show_spinner=False)
def initialization_story() -> story.InitializationStory:
    """Cached ``story.initialization_story``."""
    return story.initialization_story()


@st.cache_data(max_entries=4, show_spinner=False)
def fixes_story() -> story.FixesStory:
    """Cached ``story.fixes_story``."""
    return story.fixes_story()


# --- the MLP comparison page -------------------------------------------------------------
# scikit-learn loads on first use (``_mlp``), so pages that never train a net do not pay for it.

# The widgets' ranges, inside sklearn_mlp.LIMITS: 100 points leave 75 to train on; a batch below 8
# makes an epoch hundreds of tiny steps.
MLP_SAMPLES = (100, 2000, 50)  # min, max, step
MLP_WIDTH = (1, 64)
MLP_EPOCHS = (10, 1000, 10)
MLP_NOISE_STEP = 0.05
MLP_SEEDS = (0, 9999)
MLP_BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
# Log-spaced, 1, 2, 3 and 5 per decade from LIMITS' 1e-4 to 10. Rounding makes each the float a
# preset or a link writes (0.05, where 5 * 0.01 is 0.05000000000000000104).
MLP_LEARNING_RATES = (*(round(m * 10.0**e, 12) for e in range(-4, 1) for m in (1, 2, 3, 5)), 10.0)
# A comparison pickles to about 0.6 MB, so the cache holds at most about 10 MB per process.
MLP_CACHE_ENTRIES = 16
# What training costs here (fit_mlps, four activations, 10 epochs, measured on this 2-core machine
# at 500–2,000 points, 2–8 layers, widths 16–64 and batches 8–512; the model is within 15% of each):
# a layer's minibatch step costs a fixed 64 µs plus 0.8 ns per example per weight of a width × width
# layer, and every epoch 4.4 ms more (evaluation and history). The first model counted steps only
# and put every slider at its maximum at 22 s; it took 162 s. A setting over the budget trains for
# fewer epochs, with a warning, so one visitor cannot occupy a server for minutes.
MLP_SECONDS_PER_LAYER_STEP = 64e-6
MLP_SECONDS_PER_EXAMPLE_WEIGHT = 0.8e-9
MLP_SECONDS_PER_EPOCH = 4.4e-3
MLP_SECONDS_BUDGET = 30.0
# Preset settings are fit_mlps' arguments; the page's widgets have short URL keys.
MLP_WIDGET_KEYS = {
    "dataset": "data",
    "noise": "noise",
    "n_samples": "n",
    "activations": "act",
    "solver": "solver",
    "learning_rate": "lr",
    "batch_size": "batch",
    "epochs": "epochs",
    "seed": "seed",
}


def _mlp():
    """The ``sklearn_mlp`` module, imported on first use."""
    from . import sklearn_mlp

    return sklearn_mlp


def mlp_activation_labels() -> dict[str, str]:
    """Registry key → label for the activations scikit-learn's MLPClassifier offers."""
    return {key: ACTIVATION_LABELS[key] for key in _mlp().SKLEARN_ACTIVATIONS}


def mlp_dataset_labels() -> dict[str, str]:
    """Dataset key → label, in registry order."""
    from .datasets import DATASETS

    return {key: entry.label for key, entry in DATASETS.items()}


def mlp_dataset_description(key: str) -> str:
    """One sentence on what the dataset ``key`` is."""
    from .datasets import get_dataset

    return get_dataset(key).description


def mlp_defaults() -> dict[str, Any]:
    """``fit_mlps``' defaults as widget values (the dataset's own default noise)."""
    return mlp_scene(_mlp().DEFAULTS)


def mlp_train_size(n_samples: int) -> int:
    """Training points out of ``n_samples`` after the comparison's test split (ceil for the test set,
    as scikit-learn's train_test_split does)."""
    return n_samples - math.ceil(_mlp().DEFAULTS["test_fraction"] * n_samples)


def mlp_batch_sizes(n_samples: int) -> list[int]:
    """The batch sizes offered for ``n_samples`` points: none larger than the training set."""
    return [b for b in MLP_BATCH_SIZES if b <= mlp_train_size(n_samples)]


def _mlp_epoch_seconds(n_activations: int, depth: int, n_samples: int, batch_size: int, width: int) -> float:
    """The expected time of one epoch of every net, from the measured costs above."""
    steps = math.ceil(mlp_train_size(n_samples) / batch_size)
    layer_step = MLP_SECONDS_PER_LAYER_STEP + MLP_SECONDS_PER_EXAMPLE_WEIGHT * batch_size * width * width
    return max(n_activations, 1) * (steps * (depth + 1) * layer_step + MLP_SECONDS_PER_EPOCH)


def mlp_epoch_budget(
    n_activations: int, depth: int, n_samples: int, batch_size: int, width: int = MLP_WIDTH[1]
) -> int:
    """The most epochs (a multiple of 10, at least 10) expected to train within MLP_SECONDS_BUDGET."""
    per_epoch = _mlp_epoch_seconds(n_activations, depth, n_samples, batch_size, width)
    return max(10, int(MLP_SECONDS_BUDGET / per_epoch) // 10 * 10)


def mlp_training_seconds(
    n_activations: int, depth: int, n_samples: int, batch_size: int, epochs: int, width: int = MLP_WIDTH[1]
) -> float:
    """The expected training time of a setting on this machine, from the measured costs."""
    return epochs * _mlp_epoch_seconds(n_activations, depth, n_samples, batch_size, width)


def mlp_scene(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``fit_mlps`` settings (a preset's) as the page's widget values, keyed by URL parameter.

    A ValueError says what the settings ask for that the widgets cannot show."""
    from .datasets import get_dataset

    widths = tuple(settings["hidden_layers"])
    if len(set(widths)) != 1:
        raise ValueError(f"The page builds hidden layers of one width; the settings ask for {widths}")
    fraction = _mlp().DEFAULTS["test_fraction"]
    if settings["test_fraction"] != fraction:
        raise ValueError(f"The page keeps test_fraction at {fraction}; got {settings['test_fraction']}")
    scene = {MLP_WIDGET_KEYS[name]: settings[name] for name in MLP_WIDGET_KEYS}
    if scene["noise"] is None:
        scene["noise"] = get_dataset(settings["dataset"]).default_noise
    scene["act"] = list(scene["act"])
    scene["depth"], scene["width"] = len(widths), widths[0]
    return scene


def mlp_scenes() -> dict[str, dict[str, Any]]:
    """Every MLP preset as widget values, for ``preset_picker`` (``?preset=dying_relu``)."""
    return {name: mlp_scene(preset["settings"]) for name, preset in _mlp().PRESETS.items()}


def mlp_scene_labels() -> dict[str, str]:
    """Preset name → its label in the scene picker."""
    return {name: preset["label"] for name, preset in _mlp().PRESETS.items()}


def mlp_scene_description(name: str) -> str | None:
    """What the preset ``name`` demonstrates; None for the user's own settings."""
    preset = _mlp().PRESETS.get(name)
    return preset["description"] if preset else None


@st.cache_data(max_entries=MLP_CACHE_ENTRIES, show_spinner=False)
def mlp_comparison(
    dataset: str,
    activations: tuple[str, ...],
    depth: int,
    width: int,
    solver: str,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    n_samples: int,
    noise: float,
    seed: int,
    _progress: Callable[[float], object] | None = None,
) -> MLPComparison:
    """Cached ``fit_mlps`` with ``depth`` hidden layers of ``width`` units; ``_progress`` is not part
    of the cache key."""
    return _mlp().fit_mlps(
        dataset,
        activations,
        (width,) * depth,
        solver=solver,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        n_samples=n_samples,
        noise=noise,
        seed=seed,
        progress=_progress,
    )


def train_mlps(**settings: Any) -> tuple[MLPComparison | None, str | None]:
    """``mlp_comparison(**settings)`` with a progress bar while a new setting trains.

    Returns (the comparison, None), or (None, the reason) when ``fit_mlps`` refuses the input. A
    cached setting returns at once and draws no bar: only training calls the progress callback.
    """
    bar = st.empty()
    nets, epochs = len(settings["activations"]), settings["epochs"]
    text = f"Training {nets} network{'s' if nets > 1 else ''} for {epochs} epochs"
    # st.cache_data records each element drawn while the cached function runs, to replay it on a
    # cache hit, and a hit then fails for a bar created outside the function. Drawing the bar in
    # the context captured here, outside the function, keeps it out of the record.
    outside = contextvars.copy_context()

    def progress(fraction: float) -> None:
        outside.run(bar.progress, fraction, text=f"{text}: {fraction:.0%}")

    try:
        return mlp_comparison(**settings, _progress=progress), None
    except ValueError as error:
        return None, str(error)
    finally:
        bar.empty()


def mlp_chart(
    comparison: MLPComparison,
    name: str,
    lecture: bool,
    build: Callable[[], alt.TopLevelMixin],
    data: pd.DataFrame,
) -> None:
    """``chart(build(), data, name)`` for a chart of ``comparison``, built once per trained
    setting, chart and layout: the comparison's settings identify everything it shows."""
    cached_chart(name, (tuple(comparison.settings.items()), lecture), build, data)


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``activation`` column as ``key`` and the activation's label beside it."""
    labelled = frame.rename(columns={"activation": "key"})
    labelled.insert(1, "label", labelled["key"].map(ACTIVATION_LABELS))
    return labelled


def mlp_history(comparison: MLPComparison) -> pd.DataFrame:
    """Loss and accuracies per epoch, labelled, for the learning curves."""
    return _with_labels(comparison.history)


def mlp_updates(comparison: MLPComparison) -> pd.DataFrame:
    """‖ΔW_l‖/‖W_l‖ per layer and epoch, labelled, for the heatmap."""
    return _with_labels(comparison.updates)


def mlp_gradients(comparison: MLPComparison) -> pd.DataFrame:
    """Gradient norms per layer and epoch (scikit-learn's private API), labelled."""
    return _with_labels(comparison.gradients)


def mlp_dead_units(comparison: MLPComparison) -> pd.DataFrame:
    """ReLU's dead fraction per hidden layer and epoch, with a series name per layer."""
    dead = comparison.dead.drop(columns="activation")
    dead.insert(0, "hidden layer", "layer " + dead["layer"].astype(str))
    return dead


def mlp_panel_titles(comparison: MLPComparison) -> dict[str, str]:
    """Registry key → decision-boundary panel title, with the net's test accuracy."""
    titles = {}
    for row in comparison.summary.itertuples(index=False):
        status = f", diverged at epoch {row.diverged_epoch}" if row.diverged else ""
        titles[row.activation] = f"{row.label}: test accuracy {row.test_accuracy:.2f}{status}"
    return titles


def mlp_summary_table(comparison: MLPComparison) -> pd.DataFrame:
    """One row per activation, as a learner reads it: words where a number does not apply."""
    s = comparison.summary
    reach = f"test ≥ {_mlp().REACHED:g} at"
    return pd.DataFrame(
        {
            "activation": s["label"],
            "scikit-learn": s["sklearn_name"],
            "train acc": s["train_accuracy"].round(3),
            "test acc": s["test_accuracy"].round(3),
            "loss": s["final_loss"].round(4),
            "epochs": s["epochs"],
            "diverged": [
                f"epoch {e}" if d else "no" for d, e in zip(s["diverged"], s["diverged_epoch"], strict=True)
            ],
            reach: ["never" if pd.isna(e) else f"epoch {e}" for e in s["epochs_to_reach"]],
            "dead units": ["—" if pd.isna(d) else f"{d:.0%}" for d in s["dead_fraction"]],
            "fit s": s["fit_seconds"].round(2),
        }
    )


def mlp_messages(comparison: MLPComparison) -> tuple[list[str], list[str]]:
    """``comparison.messages`` split into (nets that diverged, everything else)."""
    prefixes = tuple(f"{label} diverged at epoch" for label in comparison.summary["label"])
    diverged = [m for m in comparison.messages if m.startswith(prefixes)]
    return diverged, [m for m in comparison.messages if not m.startswith(prefixes)]


def mlp_loss_sentence(comparison: MLPComparison) -> str:
    """Each net's final training loss, lowest first, against ln 2 (a net that always says 1/2)."""
    rows = list(comparison.summary.sort_values("final_loss").itertuples(index=False))
    parts = ", ".join(f"{r.label} {r.final_loss:.3g}" for r in rows)
    flat = [r.label for r in rows if 0.9 * math.log(2) <= r.final_loss <= 1.1 * math.log(2)]
    tail = (
        f" Within 10% of ln 2 = {math.log(2):.3f}, the loss of a net that answers 1/2 for every "
        f"point: {' and '.join(flat)}."
        if flat
        else ""
    )
    return f"Training loss after the last epoch: {parts}.{tail}"


def _times(ratio: float, less: str, more: str, same: str) -> str:
    """ "N× less" for a ratio ≥ 2, "N× more" for one ≤ 1/2 (as 1/ratio), else ``same``."""
    if ratio >= 2:
        return f"{ratio:,.0f}× {less}"
    if ratio <= 0.5:
        return f"{1 / ratio:,.0f}× {more}"
    return same


def _mlp_early_gradients(comparison: MLPComparison) -> tuple[pd.DataFrame, int, int] | None:
    """Per net, the median gradient norm of the first and the output layer over the recorded epochs
    in the update sentences' window (1 to EARLY_EPOCHS, or the first recorded epoch after 0), with
    that window's first and last epoch; None without gradient norms."""
    g = comparison.gradients
    trained = g[g["epoch"] > 0]
    if trained.empty:
        return None
    until = max(_mlp().EARLY_EPOCHS, int(trained["epoch"].min()))
    early = trained[trained["epoch"] <= until]
    output = len(comparison.settings["hidden_layers"]) + 1
    medians = early.groupby(["activation", "layer"])["gradient_norm"].median().unstack("layer")
    frame = pd.DataFrame({"first": medians[1], "output": medians[output]})
    return frame, int(early["epoch"].min()), int(early["epoch"].max())


def mlp_layer_sentences(comparison: MLPComparison) -> list[str]:
    """Per net: how its first layer's relative update compares with its output layer's early on,
    beside how their gradient norms compare; then what the solver makes of the two (with Adam the
    update sizes do not follow the gradients, with plain SGD they do)."""
    if len(comparison.settings["hidden_layers"]) < 2:
        return []
    epochs = min(_mlp().EARLY_EPOCHS, int(comparison.summary["epochs"].max()))
    early = _mlp_early_gradients(comparison)
    out, contrasts = [], []
    for row in comparison.summary.itertuples(index=False):
        first, last = row.first_layer_update, row.output_layer_update
        if not (first > 0 and last > 0):
            continue
        update_ratio = last / first
        compare = _times(update_ratio, "less than", "more than", "about as much as")
        gradient = ""
        if early is not None and row.activation in early[0].index:
            g_first, g_out = early[0].loc[row.activation, ["first", "output"]]
            if g_first > 0 and g_out > 0:
                gradient_ratio = g_out / g_first
                span = f"epoch {early[1]}" if early[1] == early[2] else f"epochs {early[1]}–{early[2]}"
                gradient = (
                    f"; its gradient norm is {_times(gradient_ratio, 'smaller than', 'larger than', 'about the same as')} "
                    f"the output layer's ({g_first:.1e} against {g_out:.1e}, median over {span})"
                )
                contrasts.append((row.label, update_ratio, gradient_ratio))
        out.append(
            f"**{row.label}**: over epochs 1–{epochs} the first layer's weights change by "
            f"{first:.1e} of their size per epoch (median), {compare} its output layer ({last:.1e}){gradient}."
        )
    if not out:
        return out
    # The net whose first layer's gradient is smallest against its output layer's shows the solver best.
    label, update_ratio, gradient_ratio = max(contrasts, key=lambda c: c[2], default=(None, 1.0, 1.0))
    if comparison.settings["solver"] == "adam":
        note = (
            "Adam, the solver here, divides each weight's step by the root mean square of that weight's "
            "own recent gradients, so a weight moves by about the learning rate or less per step whatever "
            "its gradient's size: these update sizes do not measure the gradient."
        )
        if label is not None and gradient_ratio >= 2 and update_ratio < 2:
            note += (
                f" In the {label} net the first layer's gradient is {gradient_ratio:,.0f}× smaller than the "
                f"output layer's, yet its weights move {_times(update_ratio, 'less than', 'more than', 'about as much as')} "
                "the output layer's relative to their size: the vanishing gradient shows in the gradient "
                "norms, not in Adam's updates."
            )
        elif label is not None and gradient_ratio >= 2:
            gap = ", a far smaller gap than the gradients'" if 3 * update_ratio <= gradient_ratio else ""
            note += (
                f" In the {label} net the first layer's gradient is {gradient_ratio:,.0f}× smaller than the "
                f"output layer's, and its weights move {update_ratio:,.0f}× less relative to their size{gap}."
            )
    else:
        note = (
            "Plain SGD, the solver here, moves each weight by the learning rate times its gradient, so a "
            "layer's update follows its gradient norm (divided by the layer's own size in this heatmap)."
        )
        if label is not None and gradient_ratio >= 2:
            note += (
                f" In the {label} net the first layer's gradient is {gradient_ratio:,.0f}× smaller than the "
                f"output layer's, and its weights move {_times(update_ratio, 'less than', 'more than', 'about as much as')} "
                "the output layer's relative to their size."
            )
    return [*out, note]


def mlp_gradient_sentence(comparison: MLPComparison) -> str | None:
    """Each net's gradient norm at the output layer divided by the one at the first layer, early on."""
    g = comparison.gradients
    if g.empty:
        return None
    epoch = int(g.loc[g["epoch"] >= min(10, int(g["epoch"].max())), "epoch"].min())
    at = g[g["epoch"] == epoch].pivot(index="activation", columns="layer", values="gradient_norm")
    last = int(at.columns.max())
    parts = [
        f"{ACTIVATION_LABELS[key]} {at.loc[key, last] / at.loc[key, 1]:,.3g}"
        for key in comparison.summary["activation"]
        if key in at.index and at.loc[key, 1] > 0
    ]
    if not parts:
        return None
    return (
        f"At epoch {epoch}, the gradient norm at the output layer divided by the one at the first "
        f"layer is: {', '.join(parts)}. The larger the ratio, the more the gradient shrank on its "
        "way back to the first layer."
    )


def mlp_linear_boundary(comparison: MLPComparison) -> float | None:
    """For the identity net: the largest gap between its log-odds over the grid and the best plane.

    A linear net's log-odds are exactly a plane in (x0, x1), so its boundary P = 1/2 is a straight
    line; this measures that on the trained net. None without identity, or where its probabilities
    are too near 0 or 1 for the log-odds to be computed exactly."""
    grid = comparison.grid[comparison.grid["activation"] == "identity"]
    p = grid["probability"].to_numpy()
    if len(p) == 0 or not ((p > 1e-9) & (p < 1 - 1e-9)).all():
        return None
    log_odds = np.log(p) - np.log1p(-p)
    design = np.column_stack([grid["x0"].to_numpy(), grid["x1"].to_numpy(), np.ones(len(p))])
    coefficients, *_ = np.linalg.lstsq(design, log_odds, rcond=None)
    return float(np.max(np.abs(design @ coefficients - log_odds)))


# --- the training page -------------------------------------------------------------------------
# Each section's computation is cached on its own, so a control in one section recomputes only it.

# training.SCENE_DEFAULTS names → the page's URL parameters.
TRAINING_WIDGET_KEYS = {
    "dataset": "data",
    "seed": "seed",
    "trials": "trials",
    "gradient_at": "sg_at",
    "examples": "budget",
    "race_learning_rate": "lr1",
    "activations": "acts",
    "depth": "depth",
    "init": "init",
    "learning_rate": "lr",
    "steps": "steps",
    "normal_learning_rate": "lr_ok",
    "high_learning_rate": "lr_hi",
    "bn_activation": "bn_act",
    "bn_depth": "bn_depth",
    "bn_learning_rate": "bn_lr",
    "gain": "gain",
    "value_threshold": "clip_v",
    "norm_threshold": "clip_n",
    "patience": "patience",
    "es_noise": "es_noise",
    "es_steps": "es_steps",
}
# Log-spaced, 1, 2, 3 and 5 per decade from 0.001 to 10 (rounded to the floats a link writes).
TRAINING_LEARNING_RATES = (*(round(m * 10.0**e, 12) for e in range(-3, 1) for m in (1, 2, 3, 5)), 10.0)
TRAINING_TRIALS = (25, 50, 100, 200, 400)
TRAINING_EXAMPLES = (1_200, 2_400, 4_800, 9_600)
TRAINING_VALUE_THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
TRAINING_NORM_THRESHOLDS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
TRAINING_GAINS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
TRAINING_STEPS = (100, 200, 300, 500, 1_000, 2_000)
# Each entry pickles to at most a few hundred kB; seven caches of 16 stay within tens of MB.
TRAINING_CACHE_ENTRIES = 16


def _training():
    """The ``training`` module (numpy only; imported on first use like ``sklearn_mlp``)."""
    from . import training

    return training


def training_defaults() -> dict[str, Any]:
    """The page's default widget values, keyed by URL parameter."""
    return training_scene(_training().SCENE_DEFAULTS)


def training_scene(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Scene settings (``training.SCENE_DEFAULTS`` names) as widget values keyed by URL parameter."""
    return {
        TRAINING_WIDGET_KEYS[name]: list(value) if isinstance(value, tuple) else value
        for name, value in settings.items()
    }


def training_scenes() -> dict[str, dict[str, Any]]:
    """Every training preset as widget values, for ``preset_picker`` (``?preset=deep_sigmoid``)."""
    return {name: training_scene(p["settings"]) for name, p in _training().PRESETS.items()}


def training_scene_labels() -> dict[str, str]:
    """Preset name → its label in the scene picker."""
    return {name: p["label"] for name, p in _training().PRESETS.items()}


def training_scene_description(name: str) -> str | None:
    """What the preset ``name`` shows; None for the user's own settings."""
    preset = _training().PRESETS.get(name)
    return preset["description"] if preset else None


def training_dataset_labels() -> dict[str, str]:
    """Dataset key → label, in registry order."""
    from .datasets import DATASETS

    return {key: entry.label for key, entry in DATASETS.items()}


def training_initializer_labels() -> dict[str, str]:
    """Initializer key → label, in registry order."""
    from .initializers import INITIALIZERS

    return {key: entry.label for key, entry in INITIALIZERS.items()}


def training_compute(function: Callable[..., Any], text: str, **kwargs: Any) -> tuple[Any, str | None]:
    """``function(**kwargs)`` (a cached training computation) with a progress bar while it runs.

    Returns (the result, None), or (None, the reason) when the explainer refuses the input. A cache
    hit returns at once and draws no bar: only a computation calls the progress callback."""
    bar = st.empty()
    # Drawn in the context captured outside the cached function, so st.cache_data does not record
    # the bar as one of the function's elements (see train_mlps).
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


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_minibatch(
    dataset: str, seed: int, trials: int, trained: bool, _progress: Callable[[float], object] | None = None
) -> pd.DataFrame:
    """Cached ``minibatch_gradient_error`` at ``minibatch_state(dataset, trained, seed)``."""
    t = _training()
    state = t.minibatch_state(dataset, trained=trained, seed=seed)
    return t.minibatch_gradient_error(dataset, state, t.BATCH_SIZES, trials, seed, progress=_progress)


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_race(
    dataset: str,
    seed: int,
    examples: int,
    learning_rate: float,
    _progress: Callable[[float], object] | None = None,
):
    """Cached ``batch_size_race`` (b = 1, 16, 128 and the full batch)."""
    return _training().batch_size_race(
        dataset, examples=examples, learning_rate=learning_rate, seed=seed, progress=_progress
    )


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_gradients(
    dataset: str,
    seed: int,
    activations: tuple[str, ...],
    depth: int,
    init: str,
    learning_rate: float,
    steps: int,
    _progress: Callable[[float], object] | None = None,
):
    """Cached ``gradient_comparison`` with ``depth`` hidden layers of 32 units."""
    return _training().gradient_comparison(
        dataset,
        activations,
        (32,) * depth,
        init,
        learning_rate=learning_rate,
        steps=steps,
        seed=seed,
        progress=_progress,
    )


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_dying(
    dataset: str,
    seed: int,
    learning_rate: float,
    high_learning_rate: float,
    _progress: Callable[[float], object] | None = None,
):
    """Cached ``dying_relu``."""
    return _training().dying_relu(
        dataset,
        learning_rate=learning_rate,
        high_learning_rate=high_learning_rate,
        seed=seed,
        progress=_progress,
    )


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_batchnorm(
    dataset: str,
    seed: int,
    activation: str,
    depth: int,
    learning_rate: float,
    _progress: Callable[[float], object] | None = None,
):
    """Cached ``batchnorm_comparison`` with ``depth`` hidden layers of 32 units."""
    return _training().batchnorm_comparison(
        dataset, activation, (32,) * depth, learning_rate=learning_rate, seed=seed, progress=_progress
    )


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_clipping(
    dataset: str,
    seed: int,
    gain: float,
    value_threshold: float,
    norm_threshold: float,
    _progress: Callable[[float], object] | None = None,
):
    """Cached ``clipping_comparison``."""
    return _training().clipping_comparison(
        dataset,
        gain=gain,
        value_threshold=value_threshold,
        norm_threshold=norm_threshold,
        seed=seed,
        progress=_progress,
    )


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def _overfitting_run(
    dataset: str, seed: int, noise: float, steps: int, _progress: Callable[[float], object] | None = None
):
    """Cached run of ``early_stopping_run``'s network (patience does not retrain it)."""
    return (
        _training().early_stopping_run(dataset, noise=noise, steps=steps, seed=seed, progress=_progress).run
    )


@st.cache_data(max_entries=TRAINING_CACHE_ENTRIES, show_spinner=False)
def training_early_stopping(
    dataset: str,
    seed: int,
    noise: float,
    steps: int,
    patience: int,
    _progress: Callable[[float], object] | None = None,
):
    """Cached ``early_stopping`` of the cached overfitting run (a new patience does not retrain)."""
    return _training().early_stopping(_overfitting_run(dataset, seed, noise, steps, _progress), patience)


def training_divergences(comparison) -> list[str]:
    """ "<run> diverged at step k: …" for each run of a comparison that diverged."""
    return [
        f"**{name}** {run.message}." for name, run in comparison.runs.items() if run.diverged_at is not None
    ]


def training_minibatch_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The minibatch-error rows as a learner reads them."""
    return pd.DataFrame(
        {
            "batch size b": frame["batch_size"],
            "relative error ‖g_b − g‖/‖g‖": frame["relative_error"].round(3),
            "1/√b law": frame["law"].round(3),
            "mean cosine with g": frame["cosine"].round(3),
            "µs per step": (frame["seconds_per_step"] * 1e6).round(0),
        }
    )


def training_race_table(race) -> pd.DataFrame:
    """The batch-size race summary as a learner reads it."""
    s = race.summary
    return pd.DataFrame(
        {
            "run": s["run"],
            "steps": s["steps"],
            "final training loss": s["final_loss"].round(4),
            f"examples to reach {s['target_loss'].iloc[0]:.3f}": [
                "never" if pd.isna(e) else f"{e:,}" for e in s["examples_to_target"]
            ],
            "seconds (all steps)": s["seconds"].round(3),
        }
    )


def training_gradient_frame(comparison) -> pd.DataFrame:
    """run, step, layer, grad_norm for the heatmap."""
    return comparison.layers[["run", "key", "label", "step", "layer", "grad_norm"]]


def training_zero_gradients(comparison) -> str | None:
    """A sentence naming runs with exactly-zero layer gradients (blank on the log heatmap)."""
    zero = comparison.layers[comparison.layers["grad_norm"] == 0]
    if zero.empty:
        return None
    parts = [f"{run} ({len(rows)} cells)" for run, rows in zero.groupby("run", sort=False)]
    return (
        f"Blank cells are layers whose gradient is exactly 0 (a log scale cannot show 0): {', '.join(parts)}."
    )


def training_summary_table(comparison) -> pd.DataFrame:
    """One row per run of a comparison, as a learner reads it."""
    s = comparison.summary
    return pd.DataFrame(
        {
            "run": s["run"],
            "training loss": [
                f"{a:.3g} → {b:.3g}" for a, b in zip(s["initial_loss"], s["final_loss"], strict=True)
            ],
            "test accuracy": s["test_accuracy"].round(3),
            "dead units": [f"{d:.0%}" for d in s["dead_fraction"]],
            "layer 1 ÷ last layer gradient": [f"{r:.3g}" for r in s["first_over_last"]],
            "steps": s["steps_done"],
            "diverged": ["no" if pd.isna(d) else f"at step {d}" for d in s["diverged_at"]],
        }
    )


def training_dead_frame(dying) -> pd.DataFrame:
    """run, step, layer, dead_fraction of the three dying-ReLU runs."""
    return dying.comparison.layers[["run", "step", "layer", "dead_fraction"]]


def training_batchnorm_frames(comparison) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(loss curves: run, step, train_loss; per-layer spread: run, step, layer, activation_std;
    the two modes: step, mode, loss on the validation points) for the batch-norm section."""
    losses = comparison.history[["run", "step", "train_loss"]]
    spread = comparison.layers[["run", "step", "layer", "activation_std", "saturated_fraction"]]
    on = comparison.runs["with batch norm"].history
    modes = on.melt(
        id_vars="step", value_vars=["val_loss", "train_mode_val_loss"], var_name="mode", value_name="loss"
    ).replace(
        {
            "mode": {
                "val_loss": "inference mode (running statistics)",
                "train_mode_val_loss": "training mode (the batch's statistics)",
            }
        }
    )
    return losses, spread, modes


def training_clipping_frames(comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(loss curves: run, step, train_loss; the angle per step between clipped and raw gradient,
    for the clipped runs: run, step, angle)."""
    losses = comparison.history[["run", "step", "train_loss"]]
    angles = comparison.steps[comparison.steps["run"] != "no clipping"][
        ["run", "step", "angle", "grad_norm", "clipped_norm"]
    ]
    return losses, angles


def training_stopping_table(stopping) -> pd.DataFrame:
    """The early-stopping policies as a learner reads them."""
    s = stopping.summary
    return pd.DataFrame(
        {
            "policy": s["policy"],
            "weights from step": s["step"],
            "validation loss": s["val_loss"].round(3),
            "test loss": s["test_loss"].round(3),
            "test accuracy": s["test_accuracy"].round(3),
        }
    )


# The clipping chart's loss axis stops here, so a diverging run does not squash the others.
TRAINING_LOSS_CAP = 100.0


def training_minibatch_sentence(frame: pd.DataFrame) -> str:
    """``describe_minibatch_error`` of the section's table."""
    return _training().describe_minibatch_error(frame)


def training_plane_limit() -> float:
    """Half the side of the input-plane panels."""
    return _training().PLANE_LIMIT


def training_plane_shades() -> dict[str, str]:
    """The words for the input planes' colours: "none" (no hidden unit passes a gradient) and "all"."""
    return {share: word for share, (word, _) in _charts().PLANE_SHADES.items()}


def training_plane_sentences(dying) -> list[str]:
    """What the input-plane panels show, in numbers, one sentence per run."""
    return dying.plane_sentences


def training_setup(comparison, name: str | None = None) -> str:
    """The network and training of a comparison's run (default the first), in one line."""
    runs = comparison.runs
    return _training().describe_setup(runs[name] if name else next(iter(runs.values())))


def training_loss_cap_caption(losses: pd.DataFrame) -> str | None:
    """For runs whose loss passes ``TRAINING_LOSS_CAP``: where, and the largest value reached."""
    over = losses[losses["train_loss"] > TRAINING_LOSS_CAP]
    if over.empty:
        return None
    parts = [
        f"{run}'s training loss passes {TRAINING_LOSS_CAP:g} at step {rows['step'].min():,} and reaches "
        f"{rows['train_loss'].max():.2g}"
        for run, rows in over.groupby("run", sort=False)
    ]
    return "; ".join(parts) + ". Above that the line runs along the top edge of the chart."


def training_run_setup(run) -> str:
    """One run's network and training, in one line."""
    return _training().describe_setup(run)


def training_race_setup(race) -> str:
    """The batch-size race's shared network and training, in one line (the batch varies)."""
    return race.setup


def _plain(value: Any) -> Any:
    """``value`` for a cache key: a DataFrame stands in as its shape, everything else as itself."""
    return ("frame", value.shape) if isinstance(value, pd.DataFrame) else value


def training_chart(
    name: str, data: pd.DataFrame, builder: str, *args: Any, source: Mapping[str, Any], **kwargs: Any
) -> None:
    """``chart`` for the training page: ``charts.<builder>(*args, **kwargs)`` with ``data`` as
    CSV, built once per ``source`` — the settings of the cached computation the tables come
    from, which fix them — and the builder's other arguments."""
    key = (
        builder,
        tuple(sorted(source.items())),
        tuple(_plain(a) for a in args),
        tuple(sorted((k, _plain(v)) for k, v in kwargs.items())),
    )
    cached_chart(name, key, lambda: getattr(_charts(), builder)(*args, **kwargs), data)


# --- the initialization page ---------------------------------------------------------------

INIT_DEPTH = (2, 100)  # min, max of the depth slider
INIT_WIDTHS = (16, 32, 64, 128, 256)
INIT_BATCH = 256  # issue 3 fixes the batch of random inputs
INIT_FAMILIES = {"lecun": "LeCun", "glorot": "Glorot", "he": "He"}
INIT_BIAS = (0.0, 0.5, 0.01)  # min, max, step of the constant bias
# A heatmap grid is a 272-row frame: this cache stays within a few MB.
INIT_CACHE_ENTRIES = 32


def _inits():
    """The ``initializers`` module (the page's registry, scenes and sentences)."""
    from . import initializers

    return initializers


def _net():
    """The ``network`` module (the page's networks)."""
    from . import network

    return network


def init_labels() -> dict[str, str]:
    """Initializer key → label, in registry order."""
    return {key: entry.label for key, entry in _inits().INITIALIZERS.items()}


def init_defaults() -> dict[str, Any]:
    """The page's widget defaults, keyed by URL parameter."""
    return dict(_inits().PAGE_DEFAULTS)


def init_scenes() -> dict[str, dict[str, Any]]:
    """Every scene as widget values keyed by URL parameter, for ``preset_picker``."""
    return {name: _inits().scene_settings(name) for name in _inits().SCENES}


def init_scene_labels() -> dict[str, str]:
    """Scene name → its label in the scene picker."""
    return {name: scene["label"] for name, scene in _inits().SCENES.items()}


def init_scene_description(name: str) -> str | None:
    """What scene ``name`` shows; None for the user's own settings."""
    scene = _inits().SCENES.get(name)
    return scene["description"] if scene else None


def init_compute(function: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """(``function(*args)``, None), or (None, the reason) when the explainer refuses the input."""
    try:
        return function(*args), None
    except ValueError as error:
        return None, str(error)


@st.cache_data(max_entries=INIT_CACHE_ENTRIES, show_spinner=False)
def init_variance_table(fan_in: int, fan_out: int, activation: str) -> pd.DataFrame:
    """Cached ``variance_table`` (gain 1, seed 0)."""
    return _inits().variance_table(fan_in, fan_out, activation)


@st.cache_data(max_entries=1, show_spinner=False)
def init_gains() -> pd.DataFrame:
    """Cached ``gains_table`` of every registered activation."""
    return _inits().gains_table()


@st.cache_data(max_entries=INIT_CACHE_ENTRIES, show_spinner=False)
def init_distributions(family: str, fan_in: int, fan_out: int):
    """Cached ``distribution_comparison`` (gain 1, seed 0)."""
    return _inits().distribution_comparison(family, fan_in, fan_out)


@st.cache_data(
    max_entries=INIT_CACHE_ENTRIES,
    show_spinner="Running every initializer × activation network forward and backward…",
)
def init_travel(depth: int, width: int) -> pd.DataFrame:
    """Cached ``variance_travel`` over every initializer and registered activation (batch 256)."""
    return _net().variance_travel(depth, width, INIT_BATCH)


@st.cache_data(max_entries=INIT_CACHE_ENTRIES, show_spinner=False)
def init_travel_curve(init: str, activation: str, depth: int, width: int) -> pd.DataFrame:
    """Cached ``variance_travel_curve`` of one heatmap cell."""
    return _net().variance_travel_curve(init, activation, depth, width, INIT_BATCH)


@st.cache_data(max_entries=INIT_CACHE_ENTRIES, show_spinner=False)
def init_biases(init: str, depth: int, width: int, constant: float) -> pd.DataFrame:
    """Cached ``bias_comparison`` for ReLU."""
    return _net().bias_comparison("relu", init, depth, width, INIT_BATCH, constant=constant)


@st.cache_data(max_entries=INIT_CACHE_ENTRIES, show_spinner=False)
def init_standard_normal(depth: int, width: int) -> pd.DataFrame:
    """Cached ``standard_normal_story`` for ReLU, tanh and sigmoid beside He normal."""
    return _net().standard_normal_story(("relu", "tanh", "sigmoid"), depth, width, INIT_BATCH)


def init_variance_display(table: pd.DataFrame, activation_label: str) -> pd.DataFrame:
    """The variance table as a learner reads it: the check beside the formula, 4 significant
    digits, the largest possible |w| (uniform limit a, truncation point, or unbounded)."""
    inits = _inits()
    sig = lambda v: "" if pd.isna(v) else f"{v:.4g}"
    # 0 / 0 where every sampled w² is the same (an orthogonal 1 × 1 is ±1): no gap at all.
    gap = ((table["empirical_variance"] - table["variance"]).abs() / table["standard_error"]).fillna(0.0)
    largest = [
        f"a = {b:.4g}" if not pd.isna(b) else (f"{t:.4g} (cut)" if not pd.isna(t) else "unbounded")
        for b, t in zip(table["bound"], table["truncated_at"], strict=True)
    ]
    # An orthonormal matrix's entries are at most 1 in size (each column has norm 1).
    largest = [
        "1 (WᵀW = I)" if k == "orthogonal" else text for k, text in zip(table["key"], largest, strict=True)
    ]
    return pd.DataFrame(
        {
            "initializer": table["label"],
            "formula": [inits.formula_text(k) for k in table["key"]],
            "σ²": table["variance"].map(sig),
            "sampled σ²": table["empirical_variance"].map(sig),
            "gap in std. errors": gap.map("{:.1f}".format),
            "within 5": table["agrees"].map({True: "✓", False: "✗"}),
            "weights drawn": [
                f"{n:,}" if k == 1 else f"{n:,} ({k:,} matrices)"
                for n, k in zip(table["sample_size"], table["matrices"], strict=True)
            ],
            "std σ": table["std"].map(sig),
            "largest |w|": largest,
            f"forward ×/layer, {activation_label}": table["forward_factor"].map(sig),
            f"backward ×/layer, {activation_label}": table["backward_factor"].map(sig),
        }
    )


def _gain_text(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "—"
    form = _inits().closed_form(value)
    return f"{form} ≈ {value:.4g}" if form and not form.isdigit() else f"{value:.4g}"


def init_gains_display(gains: pd.DataFrame) -> pd.DataFrame:
    """The gains table as a learner reads it (exact forms beside decimals; — where PyTorch has none)."""
    return pd.DataFrame(
        {
            "activation": gains["label"],
            "PyTorch calculate_gain": [_gain_text(v) for v in gains["torch_gain"]],
            "forward gain 1/√E[f(z)²]": [_gain_text(v) for v in gains["forward_gain"]],
            "backward gain 1/√E[f′(z)²]": [_gain_text(v) for v in gains["backward_gain"]],
            "E[f(z)]": gains["mean"].map(lambda v: f"{v + 0.0:.3f}" if abs(v) >= 5e-4 else "0.000"),
            "χ at PyTorch's gain": ["—" if pd.isna(v) else f"{v:.3g}" for v in gains["torch_chi"]],
        }
    )


def init_gain_sentences(gains: pd.DataFrame) -> dict[str, str]:
    """Activation key → the gains table's sentence about it."""
    return dict(zip(gains["key"], gains["sentence"], strict=True))


def init_distribution_display(summary: pd.DataFrame) -> pd.DataFrame:
    """``distribution_comparison(...).summary`` as a learner reads it."""
    return pd.DataFrame(
        {
            "initializer": summary["label"],
            "σ²": summary["variance"].map("{:.4g}".format),
            "sampled σ²": summary["empirical_variance"].map("{:.4g}".format),
            "largest |w| drawn": summary["max_abs"].map("{:.4g}".format),
            "largest |w| possible": ["unbounded" if math.isinf(b) else f"{b:.4g}" for b in summary["bound"]],
            "share beyond 2σ": summary["beyond_2std"].map("{:.2%}".format),
            "kurtosis E[w⁴]/σ⁴": summary["kurtosis"].map("{:.3f}".format),
        }
    )


def init_row(grid: pd.DataFrame, init: str) -> pd.DataFrame:
    """The heatmap rows of initializer ``init``."""
    return grid[grid["init"] == init]


def init_cell(grid: pd.DataFrame, init: str, activation: str) -> pd.Series:
    """The heatmap cell of one initializer and activation."""
    return grid[(grid["init"] == init) & (grid["activation"] == activation)].iloc[0]


def init_row_display(grid: pd.DataFrame, init: str) -> pd.DataFrame:
    """One initializer's heatmap row, one line per activation: both log10 ratios (✓ within one
    decade), the saturated share of the last layer, and whether the cell is healthy (outlined)."""
    row = init_row(grid, init)
    mark = lambda text, kept: f"{text} {'✓' if kept else '✗'}"
    decades = _net().HEALTHY_DECADES  # the heatmaps' "within one decade", not a second copy of it
    within = {
        d: (row[f"{d}_status"] == "ok") & (row[f"{d}_log10"].abs() <= decades)
        for d in ("forward", "backward")
    }
    return pd.DataFrame(
        {
            "activation": row["activation_label"],
            "log10 Var h_L ÷ Var h_1": list(map(mark, row["forward_text"], within["forward"])),
            "log10 Var ∂h_1 ÷ Var ∂h_L": list(map(mark, row["backward_text"], within["backward"])),
            "saturated, layer L": row["saturated_fraction"].map("{:.0%}".format),
            "healthy": row["healthy"].map({True: "✓", False: "✗"}),
        }
    )


def init_story_display(story: pd.DataFrame) -> pd.DataFrame:
    """``standard_normal_story`` as a learner reads it."""
    labels = init_labels()
    return pd.DataFrame(
        {
            "activation": story["label"],
            "weights": story["init"].map(labels),
            "layer-1 pre-act. std": story["preact_std_1"].map("{:.3g}".format),
            "last-layer std": story["activation_std_last"].map("{:.3g}".format),
            "saturated, last layer": story["saturated_last"].map("{:.0%}".format),
            "log10 grad. std, 1 ÷ L": story["grad_log10_ratio"].map("{:+.1f}".format),
        }
    )


def init_story_sentences(story: pd.DataFrame) -> list[str]:
    """The sentences of ``standard_normal_story``'s N(0, 1) rows (the table holds the rest)."""
    return story.loc[story["init"] == "standard_normal", "sentence"].tolist()


def init_table(display: pd.DataFrame, data: pd.DataFrame, name: str) -> None:
    """``display`` as a table, every row shown, with ``data`` (full precision) as its CSV download."""
    st.dataframe(display, hide_index=True, height="content")
    download_csv(data, name, "Download table (CSV)")


def _travel_chart(settings: Mapping[str, Any], lecture: bool):
    grid = init_travel(settings["depth"], settings["width"])
    direction = settings["direction"]
    columns = [
        "init",
        "activation",
        f"{direction}_log10",
        f"{direction}_status",
        "saturated_fraction",
        f"{direction}_healthy",
        "healthy",
    ]
    return grid[columns], lambda: _charts().travel_heatmap(
        grid,
        direction,
        chosen=(settings["init"], settings["act"]),
        emphasis="standard_normal" if settings["n01"] else None,
        lecture=lecture,
    )


def _curve_chart(settings: Mapping[str, Any], lecture: bool):
    curve = init_travel_curve(settings["init"], settings["act"], settings["depth"], settings["width"])
    columns = ["layer", "forward_log10", "backward_log10", "activation_std", "grad_std"]
    return curve[columns], lambda: _charts().travel_curve(curve, settings["depth"], lecture=lecture)


def _histogram_chart(settings: Mapping[str, Any], lecture: bool):
    comparison = init_distributions(settings["family"], settings["fan_in"], settings["fan_out"])
    return comparison.histogram, lambda: _charts().weight_histograms(comparison.histogram, lecture=lecture)


def _bias_chart(settings: Mapping[str, Any], lecture: bool):
    table = init_biases(settings["b_init"], settings["depth"], settings["width"], settings["bias_c"])
    return table, lambda: _charts().bias_panels(table, lecture=lecture)


def _charts():
    from . import charts

    return charts


_INIT_CHARTS = {
    "travel": _travel_chart,
    "curve": _curve_chart,
    "histogram": _histogram_chart,
    "bias": _bias_chart,
}


def init_chart(kind: str, name: str, lecture: bool, *, clickable: bool = False, **settings: Any) -> None:
    """One of the page's charts (``kind``: "travel", "curve", "histogram", "bias") with a CSV
    download, built once per ``settings`` and layout. A ``clickable`` heatmap makes a clicked cell
    the page's pair (``init``, ``act``)."""
    data, build = _INIT_CHARTS[kind](settings, lecture)
    key = (kind, tuple(sorted(settings.items())), lecture)
    if not clickable:
        cached_chart(name, key, build, data)
        return
    # A new key per pair: the chart starts with no selection whenever the pair changes, so a
    # click on the cell that was clicked before (since replaced by the selectboxes) still counts.
    chart_key = f"chart_{name}_{settings['init']}_{settings['act']}"
    cached_chart(
        name, key, build, data, chart_key=chart_key, on_select=_cell_picker(chart_key), selection_mode="cell"
    )


def _cell_picker(key: str) -> Callable[[], None]:
    """The callback of heatmap ``key``: the clicked cell's initializer and activation become the
    page's ``init`` and ``act`` (it runs before the widgets are drawn, so they show them)."""

    def pick() -> None:
        state = st.session_state.get(key)
        chosen = (state or {}).get("selection", {}).get("cell") or []
        if not chosen:
            return
        init, activation = chosen[0].get("init"), chosen[0].get("activation")
        if init in _inits().INITIALIZERS and activation in ACTIVATIONS:
            st.session_state["init"] = init
            st.session_state["act"] = activation

    return pick


# --- the depth page ----------------------------------------------------------------------------
# Each section's numbers come from one cached function of plain values, so a control recomputes
# only its own section; each chart is compiled once per template and gets its rows by name
# (``depth_chart``), so moving a slider costs no Altair work at all.

DEPTH_RANGE = (1, 200)  # the depth slider
DEPTH_WIDTH = (4, 1000, 4)  # min, max, step of the width slider (500 and 1000 for the presets)
DEPTH_BATCHES = (16, 32, 64, 128, 256, 500, 1000)
DEPTH_GAIN = (0.1, 4.0, 0.05)  # min, max, step of the gain slider (the phase diagram's σ_w range)
DEPTH_CLIPS = (0.01, 0.1, 1.0, 10.0, 100.0)
# What one network of the page may hold: depth × width² weights (8 bytes each: at most 64 MB,
# within the weight store below) and depth × width × batch values (a pass keeps two arrays of them,
# ReLU one and a byte mask: at most 64 MB, within the workspace below). Above either, the page
# takes a smaller width or batch and says so.
DEPTH_MAX_WEIGHTS = 2**23
DEPTH_MAX_VALUES = 2**22
# The network's two process-wide stores, shared by every session of the server (see
# ``network.set_memory_limits``): 96 MB of weight draws (the page's default networks for every
# distribution, its phase diagram, the presets' 30 × 500²) and 96 MB of reused buffers (the
# largest network above). 192 MB of a 1 GiB server, however many sessions; the library's own
# defaults (512 MB and 256 MB) suit a notebook.
DEPTH_STORE_BYTES = 96 * 2**20
DEPTH_DEFAULTS: dict[str, Any] = {
    "act": "sigmoid",
    "init": "glorot_normal",
    "gain": 1.0,
    "depth": 30,
    "width": 128,
    "batch": 128,
    "seed": 0,
    "cmp": "act",
    "cmp_act": ["sigmoid", "tanh", "relu", "selu"],
    "cmp_init": ["small_normal", "glorot_normal", "he_normal", "standard_normal"],
    "fix_relu": False,
    "fix_init": False,
    "bn": False,
    "res": False,
    "clip": False,
    "clip_at": 1.0,
}
DEPTH_COMPARE = {"act": "activations", "init": "initializers"}
# The phase diagram: σ_w from 0.3 to 3.5 by 0.1 (on the gain slider's steps), depth 10 to 200.
PHASE_SIGMAS = tuple(round(0.3 + 0.1 * i, 10) for i in range(33))
PHASE_DEPTHS = tuple(range(10, 201, 10))
PHASE_SIZE = 64  # width and batch of its networks: 33 of them, 200 layers deep, in about a second
PHASE_LIMIT = 20.0  # decades at which its colour scale stops
# A run pickles to about 30 kB and a phase diagram to 60 kB: these caches stay within a few MB.
DEPTH_CACHE_ENTRIES = 48


def _bound_network_stores() -> None:
    """Bound the network's process-wide stores for a public server, once per process."""
    from . import network

    network.set_memory_limits(weights=DEPTH_STORE_BYTES, workspace=DEPTH_STORE_BYTES)


_bound_network_stores()


@dataclass(frozen=True)
class DepthPanel:
    """What one section of the depth page draws and says: its rows, the series in the order of
    the legend with their colours and dashes, and sentences written from the numbers."""

    frame: pd.DataFrame
    sentences: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    dashes: tuple[tuple[int, ...], ...] = ()
    extra: pd.DataFrame | None = None


def _depth_net():
    """The ``network`` module, where the page's numbers and sentences come from."""
    from . import network

    return network


def _styles(keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...]]:
    """Each activation's colour and dash, as on every page."""
    from . import charts

    styles = [charts.ACTIVATION_STYLES.get(k, charts.ACTIVATION_STYLES["typed"]) for k in keys]
    return tuple(color for color, _ in styles), tuple(tuple(dash) for _, dash in styles)


def _categories(count: int) -> tuple[str, ...]:
    """The first ``count`` colours of the palette for categories that are not activations."""
    from . import charts

    return tuple(charts.CATEGORY_COLORS[i % len(charts.CATEGORY_COLORS)] for i in range(count))


def depth_labels() -> tuple[dict[str, str], dict[str, str]]:
    """(activation key → label, initializer key → label), in registry order."""
    return ACTIVATION_LABELS, {key: entry.label for key, entry in _depth_net().INITIALIZERS.items()}


def depth_fit(depth: int, width: int, batch: int) -> tuple[int, int, str | None]:
    """(width, batch, message): the width and batch the page runs — the asked ones, or the largest
    within ``DEPTH_MAX_WEIGHTS`` weights and ``DEPTH_MAX_VALUES`` values — and, when either had to
    shrink, a sentence saying so."""
    step = DEPTH_WIDTH[2]
    used_width = width
    if depth * width * width > DEPTH_MAX_WEIGHTS:
        used_width = max(DEPTH_WIDTH[0], int(math.sqrt(DEPTH_MAX_WEIGHTS / depth)) // step * step)
    fits = [b for b in DEPTH_BATCHES if b <= batch and depth * used_width * b <= DEPTH_MAX_VALUES]
    used_batch = batch if depth * used_width * batch <= DEPTH_MAX_VALUES else (fits or DEPTH_BATCHES[:1])[-1]
    if (used_width, used_batch) == (width, batch):
        return width, batch, None
    changes = []
    if used_width != width:
        changes.append(f"a width of {used_width}")
    if used_batch != batch:
        changes.append(f"a batch of {used_batch}")
    return (
        used_width,
        used_batch,
        f"{depth} layers of {width} units with a batch of {batch} is more than this page computes at "
        f"once (at most {DEPTH_MAX_WEIGHTS:,} weights and {DEPTH_MAX_VALUES:,} values in all); it uses "
        f"{' and '.join(changes)} instead.",
    )


def depth_sigma_w(init: str, width: int, gain: float) -> float:
    """σ_w = √(width · Var W) of these weights: the phase diagram's x axis (1 for LeCun at gain 1)."""
    return _depth_net().get_initializer(init).std(width, width, gain) * math.sqrt(width)


def depth_scene(key: str) -> dict[str, Any]:
    """A published preset (``network.PRESETS``) as the page's widget values: its first network,
    the largest batch within the page's budget, and its runs side by side in the compare section."""
    preset = _depth_net().PRESETS[key]
    runs = preset.runs
    first = runs[0]
    depth = max(r.depth for r in runs)
    width, batch, _ = depth_fit(depth, first.width, first.batch)
    inits = list(dict.fromkeys(r.init for r in runs))
    acts = list(dict.fromkeys(r.activation for r in runs))
    return {
        **DEPTH_DEFAULTS,
        "act": first.activation,
        "init": first.init,
        "depth": depth,
        "width": width,
        "batch": batch,
        "cmp": "init" if len(inits) > 1 else "act",
        "cmp_init": inits if len(inits) > 1 else DEPTH_DEFAULTS["cmp_init"],
        "cmp_act": acts
        if len(acts) > 1
        else list(dict.fromkeys([first.activation, *DEPTH_DEFAULTS["cmp_act"]])),
    }


def depth_scenes() -> dict[str, dict[str, Any]]:
    """Every published preset as widget values, for ``preset_picker`` (``?preset=cs231n_tanh``)."""
    return {key: depth_scene(key) for key in _depth_net().PRESETS}


def depth_scene_labels() -> dict[str, str]:
    """Preset key → its title."""
    return {key: preset.title for key, preset in _depth_net().PRESETS.items()}


def depth_preset_source(key: str) -> str | None:
    """The source a preset reproduces; None for the user's own settings."""
    preset = _depth_net().PRESETS.get(key)
    return preset.source if preset else None


def depth_apply_scene(key: str) -> None:
    """Button callback: show the preset ``key`` (as choosing it in the scene picker does)."""
    st.session_state["preset"] = key
    for widget_key, value in depth_scene(key).items():
        st.session_state[widget_key] = value


@st.cache_data(max_entries=DEPTH_CACHE_ENTRIES, show_spinner=False)
def depth_run(
    activation: str,
    depth: int,
    width: int,
    init: str,
    gain: float,
    batch: int,
    seed: int,
    batchnorm: bool = False,
    residual: bool = False,
    clip: float | None = None,
):
    """Cached ``network_run`` (zero biases)."""
    return _depth_net().network_run(
        activation, depth, width, init, gain, batch, seed, batchnorm, residual, clip_norm=clip
    )


@st.cache_data(max_entries=DEPTH_CACHE_ENTRIES, show_spinner=False)
def depth_path(
    activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int
) -> DepthPanel:
    """Section 1: the product of local derivatives along one path, and its bound."""
    net = _depth_net()
    run = depth_run(activation, depth, width, init, gain, batch, seed)
    colors, _ = _styles([activation])
    return DepthPanel(
        net.path_products(run),
        (net.describe_path(run),),
        net.PATH_SERIES,
        (colors[0], "#999999"),
        ((1, 0), (8, 4)),
    )


@st.cache_data(max_entries=DEPTH_CACHE_ENTRIES, show_spinner=False)
def depth_gradients(
    activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int
) -> DepthPanel:
    """Section 2: the measured gradient std per layer beside the mean-field prediction."""
    net = _depth_net()
    run = depth_run(activation, depth, width, init, gain, batch, seed)
    prediction = net.meanfield_prediction(activation, depth, width, init, gain)
    colors, _ = _styles([activation])
    return DepthPanel(
        net.gradient_profile(run, prediction),
        (run.sentence, net.describe_prediction(run, prediction)),
        net.GRADIENT_SERIES,
        (colors[0], "#555555"),
        ((1, 0), (6, 4)),
    )


@st.cache_data(max_entries=DEPTH_CACHE_ENTRIES, show_spinner=False)
def depth_activations(
    activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int
) -> DepthPanel:
    """Section 3: the layer × value histogram (``frame``) and the saturated and dead shares
    (``extra``); ``names`` holds half the spacing of the layers shown, as text."""
    net = _depth_net()
    run = depth_run(activation, depth, width, init, gain, batch, seed)
    layers = net.histogram_layers(depth)
    histograms = net.activation_histograms(activation, depth, width, init, gain, batch, seed, layers=layers)
    histograms = histograms[histograms["fraction"] > 0].reset_index(drop=True)
    half = 0.5 if len(layers) < 2 else (layers[-1] - layers[0]) / (len(layers) - 1) / 2
    return DepthPanel(
        histograms,
        (net.describe_activations(run.layers),),
        (f"{half:.6g}",),
        extra=net.fraction_profile(run),
    )


def _compare_runs(by: str, choices: Sequence[str], activation, depth, width, init, gain, batch, seed):
    """Label → cached run, one per chosen activation (``by="act"``) or initializer."""
    activations, inits = depth_labels()
    if by == "act":
        return {activations[k]: depth_run(k, depth, width, init, gain, batch, seed) for k in choices}
    return {inits[k]: depth_run(activation, depth, width, k, gain, batch, seed) for k in choices}


@st.cache_data(max_entries=DEPTH_CACHE_ENTRIES, show_spinner=False)
def depth_compare(
    by: str,
    choices: tuple[str, ...],
    activation: str,
    depth: int,
    width: int,
    init: str,
    gain: float,
    batch: int,
    seed: int,
) -> DepthPanel:
    """Section 4: one line per activation (``by="act"``, with ``init``) or per initializer
    (``by="init"``, with ``activation``) on the same axes."""
    net = _depth_net()
    runs = _compare_runs(by, choices, activation, depth, width, init, gain, batch, seed)
    names = tuple(runs)
    if by == "act":
        colors, dashes = _styles(choices)
        keys = dict(zip(names, choices, strict=True))
    else:
        colors, dashes, keys = _categories(len(names)), tuple((1, 0) for _ in names), None
    return DepthPanel(
        net.compare_profile(runs, keys), (net.describe_comparison(runs),), names, colors, dashes
    )


def _sigma_change(init: str, gain: float, fixed_init: str, width: int) -> str:
    before, after = depth_sigma_w(init, width, gain), depth_sigma_w(fixed_init, width, 1.0)
    if math.isclose(before, after, rel_tol=1e-9):
        return f"σ_w stays {after:.3g}: the weights already had this scale"
    return f"σ_w {before:.3g} → {after:.3g}"


@st.cache_data(max_entries=DEPTH_CACHE_ENTRIES, show_spinner=False)
def depth_fixes(
    activation: str,
    depth: int,
    width: int,
    init: str,
    gain: float,
    batch: int,
    seed: int,
    relu: bool,
    init_fix: bool,
    batchnorm: bool,
    residual: bool,
    clip: float | None,
) -> DepthPanel:
    """Section 5: the network as set above beside the fixed one (``frame``), and with clipping
    the weight-gradient norms before and after it (``extra``)."""
    net = _depth_net()
    activations, inits = depth_labels()
    before = depth_run(activation, depth, width, init, gain, batch, seed)
    fixed_act, fixed_init, fixed_gain = net.fixed_settings(activation, init, gain, relu, init_fix)
    fixed = (fixed_act, depth, width, fixed_init, fixed_gain, batch, seed)
    # Called with the arguments as the other sections call it, so an unchanged network is a cache hit.
    if batchnorm or residual or clip is not None:
        after = depth_run(*fixed, batchnorm, residual, clip)
    else:
        after = depth_run(*fixed)
    fixes = [
        text
        for on, text in (
            (
                relu and fixed_act != activation,
                f"{activations[fixed_act]} instead of {activations[activation]}",
            ),
            (
                init_fix,
                f"{inits[fixed_init]} weights at gain 1 ({_sigma_change(init, gain, fixed_init, width)})",
            ),
            (batchnorm, "batch norm"),
            (residual, "residual connections"),
        )
        if on
    ]
    names = ("as set above", "with the fixes")
    colors, _ = _styles([fixed_act])
    sentences = [net.describe_fixes(before, after, fixes, clip is not None)]
    sigma_w = depth_sigma_w(init, width, gain)
    if relu and not init_fix and fixed_act in net.RELU_FAMILY - {"selu"} and sigma_w < 1.3:
        sentences[0] += (
            f" ReLU keeps σ_w²/2 = {sigma_w**2 / 2:.2g} of a layer's variance at σ_w = {sigma_w:.3g}; "
            "He initialization (σ_w = √2, the next switch) keeps all of it."
        )
    extra = None
    if clip is not None:
        sentences.append(net.describe_clipping(after, clip))
        extra = net.clipping_profile(after)
    # The reference line last, so it is drawn over the other where the two coincide.
    frame = net.compare_profile({names[1]: after, names[0]: before})
    return DepthPanel(frame, tuple(sentences), names, ("#999999", colors[0]), ((8, 4), (1, 0)), extra)


@st.cache_data(
    max_entries=DEPTH_CACHE_ENTRIES, show_spinner="Measuring 33 networks of 200 layers for the phase diagram…"
)
def depth_phase(activation: str, seed: int) -> tuple[pd.DataFrame, float | None, str]:
    """Section 6: (``phase_cells`` of ``phase_diagram`` over ``PHASE_SIGMAS`` × ``PHASE_DEPTHS``
    at width and batch ``PHASE_SIZE``, the σ_w of χ(q*) = 1 or None, the sentences that say
    what is drawn: its colours and whether and why the χ = 1 line is there)."""
    net = _depth_net()
    table = net.phase_diagram(activation, PHASE_SIGMAS, PHASE_DEPTHS, PHASE_SIZE, PHASE_SIZE, seed)
    edge = net.phase_edge(activation)
    sigma_range = depth_phase_layout()["sigma_range"]
    return (
        net.phase_cells(table, PHASE_LIMIT),
        edge.sigma_w,
        net.describe_phase(table, edge, ACTIVATION_LABELS[activation], sigma_range),
    )


def depth_phase_layout() -> dict[str, Any]:
    """The phase heatmap's fixed geometry, for ``charts.phase_heatmap``."""
    sigma_step, depth_step = 0.1, 10
    return {
        "sigma_range": (PHASE_SIGMAS[0] - sigma_step / 2, PHASE_SIGMAS[-1] + sigma_step / 2),
        "depth_range": (PHASE_DEPTHS[0] - depth_step / 2, PHASE_DEPTHS[-1] + depth_step / 2),
        "sigma_step": sigma_step,
        "depth_step": depth_step,
        "limit": PHASE_LIMIT,
    }


def depth_fraction_series() -> tuple[str, ...]:
    """The shares section 3 draws, in legend order."""
    return _depth_net().FRACTION_SERIES


def depth_clip_series() -> tuple[str, ...]:
    """The clipping chart's two lines, in legend order."""
    return _depth_net().CLIP_SERIES


def depth_clip_colors() -> tuple[str, str]:
    """Grey before clipping, vermillion after."""
    from . import charts

    return charts.GREY, charts.VERMILLION


def depth_phase_marks(critical: float | None, sigma_w: float, depth: int) -> pd.DataFrame:
    """The phase diagram's marks: the critical line and this page's network."""
    rows = [{"kind": "here", "sigma_w": sigma_w, "depth": depth}]
    if critical is not None:
        rows.append({"kind": "critical", "sigma_w": critical, "depth": 0})
    return pd.DataFrame(rows)


def depth_pick() -> None:
    """The phase diagram's on_select callback: a clicked cell's σ_w and depth become the page's
    network, with LeCun normal weights (whose σ_w is the gain)."""
    state = st.session_state.get("chart_depth_phase")
    try:
        point = state["selection"]["pick"][0]
        sigma_w, depth = float(point["sigma_w"]), int(point["depth"])
    except (KeyError, IndexError, TypeError, ValueError):
        return
    low, high, _ = DEPTH_GAIN
    if not (low <= sigma_w <= high and DEPTH_RANGE[0] <= depth <= DEPTH_RANGE[1]):
        return
    st.session_state["init"] = "lecun_normal"
    st.session_state["gain"] = sigma_w
    st.session_state["depth"] = depth


def depth_preset_seed_count() -> int:
    """How many seeds section 7's re-runs take their median and range over."""
    return len(_depth_net().PRESET_SEEDS)


@st.cache_data(max_entries=8, show_spinner="Running the published networks on every seed…")
def depth_preset(key: str) -> DepthPanel:
    """Section 7: the preset's numbers (``extra``, as a learner reads them: published beside
    our re-run's median and range over ``network.PRESET_SEEDS``) and the activation std per
    layer of each of its networks on the first seed (``frame``). Cached: a preset runs its
    networks eight times."""
    net = _depth_net()
    claims, layers = net.preset_results(key)
    preset = net.PRESETS[key]
    runs = tuple(dict.fromkeys(layers["run"]))
    frame, table = net.preset_profile(layers), net.claims_table(claims)
    first_seed = net.PRESET_SEEDS[0]
    sentences = [
        *net.describe_preset(key, claims),
        preset.source,
        f"The chart shows seed {first_seed}.",
    ]
    return DepthPanel(
        frame, tuple(sentences), runs, _categories(len(runs)), tuple((1, 0) for _ in runs), table
    )


def depth_chart(
    name: str,
    builder: str,
    data: Mapping[str, pd.DataFrame],
    *,
    on_select: Callable[[], None] | None = None,
    **arguments: Any,
) -> None:
    """The chart ``charts.<builder>(**arguments)`` with ``data`` as its named datasets, and the
    first of them as CSV. The spec is built once per builder and arguments and gets its rows by
    name each run; ``on_select`` makes its "pick" selection call back."""
    cached_chart(
        name,
        (builder, tuple(sorted(arguments.items()))),
        lambda: getattr(_charts(), builder)(**arguments),
        next(iter(data.values())),
        datasets=data,
        on_select=on_select,
        selection_mode=None if on_select is None else "pick",
    )
