"""Every chart the pages draw: log axes tick at 1-2-5 or whole decades (never Vega's 10, 4, 2,
0.5 that skips 1), and lines on a fixed domain stay inside their frame."""

from __future__ import annotations

import json
import math

import pytest

from tests.specs import spec_nodes

from .conftest import assert_clean, open_page

PAGES = {
    None: {},
    "app_pages/activations.py": {"act": ["relu", "leaky_relu", "tanh"]},
    "app_pages/depth.py": {"depth": "12", "width": "32", "batch": "32"},
    "app_pages/initialization.py": {"width": "64"},
    "app_pages/mlp.py": {"n": "100", "epochs": "10", "depth": "1", "width": "4"},
    "app_pages/training.py": {
        "trials": "25", "budget": "1200", "steps": "100", "depth": "3", "bn_depth": "3", "es_steps": "200"
    },
}  # fmt: skip


def mantissa(value: float) -> int:
    return round(value / 10 ** math.floor(math.log10(value) + 1e-9))


@pytest.mark.parametrize("page", list(PAGES))
def test_log_axes_tick_at_one_two_five_or_label_decades(page):
    at = open_page(page, PAGES[page], timeout=180)
    assert_clean(at)
    log_channels = 0
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        for node in spec_nodes(spec):
            for name in ("x", "y"):
                channel = node.get(name)
                if not (isinstance(channel, dict) and channel.get("scale", {}).get("type") == "log"):
                    continue
                if channel["scale"].get("base", 10) != 10:
                    continue  # powers of two (batch sizes) tick at themselves
                log_channels += 1
                axis = channel.get("axis") or {}
                assert "values" in axis or "labelExpr" in axis, (element.proto.spec[:200], channel)
                if "values" in axis:
                    assert {mantissa(v) for v in axis["values"]} <= {1, 2, 5}, axis["values"]
    if page in (None, "app_pages/mlp.py", "app_pages/training.py"):
        assert log_channels, "this page draws log axes"
