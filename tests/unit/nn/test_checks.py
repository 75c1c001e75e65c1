"""Argument checks: what counts as a number and a whole number, and the network's bounds."""

import math

import numpy as np
import pytest

from explainer.nn.checks import MAX_DEPTH, check_network, is_number, whole


@pytest.mark.parametrize("value", [0, 3, 2.5, -1e300, np.int64(7), np.float32(0.5), math.inf])
def test_ints_floats_and_numpys_numbers_are_numbers(value):
    assert is_number(value)


@pytest.mark.parametrize("value", [True, False, "3", None, [1], np.array([1.0])])
def test_bools_strings_and_arrays_are_not_numbers(value):
    assert not is_number(value)


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), (np.int64(10), 10), (np.float64(1.0), 1)])
def test_whole_returns_an_int_for_a_whole_number_in_range(value, expected):
    result = whole("depth", value, 1, 10)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", [0, 11, 2.5, math.nan, math.inf, True, "5", None])
def test_whole_refuses_anything_else_saying_what_was_expected_and_what_came(value):
    with pytest.raises(
        ValueError, match=rf"^depth must be a whole number between 1 and 10; got {value!r}\.$"
    ):
        whole("depth", value, 1, 10)


def test_whole_writes_the_range_with_thousands_separators():
    with pytest.raises(ValueError, match=r"between 1 and 1,000; got 1001"):
        whole("depth", 1001, 1, MAX_DEPTH)


def test_check_network_returns_ints_and_names_the_argument_out_of_range():
    assert check_network(2.0, 8, np.int32(4), 0) == (2, 8, 4, 0)
    with pytest.raises(ValueError, match=r"seed must be a whole number between 0 and 4,294,967,295; got -1"):
        check_network(2, 8, 4, -1)
