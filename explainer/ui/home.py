"""The home page: its one setting and the story's cached computations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import store
from ..charts.home import line_chart
from ..lessons.home import story
from .display import CACHE_ENTRIES, chart
from .widgets import Param

PARAMS = {p.key: p for p in (Param("chain", "Layers in the chain", "slider", 10, low=2, high=30),)}
SCENES: dict[str, dict] = {}


@st.cache_data(max_entries=4, show_spinner=False)
@store.persisted
def linear_collapse() -> story.LinearCollapse:
    """Cached ``story.linear_collapse``."""
    return story.linear_collapse()


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
@store.persisted
def chain_rule(activation: str, depth: int) -> story.ChainRule:
    """Cached ``story.chain_rule``."""
    return story.chain_rule(activation, depth)


@st.cache_data(max_entries=4, show_spinner=False)
@store.persisted
def slope_bounds() -> pd.DataFrame:
    """Cached ``story.slope_bounds``."""
    return story.slope_bounds()


@st.cache_data(max_entries=4, show_spinner=False)
@store.persisted
def dead_relu_units() -> story.DeadUnits:
    """Cached ``story.dead_relu_units``."""
    return story.dead_relu_units()


@st.cache_data(max_entries=4, show_spinner=False)
@store.persisted
def initialization_story() -> story.InitializationStory:
    """Cached ``story.initialization_story``."""
    return story.initialization_story()


@st.cache_data(max_entries=4, show_spinner=False)
@store.persisted
def fixes_story() -> story.FixesStory:
    """Cached ``story.fixes_story``."""
    return story.fixes_story()


# Every step's chart is one short line chart of the same height.
STEP_CHART_HEIGHT = 220


def step_chart(
    rows: pd.DataFrame,
    x: str,
    y: str,
    *,
    name: str,
    key: object,
    lecture: bool,
    data: pd.DataFrame | None = None,
    **options: object,
) -> None:
    """A step's ``line_chart`` of ``rows``, its spec built once per ``key`` (the settings that fix
    the rows), with ``data`` (default: the rows) as its CSV download."""
    chart(
        line_chart,
        rows,
        x,
        y,
        lecture=lecture,
        height=STEP_CHART_HEIGHT,
        name=name,
        data=rows if data is None else data,
        key=key,
        **options,
    )
