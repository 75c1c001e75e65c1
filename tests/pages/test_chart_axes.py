"""Every chart the pages draw, in every tab: log axes tick at 1-2-5 or whole decades (never
Vega's 10, 4, 2, 0.5 that skips 1)."""

from __future__ import annotations

import json

import pytest

from explainer import ui
from explainer.charts.depth import DECADE_LABELS
from tests.specs import mantissa, spec_nodes

from .conftest import assert_clean, each_section, open_page
from .test_depth_page import SMALL as DEPTH_SMALL
from .test_initialization_page import SMALL as INITIALIZATION_SMALL
from .test_mlp_page import SMALL as MLP_SMALL
from .test_training_page import SMALL as TRAINING_SMALL

PAGES = {
    None: {},
    "app_pages/activations.py": {"act": ["relu", "leaky_relu", "tanh"]},
    "app_pages/depth.py": DEPTH_SMALL,
    "app_pages/initialization.py": INITIALIZATION_SMALL,
    "app_pages/mlp.py": MLP_SMALL,
    "app_pages/training.py": TRAINING_SMALL,
    "app_pages/recurrent.py": {"steps": "50", "hidden": "8"},
    "app_pages/playground.py": {"race": "true"},
}


def every_chart(page: str | None, query: dict) -> list:
    """The charts ``page`` draws for ``query``, each of its tabs opened in turn (a tab draws only
    while it is open)."""
    at = open_page(page, query, timeout=180)
    assert_clean(at)
    labels = ui.section_labels_of(page) if page else {}
    if not labels:
        return list(at.get("vega_lite_chart"))
    drawn = []
    for _, shown in each_section(at, labels):
        assert_clean(shown)
        drawn += shown.get("vega_lite_chart")
    return drawn


@pytest.mark.parametrize("page", list(PAGES))
def test_log_axes_tick_at_one_two_five_or_label_decades_and_keep_their_end_labels(page):
    """Streamlit's chart theme sets labels flush with the plot's ends: a decade axis's end label
    moved inward onto its neighbour, and Vega's overlap check dropped that neighbour (the
    recurrent page's axis read 1, 0.01, …, 1e-24, 1e-28, without 100 and 1e-26)."""
    log_channels = decade_axes = 0
    for element in every_chart(page, PAGES[page]):
        spec = json.loads(element.proto.spec)
        for node in spec_nodes(spec):
            for name in ("x", "y"):
                channel = node.get(name)
                axis = channel.get("axis") if isinstance(channel, dict) else None
                if isinstance(axis, dict) and axis.get("labelExpr") == DECADE_LABELS:
                    decade_axes += 1
                    assert axis.get("labelFlush") is False, (element.proto.spec[:200], axis)
                if not (isinstance(channel, dict) and channel.get("scale", {}).get("type") == "log"):
                    continue
                if channel["scale"].get("base", 10) != 10:
                    continue  # powers of two (batch sizes) tick at themselves
                log_channels += 1
                axis = channel.get("axis") or {}
                assert "values" in axis or "labelExpr" in axis, (element.proto.spec[:200], channel)
                if "values" in axis:
                    assert {mantissa(v) for v in axis["values"]} <= {1, 2, 5}, axis["values"]
    if page in (None, "app_pages/mlp.py", "app_pages/training.py", "app_pages/playground.py"):
        assert log_channels, "this page draws log axes"
    if page in ("app_pages/depth.py", "app_pages/recurrent.py"):
        assert decade_axes, "this page draws decade axes"
