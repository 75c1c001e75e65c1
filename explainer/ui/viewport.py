"""How wide the visitor's window is, in four classes: multi-panel charts stack on a phone and in a
column too narrow for them, and grow on a projector.

A Vega-Lite facet or concatenation lays its panels out when the spec is built, so the server must
know the width before it builds one. A small inline component reports the window's class from the
browser, only when it differs from what the server last knew: a laptop visit costs no extra run, a
phone's or a projector's first run is followed by one more, and a resized window (or a sidebar
opened, closed or dragged wider) by one each time its class changes.
"""

from __future__ import annotations

import streamlit as st

from ..charts.theme import SCREENS, stacks

# Streamlit stacks st.columns below 640 px; the charts stack at the same width. From 1800 px (a
# 1920 × 1080 projector) the wide lecture layout leaves over 1,300 px beside the sidebar: room
# for panels half as wide again (``charts.theme.panel_width``).
NARROW_BELOW_PX = 640
WIDE_FROM_PX = 1800
# Between the two, the room the page's column leaves for a chart (its width and its right-hand
# margin: a chart may draw into the margin, not past the window) decides: the widest laptop
# layouts (two panels and their axes side by side) measured 708 px in the centred layout and 903
# px in lecture type. Below that room the charts are built "compact", stacked: beside the open
# sidebar, windows up to 1,027 px, or 1,255 px in lecture mode (a 1,024 × 768 projector).
REGULAR_ROOM_PX = {False: 712, True: 908}
STATE_KEY = "_vp_viewport"
DEFAULT_SCREEN = "regular"
assert DEFAULT_SCREEN in SCREENS

# Streamlit calls the function again with each run's data and calls the cleanup only on unmount,
# so one resize listener and one observer of the column per window are kept (the latest run's)
# and a class is sent once: a listener per run, each with its own stale class, turned every resize
# into one rerun per past run. The column is observed as well as the window: opening, closing or
# dragging the sidebar changes the column's width without resizing the window.
_REPORT_JS = f"""
export default function (component) {{
  const {{ data, setStateValue }} = component;
  const known = (data && data.screen) || "{DEFAULT_SCREEN}";
  const needed = (data && data.room) || 0;
  window.__vpScreen = known;  // the class this run's charts were built for (read by the tests)
  if (window.__vpSent === known) window.__vpSent = null;  // the server has what was sent
  const room = () => {{
    const column = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!column) return Infinity;
    return column.clientWidth - parseFloat(getComputedStyle(column).paddingLeft || "0");
  }};
  const report = () => {{
    const width = window.innerWidth;
    const screen = width < {NARROW_BELOW_PX} ? "narrow" : width >= {WIDE_FROM_PX} ? "wide"
      : room() < needed ? "compact" : "regular";
    window.__vpRoom = room();
    const pending = window.__vpSent || window.__vpScreen;
    if (screen !== pending) {{
      window.__vpSent = screen;
      setStateValue("screen", screen);
    }}
  }};
  if (window.__vpListener) window.removeEventListener("resize", window.__vpListener);
  if (window.__vpObserver) window.__vpObserver.disconnect();
  window.__vpListener = report;
  window.addEventListener("resize", report);
  const column = document.querySelector('[data-testid="stMainBlockContainer"]');
  const observer = typeof ResizeObserver === "function" && column ? new ResizeObserver(report) : null;
  if (observer) observer.observe(column);
  window.__vpObserver = observer;
  report();
  return () => {{
    window.removeEventListener("resize", report);
    if (observer) observer.disconnect();
    if (window.__vpListener === report) window.__vpListener = null;
    if (window.__vpObserver === observer) window.__vpObserver = null;
  }};
}}
"""

_probe = st.components.v2.component("vanishing_point_viewport", html="<span hidden></span>", js=_REPORT_JS)


def _reported() -> None:
    """on_change callback: the reported class is already in session state; the rerun redraws."""


def watch(lecture: bool = False) -> None:
    """Place the invisible probe; once per run, before the page draws its charts. ``lecture``:
    whether this run is laid out for a lecture (its type and panels need more room)."""
    _probe(
        key=STATE_KEY,
        data={"screen": screen(), "room": REGULAR_ROOM_PX[bool(lecture)]},
        default={"screen": DEFAULT_SCREEN},
        on_screen_change=_reported,
        height=0,
    )


def screen() -> str:
    """The window's class as last reported: "narrow" (a phone), "compact" (a column too narrow for
    panels side by side), "regular" or "wide" (a projector)."""
    state = st.session_state.get(STATE_KEY)
    value = state.get("screen") if hasattr(state, "get") else getattr(state, "screen", None)
    return value if value in SCREENS else DEFAULT_SCREEN


def room_for_columns() -> bool:
    """Whether the page's column holds a laptop's side-by-side layout (not a phone's window, nor
    a column narrowed by the sidebar)."""
    return not stacks(screen())
