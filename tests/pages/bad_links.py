"""Bad links a visitor might paste or a chat might mangle, and which keys the page's warning must name."""

import itertools

from .conftest import open_page

HUGE = "9" * 10_240
# Raw values a visitor might paste or a link might be mangled into.
BAD_VALUES = [
    "-5",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "999999999",
    "abc",
    "√²€😀",
    "",
    HUGE,
    "0x1F",
    "gelu2",
    "1,5",
]


def bound_widgets(page_file: str) -> dict:
    """The page's URL-bound widgets (key → Bound) as the page itself registers them."""
    at = open_page(page_file)
    return dict(at.session_state["_vp_bound"])


def bad_queries(bound: dict, count: int = 30) -> list[list[tuple[str, str]]]:
    """At least ``count`` query strings mixing bad values, repeated keys and unknown keys."""
    keys = [k for k in bound if k != "lecture"] or ["lecture"]
    queries = []
    for key, value in zip(itertools.cycle(keys), BAD_VALUES * 3, strict=False):
        queries.append([(key, value)])
        if len(queries) >= count - 6:
            break
    first = keys[0]
    queries += [
        [(first, "1"), (first, "2"), (first, "3")],
        [("zzz", "1"), ("__proto__", "x")],
        [(first, HUGE), ("unknown_" + "x" * 300, "1")],
        [(k, "-1e308") for k in keys],
        [(k, "") for k in keys],
        [("lecture", "maybe"), (first, "😀")],
    ]
    return queries


def expected_named(bound: dict, query: list[tuple[str, str]]) -> set[str]:
    """Keys the warning must name: unknown keys, and values the widget's reader rejects or changes."""
    named = set()
    grouped: dict[str, list[str]] = {}
    for key, value in query:
        grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        widget = bound.get(key)
        if widget is None:
            named.add(key)
            continue
        value, reason = widget.read(values)
        if reason is not None or value is None:
            named.add(key)
    return named
