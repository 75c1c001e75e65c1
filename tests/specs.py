"""Walking a built Vega-Lite spec, for the tests that look inside charts."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any


def spec_nodes(node: Any) -> Iterator[dict]:
    """Every dict inside a built spec (layers, concatenations and facets included), ``node`` first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from spec_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from spec_nodes(value)


def mantissa(value: float) -> int:
    """The leading digit of a tick value: 2 for 0.02, 5 for 500."""
    return round(value / 10 ** math.floor(math.log10(value) + 1e-9))
