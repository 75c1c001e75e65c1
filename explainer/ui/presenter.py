"""The presenter view (``?presenter=1``): the lecturer's own tab shows the talking points and the
page's scenes in its sidebar, while the projected tab (``?lecture=1``) shows the page alone.

A scene's button opens that scene in lecture mode in a browser window named
``PROJECTOR_WINDOW`` (the first click opens it: drag it to the projector once; every later click
loads the scene into the same window) and loads the same scene into the presenter's tab, so the
talking points beside it are the projected scene's, computed from its numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import streamlit as st

PRESENTER_KEY = "presenter"
PROJECTOR_WINDOW = "vanishing_point_projector"
_SCENES = "_vp_presenter_scenes"  # this run's scene picker: its URL key, its scenes, the chosen one

_CONTROLS_CSS = """
nav { display: flex; flex-direction: column; gap: 0.4rem; font-family: inherit; }
button { font: inherit; text-align: left; padding: 0.45rem 0.7rem; border-radius: 0.5rem; cursor: pointer;
         border: 1px solid currentColor; background: transparent; color: inherit; }
button[aria-current="true"] { font-weight: bold; border-width: 2px; }
button.next { font-weight: bold; }
"""

_CONTROLS_JS = f"""
export default function (component) {{
  const {{ data, parentElement }} = component;
  const nav = parentElement.querySelector("nav");
  nav.replaceChildren();
  const here = window.location.pathname;
  const query = (entries) => "?" + new URLSearchParams(entries).toString();
  const show = (projected, presented) => {{
    window.open(here + query(projected), "{PROJECTOR_WINDOW}");
    if (presented) window.location.assign(here + query(presented));
  }};
  const add = (label, onClick, extra) => {{
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    Object.entries(extra || {{}}).forEach(([name, value]) => button.setAttribute(name, value));
    button.addEventListener("click", onClick);
    nav.appendChild(button);
    return button;
  }};
  const scenes = data.scenes || [];
  if (!scenes.length) {{
    const projected = new URLSearchParams(window.location.search);
    projected.delete("{PRESENTER_KEY}");
    projected.set("lecture", "true");
    add("Show this page on the projector", () => show(Object.fromEntries(projected), null), {{ class: "next" }});
    return;
  }}
  const place = scenes.findIndex(([name]) => name === data.chosen);
  const open = (name) => show({{ [data.key]: name, lecture: "true" }}, {{ [data.key]: name, {PRESENTER_KEY}: "true" }});
  const [nextName, nextLabel] = scenes[(place + 1) % scenes.length];
  add("Next scene: " + nextLabel, () => open(nextName), {{ class: "next" }});
  scenes.forEach(([name, label]) =>
    add(label, () => open(name), name === data.chosen ? {{ "aria-current": "true" }} : {{}}));
}}
"""

_controls = st.components.v2.component(
    "vanishing_point_presenter",
    html='<nav aria-label="Scenes: each opens on the projector and here"></nav>',
    css=_CONTROLS_CSS,
    js=_CONTROLS_JS,
)


def enabled() -> bool:
    """Whether this tab is the presenter view (the sidebar's switch, or ``?presenter=1``)."""
    return bool(st.session_state.get(PRESENTER_KEY, False))


def record_scenes(key: str, scenes: Mapping[str, str], chosen: str) -> None:
    """Remember this run's scene picker (its URL key, scene → label, the chosen scene) for the
    presenter's scene list."""
    st.session_state[_SCENES] = {"key": key, "scenes": list(scenes.items()), "chosen": chosen}


def scene_list() -> dict | None:
    """This run's scene picker as recorded, taken (each run records its own), or None."""
    return st.session_state.pop(_SCENES, None)


def show(points: Sequence[str]) -> None:
    """In the presenter view: the talking points and the scene buttons in the sidebar. Elsewhere
    nothing: a projected page carries no notes."""
    scenes = scene_list()
    if not enabled():
        return
    with st.sidebar:
        st.subheader("Presenter")
        if points:
            st.markdown("\n".join(f"- {point}" for point in points))
        else:
            st.caption("This scene has no talking points yet: its numbers appear as the page computes them.")
        data = scenes or {"key": None, "scenes": [], "chosen": None}
        _controls(key="presenter_controls", data=json.loads(json.dumps(data)), height="content")
