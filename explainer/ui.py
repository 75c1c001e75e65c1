"""The only explainer module that imports streamlit: URL-bound widgets, the link check,
lecture mode, export helpers, and cached wrappers around the explainer's computations.

Every widget is bound to the URL (``bind="query-params"``), so the address bar is always a
link to the scene on screen. Streamlit silently ignores a URL value it cannot use; the
wrappers here read the raw query string first, turn near misses into usable values (clamp an
out-of-range number, accept ``relu`` for ``ReLU`` or ``1`` for true) and, at the end of the run,
``finish_page`` compares what the link asked for with what each widget accepted and says so.
"""

from __future__ import annotations

import contextvars
import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from . import story
from .activations import ACTIVATIONS, DEFAULT_ACTIVATIONS
from .curves import Chosen, CurveSet, activation_curves, describe_slopes
from .expressions import parse_activation
from .properties import activation_properties, evaluation_seconds, matmul_seconds

if TYPE_CHECKING:  # scikit-learn is imported on first use, by the MLP page only
    from .sklearn_mlp import MLPComparison

_BOUND = "_vp_bound"  # key -> Bound, rebuilt on every run
_VISIT = "_vp_visit"  # the page of the current visit
_ORIGINAL = "_vp_original"  # the query parameters the visit was opened with
_SETTLING = "_vp_settling"  # True until a run of the visit completes with every link value usable
_PASSES = "_vp_passes"  # reruns spent rewriting link values into the widgets' own forms
_RAW = "_vp_raw"  # the query parameters of this run while settling, else None
_MESSAGES = "_vp_link_messages"
MAX_REWRITES = 12
# Parameters Streamlit itself understands; never reported as unknown.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})
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
    """Call first in every run: remembers the link a page visit was opened with."""
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if st.session_state.get(_VISIT) != page_id:
        st.session_state[_VISIT] = page_id
        st.session_state[_ORIGINAL] = current
        st.session_state[_SETTLING] = True
        st.session_state[_PASSES] = 0
        st.session_state[_MESSAGES] = []
    st.session_state[_RAW] = current if st.session_state[_SETTLING] else None
    st.session_state[_BOUND] = {}


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
    messages = st.session_state.get(_MESSAGES) or []
    if messages:
        slot.warning(
            "**Parts of this link could not be used**, so sensible values stand in:\n\n"
            + "\n".join(f"- {m}" for m in messages),
            icon=":material/warning:",
        )


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
    # Streamlit itself reads "-3" or "20.0"; numbers need rewriting only when out of range.
    if (reason is None) if numeric else (canonical == values):
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
        for widget_key, value in presets.get(st.session_state[key], {}).items():
            st.session_state[widget_key] = value

    values = _raw(key)
    if values is not None:
        name, _ = option_reader(options, all_labels)(values)
        raw = st.session_state.get(_RAW) or {}
        for widget_key, value in presets.get(name, {}).items():
            if widget_key not in raw:
                st.session_state[widget_key] = value
    return selectbox(
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


# --- lecture mode, prose, export ------------------------------------------------------


def lecture_mode() -> bool:
    """Whether the lecture-mode toggle in the sidebar is on (also ``?lecture=1``)."""
    return bool(st.session_state.get("lecture", False))


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
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        icon=":material/download:",
    )


def chart(figure: alt.TopLevelMixin, data: pd.DataFrame, name: str) -> None:
    """A chart with its data downloadable as CSV; PNG comes from the chart's own toolbar."""
    st.altair_chart(figure, key=f"chart_{name}")
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
    """User-typed text made safe for Markdown."""
    return html.escape(text).replace("`", "ˋ").replace("*", "\\*").replace("_", "\\_")


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


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def curves(
    keys: tuple[str, ...], params_items: tuple, x_min: float, x_max: float, typed: str | None
) -> CurveSet:
    """Cached ``activation_curves`` for registry keys, parameter values and a typed expression."""
    return activation_curves(_chosen(keys, params_items, typed), x_min, x_max)


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def properties(keys: tuple[str, ...], params_items: tuple, typed: str | None) -> pd.DataFrame:
    """Cached properties table rows, with the measured cost of f + f' relative to ReLU."""
    chosen = _chosen(keys, params_items, typed)
    rows = pd.DataFrame([activation_properties(item) for item in chosen])
    relu = evaluation_cost("relu", ())
    rows["f+f′ ms per 10⁶"] = [round(_cost(item) * 1e3, 2) for item in chosen]
    rows["× ReLU"] = [round(_cost(item) / relu, 1) for item in chosen]
    return rows


def _cost(item: Chosen) -> float:
    if item.activation.key == "typed":
        return typed_evaluation_cost(item.activation.expression)
    return evaluation_cost(item.activation.key, _params_items({item.activation.key: item.params}))


@st.cache_data(max_entries=256, show_spinner="Timing f and f′ on a million inputs…")
def evaluation_cost(key: str, params_items: tuple) -> float:
    """Seconds for f + f' on a million float64 inputs, measured once per process and setting."""
    return evaluation_seconds(_chosen((key,), params_items, None)[0])


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner="Timing f and f′ on a million inputs…")
def typed_evaluation_cost(expression: str) -> float:
    """Seconds for a typed expression's f + numerical f' on a million inputs."""
    return evaluation_seconds(Chosen(parse_activation(expression)))


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def slope_sentence(keys: tuple[str, ...], params_items: tuple, typed: str | None) -> str:
    """The largest-slope comparison of the chosen functions, written from their derivatives."""
    return describe_slopes(_chosen(keys, params_items, typed))


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
