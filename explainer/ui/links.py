"""The link: URL readers, the visit (start and finish of every run, forgetting a page left
behind), the check that says which parts of a link could not be used, and the share link.

Every widget is bound to the URL (``bind="query-params"``), so the address bar is always a
link to the scene on screen. Streamlit silently ignores a URL value it cannot use; the
readers here turn near misses into usable values (clamp an out-of-range number, accept ``relu``
for ``ReLU`` or ``1`` for true) and, at the end of the run, ``finish_page`` compares what the
link asked for with what each widget accepted and says so.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from . import presenter

_BOUND = "_vp_bound"  # key -> Bound, rebuilt on every run
_VISIT_KEYS = "_vp_visit_keys"  # every key bound during the current page visit
_VISIT = "_vp_visit"  # the page of the current visit
_ORIGINAL = "_vp_original"  # the query parameters the visit was opened with
_SETTLING = "_vp_settling"  # True until a run of the visit completes with every link value usable
_PASSES = "_vp_passes"  # reruns spent rewriting link values into the widgets' own forms
_RAW = "_vp_raw"  # the query parameters of this run while settling, else None
_MESSAGES = "_vp_link_messages"
_SCENE_VALUES = "_vp_scene_values"  # widget key -> the value the scene on screen gives it
_VISITS = "_vp_visits"  # page visits so far in this session
MAX_REWRITES = 12
# Parameters Streamlit itself understands; never reported as unknown.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})
# Settings of the shared sidebar, kept across page switches.
SHARED_KEYS = frozenset({"lecture", "presenter"})

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
    navigation: bool = False  # where the page is (a tab), not a setting: no "changed from the scene"


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
        st.session_state[_VISITS] = st.session_state.get(_VISITS, 0) + 1
    st.session_state[_RAW] = current if st.session_state[_SETTLING] else None
    st.session_state[_BOUND] = {}
    st.session_state[_SCENE_VALUES] = {}
    presenter.scene_list()  # each run's scene picker records its own


def visit_number() -> int:
    """How many page visits this session has begun, this one included (0 before ``start_page``):
    a page that keeps state of its own (the playground's play state) can tell a new visit."""
    return int(st.session_state.get(_VISITS, 0))


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
    messages = st.session_state.get(_MESSAGES) or []
    if messages:
        slot.warning(
            "**Parts of this link could not be used**, so sensible values stand in:\n\n"
            + "\n".join(f"- {m}" for m in messages),
            icon=":material/warning:",
        )
    changed = scene_changes()
    if changed:
        slot.info(
            "**Changed from the scene** (the link names the scene and these): " + "; ".join(changed),
            icon=":material/edit:",
        )


def scene_changes() -> list[str]:
    """Each widget the scene on screen sets whose value now differs from the scene's, as
    "`key` = value (the scene: value)"."""
    bound: Mapping[str, Bound] = st.session_state.get(_BOUND, {})
    scene = st.session_state.get(_SCENE_VALUES) or {}
    return [
        f"`{key}` = {bound[key].show(bound[key].value)} (the scene: {bound[key].show(value)})"
        for key, value in scene.items()
        if key in bound and not bound[key].navigation and _comparable(bound[key].value) != _comparable(value)
    ]


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
        shown = url_text(", ".join(values))
        if reason:
            messages.append(
                f"{url_text(key)}{repeated} = {shown} {reason}; showing {widget.show(widget.value)}."
            )
        elif value is not None and value != widget.value:
            messages.append(
                f"{url_text(key)} = {shown} was not accepted; showing {widget.show(widget.value)}."
            )
    if unknown:
        names = ", ".join(url_text(k) for k in unknown[:10]) + (
            f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        )
        messages.append(f"{names}: not a setting of this page, so ignored.")
    return messages


def url_text(text: str, limit: int = 32) -> str:
    """Text from a URL, cut short and made safe to show inside Markdown."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    text = "".join(ch if ch.isprintable() else "�" for ch in text).replace("`", "ˋ")
    return f"`{text}`" if text.strip() else "(empty)"


def _prefill(key: str, read: Reader, to_url: Callable[[Any], list[str]], numeric: bool, seed: bool) -> None:
    """While a visit's link settles, rewrite the widget's URL value into the form the widget
    accepts (``relu`` → ``ReLU``, ``1`` → ``true``, ``999`` → ``200``) and rerun, so the widget
    starts from it and the address bar shows it. Streamlit would otherwise drop such values.
    ``seed``: Streamlit does not bind the widget to the URL, so the value in its own form is set
    here too."""
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
        if seed:
            st.session_state[key] = value
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


def format_number(value: float) -> str:
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
            number, reason = low, f"is below the minimum {format_number(low)}; clamped to it"
        elif number > high:
            number, reason = high, f"is above the maximum {format_number(high)}; clamped to it"
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


def alias_table(options: Sequence[Any], labels: Mapping[Any, str]) -> dict[str, Any]:
    """Each option by its key and by its label, lower-cased: name → option (the first wins)."""
    table = {}
    for option in options:
        for name in (str(option), labels[option]):
            table.setdefault(name.strip().lower(), option)
    return table


def option_reader(options: Sequence[Any], labels: Mapping[Any, str]) -> Reader:
    """Reads one option by its label or key, in any letter case."""
    aliases = alias_table(options, labels)

    def read(values: list[str]) -> tuple[Any, str | None]:
        option = aliases.get(values[-1].strip().lower())
        if option is None:
            listed = ", ".join(labels[o] for o in options[:8]) + (", …" if len(options) > 8 else "")
            return None, f"is not one of the options ({listed})"
        return option, None

    return read


def options_reader(options: Sequence[Any], labels: Mapping[Any, str], max_selections: int | None) -> Reader:
    """Reads a list of options (a repeated key); unknown entries are dropped, with a reason."""
    aliases = alias_table(options, labels)

    def read(values: list[str]) -> tuple[Any, str | None]:
        chosen = list(
            dict.fromkeys(aliases[v.strip().lower()] for v in values if v.strip().lower() in aliases)
        )
        unknown = [v for v in values if v.strip().lower() not in aliases and v.strip()]
        reason = None
        if unknown:
            reason = f"includes {', '.join(url_text(v, 20) for v in unknown[:5])}, not {'an option' if len(unknown) == 1 else 'options'}; dropped"
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


SHARE_KEY = "share_link_open"


def share_link() -> None:
    """The link to the scene on screen, as text with a copy button (for a slide or a chat), in
    an expander whose contents are sent only while it is open: the code block's highlighter is
    1.5 MB of script that cost the browser ~0.2 s on every page opened (the address bar holds
    the same link)."""
    box = st.expander("Link to this view", icon=":material/link:", key=SHARE_KEY, on_change="rerun")
    if box.open:
        with box:
            st.code(_share_url(), language=None, wrap_lines=True)
            st.caption("Copy it with the icon; the address bar holds the same link.")


def _share_url() -> str:
    """The page's address with every bound setting that differs from its default."""
    base = st.context.url or ""
    bound: Mapping[str, Bound] = st.session_state.get(_BOUND, {})
    pairs = [
        (key, item)
        for key, widget in bound.items()
        if _comparable(widget.value) != _comparable(widget.default)
        for item in widget.to_url(widget.value)
    ]
    link = base + ("?" + urlencode(pairs) if pairs else "")
    return link or "(open the app in a browser to get a link)"


# --- registering a widget with the link ----------------------------------------------


def bind(
    key: str,
    default: Any,
    read: Reader,
    to_url: Callable[[Any], list[str]],
    show: Callable[[Any], str],
    render: Callable[[], Any],
    numeric: bool = False,
    seed: bool = False,
    navigation: bool = False,
) -> Any:
    """Prefill from the link, create the widget with ``render``, and register it for the check.
    ``seed``: the widget is not bound to the URL by Streamlit, so its value is set from the
    link here, while the link settles. ``navigation``: it says where the page is (a tab), so
    leaving the scene's value is not reported as a change of the scene."""
    _prefill(key, read, to_url, numeric, seed)
    if seed and key in st.session_state:
        # Streamlit sends a widget's value to the browser only in a run that set it through
        # session state; otherwise the browser shows the value it holds. A rerun that interrupts
        # a visit's first runs (the window reporting its width class while a fresh server's first
        # run is still drawing) left the browser without the scene picker's value: it showed
        # "your own settings" while the server kept the scene, and the next rerun took the scene
        # out of the link. Set on every run, the value on screen is the server's.
        st.session_state[key] = st.session_state[key]
    accepted = render()
    st.session_state[_BOUND][key] = Bound(key, accepted, default, read, to_url, show, navigation)
    st.session_state.setdefault(_VISIT_KEYS, set()).add(key)
    return accepted


# --- scenes: ``?preset=name`` sets the widgets it names ----------------------------------


def scene_choice_changed(key: str, presets: Mapping[str, Mapping[str, Any]]) -> None:
    """On a pick in the scene picker ``key``: set the widgets the chosen scene names."""
    for widget_key, value in presets.get(st.session_state[key], {}).items():
        st.session_state[widget_key] = value


def prepare_scene(key: str, presets: Mapping[str, Mapping[str, Any]], read: Reader) -> None:
    """Before the scene picker ``key`` renders, while a link settles: set the widgets its
    ``?preset=`` names, except those the link gives explicitly (they win)."""
    values = _raw(key)
    if values is not None:
        name, _ = read(values)
        raw = st.session_state.get(_RAW) or {}
        for widget_key, value in presets.get(name, {}).items():
            if widget_key not in raw:
                st.session_state[widget_key] = value


def record_scene(scene: Mapping[str, Any]) -> None:
    """After the picker renders (before the widgets the scene sets): the values of the scene on
    screen, which ``scene_default`` makes those widgets' defaults."""
    st.session_state[_SCENE_VALUES] = dict(scene)


def name_in_link(key: str, value: str | None) -> None:
    """Put ``key=value`` in the address bar (``None``: take ``key`` out), for a widget that is
    not bound to the URL by Streamlit."""
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != [value]:
        st.query_params[key] = value


def last_accepted(key: str, fallback: Any) -> Any:
    """What widget ``key`` accepted on the last run (``fallback`` if it was not drawn): in a
    widget's callback, which runs before the next run starts, the value before the change."""
    bound = st.session_state.get(_BOUND, {}).get(key)
    return fallback if bound is None else bound.value


def scene_default(key: str, default: Any, accepts: Callable[[Any], bool]) -> Any:
    """The default of widget ``key``: the value the scene on screen gives it (when the widget
    ``accepts`` it), else ``default``. A bound widget leaves its default out of the address bar
    and the share link, so a scene's link stays as typed (``?preset=cs231n_tanh``) and, once a
    control leaves the scene, carries only what differs from it (``?preset=cs231n_tanh&depth=40``)."""
    scene = st.session_state.get(_SCENE_VALUES) or {}
    if key in scene and accepts(scene[key]):
        return scene[key]
    return default
