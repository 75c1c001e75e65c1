"""Walking a built Vega-Lite spec, for the tests that look inside charts."""

from __future__ import annotations

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
