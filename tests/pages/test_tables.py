"""Every table's columns are wide enough for their header and their longest entry."""

from __future__ import annotations

import json

import pytest

from .conftest import assert_clean, open_page

# The grid's 14 px sans-serif: no character of these tables averages wider than 7 px, and a cell
# pads its text by 8 px each side.
CHAR_PX, PADDING_PX = 7, 16


@pytest.mark.parametrize(
    ("page", "query"),
    [
        (None, {}),
        ("app_pages/activations.py", {"act": ["gelu_tanh", "relu", "hard_swish"]}),
    ],
)
def test_every_column_is_wide_enough_for_its_longest_label(page, query):
    at = open_page(page, query)
    assert_clean(at)
    assert at.dataframe, "the page shows a table"
    for table in at.dataframe:
        config = json.loads(table.proto.columns)
        widths = {name: column["width"] for name, column in config.items() if "width" in column}
        frame = table.value
        assert set(widths) >= {str(c) for c in frame.columns}
        for column in frame.columns:
            texts = [str(column)] + [str(v) for v in frame[column] if not isinstance(v, float)]
            longest = max(texts, key=len)
            assert widths[str(column)] >= CHAR_PX * len(longest) + PADDING_PX, (column, longest)
