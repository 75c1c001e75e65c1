"""Typed activations: the whitelist holds, allowed formulas evaluate correctly and never warn."""

import time
import warnings

import numpy as np
import pytest

from explainer import ACTIVATIONS, parse_activation
from explainer.expressions import MAX_DEPTH, MAX_LENGTH

REFUSED = {
    "__import__('os').system('id')": "calling anything but a named function",
    "().__class__.__bases__": "attribute access",
    "x.__class__": "attribute access",
    "[x for x in ()]": "comprehensions",
    "lambda: 1": "lambda",
    "(" * 10_000 + "x" + ")" * 10_000: "characters long",
    "x" * 1_000_000: "characters long",
    "": "empty",
    "   ": "empty",
    "y": "Unknown name `y`",
    "exp": "it is a function",
    "open('/etc/passwd')": "is not an allowed function",
    "eval('1')": "is not an allowed function",
    "exp(x, 2)": "takes 1 argument",
    "exp(x=1)": "keyword arguments",
    "x if x > 0 else 0": "if/else",
    "x > 0": "comparison outside where",
    "where(x, 1, 0)": "one comparison",
    "where(0 < x < 1, 1, 0)": "one comparison",
    "True * x": "the constant True",
    "'a' * 3": "the constant a",
    "1j * x": "the constant 1j",
    "x[0]": "indexing",
    "f'{x}'": "strings",
    "(x := 1)": "the := operator",
    "not x": "not and ~",
    "x // 2": "the operator //",
    "x ^ 2": "write **",
    "x and 1": "and / or",
    "{x}": "sets",
    "(x, x)": "tuples",
    "*x": "not a formula",
    "x +": "not a formula",
    "-" * (MAX_DEPTH + 5) + "x": "nested more than",
}


@pytest.mark.parametrize("text", list(REFUSED), ids=lambda t: repr(t[:30]))
def test_refused_expressions_raise_a_readable_value_error(text):
    with pytest.raises(ValueError, match=REFUSED[text].replace("(", r"\(").replace("*", r"\*")):
        parse_activation(text)


def test_refusal_message_is_short_even_for_a_megabyte_of_input():
    with pytest.raises(ValueError) as error:
        parse_activation("x" * 1_000_000)
    assert len(str(error.value)) < 200


def test_length_limit_is_two_hundred_characters():
    assert MAX_LENGTH == 200
    parse_activation("x * 1." + "0" * 194)  # exactly 200 characters
    with pytest.raises(ValueError, match="201 characters"):
        parse_activation("x" + " " * 200)


@pytest.mark.parametrize(
    ("text", "registered"),
    [
        ("x * tanh(softplus(x))", "mish"),
        ("maximum(0.01*x, x)", "leaky_relu"),
        ("where(x > 0, x, 0.01 * x)", "leaky_relu"),
        ("1 / (1 + exp(-x))", "sigmoid"),
        ("sigmoid(x)", "sigmoid"),
        ("x * sigmoid(x)", "silu"),
        ("0.5 * x * (1 + erf(x / sqrt(2)))", "gelu"),
        ("minimum(maximum(x, -1), 1)", "hard_tanh"),
        ("x / (1 + abs(x))", "softsign"),
        ("max(0, x)", "relu"),
        ("max(x, 0.01 * x)", "leaky_relu"),
        ("min(max(x, -1), 1)", "hard_tanh"),
    ],
)
def test_typed_formula_equals_the_registered_function(text, registered):
    x = np.linspace(-6, 6, 1201)
    typed = parse_activation(text)
    np.testing.assert_allclose(typed.f(x), ACTIVATIONS[registered].f(x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("text", ["x * tanh(softplus(x))", "sin(x) * x", "log(1 + x * x)", "x ** 3 - 2 * x"])
def test_numerical_derivative_matches_the_analytic_one(text):
    typed = parse_activation(text)
    x = np.linspace(-3, 3, 61)
    analytic = {
        "x * tanh(softplus(x))": ACTIVATIONS["mish"].df(x),
        "sin(x) * x": np.cos(x) * x + np.sin(x),
        "log(1 + x * x)": 2 * x / (1 + x * x),
        "x ** 3 - 2 * x": 3 * x * x - 2,
    }[text]
    np.testing.assert_allclose(typed.df(x), analytic, rtol=1e-7, atol=1e-8)
    assert typed.numerical_grad and typed.key == "typed"


def test_power_tower_is_infinite_at_once_instead_of_hanging():
    start = time.perf_counter()
    typed = parse_activation("9**9**9**9")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = typed.f(np.linspace(-1, 1, 5))
    assert np.isinf(values).all()
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text", ["exp(1000*x)", "log(x)", "1/x", "sqrt(x)", "x**x", "exp(exp(exp(x)))"])
def test_overflow_and_invalid_values_never_warn(text):
    typed = parse_activation(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        typed.f(np.linspace(-10, 10, 101))
        typed.df(np.linspace(-10, 10, 101))


def test_constant_expression_broadcasts_to_the_input_shape():
    typed = parse_activation("2.5")
    assert typed.f(np.zeros(7)).shape == (7,)
    np.testing.assert_array_equal(typed.df(np.zeros(7)), 0.0)


def test_redundant_parentheses_do_not_count_as_nesting():
    assert parse_activation("(" * 50 + "x" + ")" * 50).f(np.ones(2)).tolist() == [1.0, 1.0]


def test_latex_is_built_from_the_expression():
    assert parse_activation("x / (1 + abs(x))").latex == r"f(x) = \frac{x}{1 + \left|x\right|}"
    assert r"\begin{cases}" in parse_activation("where(x > 0, x, 0.1*x)").latex


@pytest.mark.parametrize(("text", "registered"), [("max(0, x)", "relu"), ("min(max(x, -1), 1)", "hard_tanh")])
def test_max_and_min_have_the_registered_derivative_kinks_included(text, registered):
    x = np.concatenate([np.linspace(-3, 3, 61), [-1.0, 0.0, 1.0]])
    np.testing.assert_allclose(parse_activation(text).df(x), ACTIVATIONS[registered].df(x), atol=1e-8)


def test_max_and_min_take_exactly_two_arguments_and_print_as_max_and_min():
    with pytest.raises(ValueError, match=r"max\(\) takes 2 argument"):
        parse_activation("max(x)")
    assert parse_activation("min(0, x)").latex == r"f(x) = \min\left(0, x\right)"


def test_a_jump_gives_no_derivative_spike_and_a_pole_an_undefined_derivative():
    step = parse_activation("where(x >= 0, 1, -1)").df(np.array([-1e-7, 0.0, 1e-7]))
    np.testing.assert_array_equal(step, 0.0)
    assert np.isnan(parse_activation("1/x").df(np.array([0.0]))).all()
