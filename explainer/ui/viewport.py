"""How wide the visitor's window is, in three classes: multi-panel charts stack on a phone and
grow on a projector.

A Vega-Lite facet or concatenation lays its panels out when the spec is built, so the server must
know the width before it builds one. A small inline component reports the window's class from the
browser, only when it differs from what the server last knew: a laptop visit costs no extra run, a
phone's or a projector's first run is followed by one more, and a resized window by one each time
its class changes.
"""

from __future__ import annotations

import streamlit as st

from ..charts.theme import SCREENS

# Streamlit stacks st.columns below 640 px; the charts stack at the same width. From 1800 px (a
# 1920 × 1080 projector) the wide lecture layout leaves over 1,300 px beside the sidebar: room
# for panels half as wide again (``charts.theme.panel_width``).
NARROW_BELOW_PX = 640
WIDE_FROM_PX = 1800
STATE_KEY = "_vp_viewport"
DEFAULT_SCREEN = "regular"
assert DEFAULT_SCREEN in SCREENS

# Streamlit calls the function again with each run's data and calls the cleanup only on unmount,
# so one resize listener per window is kept (the latest run's) and a class is sent once: a
# listener per run, each with its own stale class, turned every resize into one rerun per past run.
_REPORT_JS = f"""
export default function (component) {{
  const {{ data, setStateValue }} = component;
  const known = (data && data.screen) || "{DEFAULT_SCREEN}";
  window.__vpScreen = known;  // the class this run's charts were built for (read by the tests)
  if (window.__vpSent === known) window.__vpSent = null;  // the server has what was sent
  const report = () => {{
    const width = window.innerWidth;
    const screen = width < {NARROW_BELOW_PX} ? "narrow" : width >= {WIDE_FROM_PX} ? "wide" : "regular";
    const pending = window.__vpSent || window.__vpScreen;
    if (screen !== pending) {{
      window.__vpSent = screen;
      setStateValue("screen", screen);
    }}
  }};
  if (window.__vpListener) window.removeEventListener("resize", window.__vpListener);
  window.__vpListener = report;
  window.addEventListener("resize", report);
  report();
  return () => {{
    window.removeEventListener("resize", report);
    if (window.__vpListener === report) window.__vpListener = null;
  }};
}}
"""

_probe = st.components.v2.component("vanishing_point_viewport", html="<span hidden></span>", js=_REPORT_JS)


def _reported() -> None:
    """on_change callback: the reported class is already in session state; the rerun redraws."""


def watch() -> None:
    """Place the invisible probe; once per run, before the page draws its charts."""
    _probe(
        key=STATE_KEY,
        data={"screen": screen()},
        default={"screen": DEFAULT_SCREEN},
        on_screen_change=_reported,
        height=0,
    )


def screen() -> str:
    """The window's class as last reported: "narrow" (a phone), "regular" or "wide" (a projector)."""
    state = st.session_state.get(STATE_KEY)
    value = state.get("screen") if hasattr(state, "get") else getattr(state, "screen", None)
    return value if value in SCREENS else DEFAULT_SCREEN
