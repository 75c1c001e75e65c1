"""Reading raw URL values: clamp, round, alias, drop — each with the reason the page shows."""

import pytest

from explainer.ui.links import (
    Bound,
    bool_reader,
    link_problems,
    number_reader,
    option_reader,
    options_reader,
    range_reader,
    text_reader,
)

DEPTH = number_reader(1, 200, integer=True)


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("20", 20, None),
        ("20.0", 20, None),
        ("999", 200, "above the maximum 200"),
        ("-5", 1, "below the minimum 1"),
        ("1e400", 200, "above the maximum"),
        ("inf", 200, "above the maximum"),
        ("-inf", 1, "below the minimum"),
        ("20.5", 20, "not a whole number"),
        ("nan", None, "not a number"),
        ("abc", None, "not a number"),
        ("", None, "not a number"),
        ("٣", 3, None),  # Python reads Unicode digits as numbers; so does the slider
        ("9" * 10_000, 200, "above the maximum"),
    ],
)
def test_number_reader(raw, value, reason):
    got, why = DEPTH([raw])
    assert got == value
    assert (why is None) if reason is None else (reason in why)


def test_number_reader_uses_the_last_of_repeated_values():
    assert DEPTH(["5", "7"]) == (7, None)


def test_float_reader_keeps_fractions():
    assert number_reader(0.0, 1.0, integer=False)(["0.123"]) == (0.123, None)


def test_range_reader_orders_clamps_and_refuses_single_values():
    read = range_reader(-20.0, 20.0, integer=False)
    assert read(["3", "-2"]) == ((-2.0, 3.0), None)
    value, reason = read(["-50", "2"])
    assert value == (-20.0, 2.0) and "below the minimum" in reason
    assert read(["1"])[0] is None and "two values" in read(["1"])[1]
    assert read(["1", "1"])[0] is None


def test_option_reader_accepts_keys_and_labels_in_any_case():
    read = option_reader(["relu", "leaky_relu"], {"relu": "ReLU", "leaky_relu": "Leaky ReLU"})
    assert read(["relu"]) == ("relu", None)
    assert read(["LEAKY RELU"]) == ("leaky_relu", None)
    value, reason = read(["gelu2"])
    assert value is None and "not one of the options (ReLU, Leaky ReLU)" in reason


def test_options_reader_drops_unknown_entries_and_duplicates():
    read = options_reader(["relu", "tanh"], {"relu": "ReLU", "tanh": "tanh"}, max_selections=None)
    value, reason = read(["relu", "bogus", "ReLU", "tanh"])
    assert value == ["relu", "tanh"] and "`bogus`, not an option; dropped" in reason
    value, reason = read(["bogus"])
    assert value is None and "dropped" in reason


@pytest.mark.parametrize(
    ("raw", "value"),
    [("true", True), ("1", True), ("YES", True), ("off", False), ("0", False), ("maybe", None)],
)
def test_bool_reader(raw, value):
    assert bool_reader([raw])[0] is value


def test_text_reader_cuts_long_text():
    value, reason = text_reader(200)(["x" * 10_240])
    assert len(value) == 200 and "10,240 characters" in reason


def test_link_problems_name_each_ignored_value_and_unknown_key():
    depth = Bound("depth", 20, 20, DEPTH, lambda v: [str(v)], str)
    messages = link_problems({"depth": ["999"], "zzz": ["1"], "embed": ["true"]}, {"depth": depth})
    assert messages[0].startswith("`depth` = `999` is above the maximum 200; clamped to it; showing 20.")
    assert messages[1] == "`zzz`: not a setting of this page, so ignored."
    assert len(messages) == 2  # embed belongs to Streamlit


def test_link_problems_keep_markdown_safe_and_short():
    depth = Bound("depth", 20, 20, DEPTH, lambda v: [str(v)], str)
    (message,) = link_problems({"depth": ["`**x**`" * 3000]}, {"depth": depth})
    assert message.count("`") == 4  # only the two code spans the message opens and closes
    assert len(message) < 200
