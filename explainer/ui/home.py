"""The home page: its one setting and the story's cached computations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import store
from ..lessons.home import story
from .display import CACHE_ENTRIES
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
