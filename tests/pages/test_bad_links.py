"""Thirty bad links per page: each renders without an exception, with one warning naming every bad value."""

import pytest

from .bad_links import bad_queries, bound_widgets, expected_named
from .conftest import assert_clean, open_page, registered_pages


def _query(pairs: list[tuple[str, str]]) -> dict:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


@pytest.mark.parametrize("page_file", registered_pages())
def test_thirty_bad_links_render_with_a_warning_naming_each_bad_value(page_file):
    bound = bound_widgets(page_file)
    queries = bad_queries(bound)
    assert len(queries) >= 30
    for query in queries:
        at = open_page(page_file, _query(query), timeout=120)
        assert_clean(at)
        named = expected_named(bound, query)
        warnings = [w.value for w in at.warning if "could not be used" in w.value]
        if named:
            assert len(warnings) == 1, (query, warnings)
            for key in named:
                assert key[:31] in warnings[0], (key, query, warnings[0])
