"""Typed activations: a safe parser for expressions in ``x``, such as ``x * tanh(softplus(x))``.

The app is served to the public, so this module is a security boundary. Text is parsed with
:mod:`ast` and compiled into a tree of numpy closures; nothing is ever passed to ``eval``.
Only a whitelist is accepted: the name ``x``, int and float literals (evaluated as float64, so
``9**9**9`` is ``inf`` at once instead of a hang), ``+ - * / **``, unary minus, and calls to
the functions in ``FUNCTIONS`` (``where`` takes one comparison as its condition).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable

import numpy as np
from scipy import special

from .activations import Activation

MAX_LENGTH = 200
MAX_DEPTH = 40

Compiled = Callable[[np.ndarray], np.ndarray]

# name -> (numpy implementation, number of arguments, LaTeX template)
FUNCTIONS: dict[str, tuple[Callable[..., np.ndarray], int, str]] = {
    "exp": (np.exp, 1, r"e^{{{0}}}"),
    "log": (np.log, 1, r"\log\left({0}\right)"),
    "sqrt": (np.sqrt, 1, r"\sqrt{{{0}}}"),
    "abs": (np.abs, 1, r"\left|{0}\right|"),
    "tanh": (np.tanh, 1, r"\tanh\left({0}\right)"),
    "sigmoid": (special.expit, 1, r"\sigma\left({0}\right)"),
    "softplus": (lambda a: np.logaddexp(0.0, a), 1, r"\operatorname{{softplus}}\left({0}\right)"),
    "erf": (special.erf, 1, r"\operatorname{{erf}}\left({0}\right)"),
    "sin": (np.sin, 1, r"\sin\left({0}\right)"),
    "cos": (np.cos, 1, r"\cos\left({0}\right)"),
    "tan": (np.tan, 1, r"\tan\left({0}\right)"),
    "maximum": (np.maximum, 2, r"\max\left({0}, {1}\right)"),
    "minimum": (np.minimum, 2, r"\min\left({0}, {1}\right)"),
    # The names people write for the elementwise two-argument maximum and minimum (max(0, x) is ReLU).
    "max": (np.maximum, 2, r"\max\left({0}, {1}\right)"),
    "min": (np.minimum, 2, r"\min\left({0}, {1}\right)"),
    "where": (np.where, 3, r"\begin{{cases}} {1} & {0} \\ {2} & \text{{otherwise}} \end{{cases}}"),
}

_BINARY = {
    ast.Add: (np.add, "+"),
    ast.Sub: (np.subtract, "-"),
    ast.Mult: (np.multiply, "*"),
    ast.Div: (np.divide, "/"),
    ast.Pow: (np.power, "**"),
}
_COMPARE = {
    ast.Lt: (np.less, "<"),
    ast.LtE: (np.less_equal, r"\le"),
    ast.Gt: (np.greater, ">"),
    ast.GtE: (np.greater_equal, r"\ge"),
}

ALLOWED_SUMMARY = (
    "the variable x, numbers, + − * / ** and unary minus, and the functions "
    + ", ".join(FUNCTIONS)
    + " (where(condition, a, b) takes one comparison such as x > 0)"
)

_OPERATOR_NAMES = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^ (for a power, write **)",
    ast.LShift: "<<",
    ast.RShift: ">>",
}

# Constructs people try, named the way a reader would recognise them in the error message.
_NODE_NAMES = {
    ast.Attribute: "attribute access (a dot, as in x.__class__)",
    ast.Subscript: "indexing with [ ]",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.BoolOp: "and / or",
    ast.IfExp: "if/else expressions",
    ast.NamedExpr: "the := operator",
    ast.Starred: "* unpacking",
    ast.JoinedStr: "strings",
    ast.Await: "await",
    ast.Yield: "yield",
}


class _Parser:
    """Checks one parsed expression against the whitelist and compiles it into closures."""

    def __init__(self, text: str):
        self.text = text

    def snippet(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node) or type(node).__name__
        return segment if len(segment) <= 40 else segment[:37] + "..."

    def refuse(self, node: ast.AST, what: str) -> ValueError:
        return ValueError(f"Not allowed: {what} (in `{self.snippet(node)}`). Allowed: {ALLOWED_SUMMARY}.")

    def closure(self, node: ast.AST) -> tuple[Compiled, str]:
        """A closure evaluating ``node`` on an array x, and the node's LaTeX."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.refuse(node, f"the constant {str(value)[:20]}")
            # At most 200 characters, an integer literal is below 1e200, so float() cannot overflow.
            number = np.float64(float(value))
            return (lambda x: number), _latex_number(float(number))
        if isinstance(node, ast.Name):
            if node.id != "x":
                known = " (it is a function: call it, as in exp(x))" if node.id in FUNCTIONS else ""
                raise ValueError(
                    f"Unknown name `{node.id[:40]}`{known}: the only variable is x. "
                    f"Allowed: {ALLOWED_SUMMARY}."
                )
            return (lambda x: x), "x"
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise self.refuse(node, "the operators not and ~")
            inner, tex = self.closure(node.operand)
            if isinstance(node.op, ast.UAdd):
                return inner, tex
            return (lambda x: np.negative(inner(x))), f"-{_wrap(node.operand, tex)}"
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise self.refuse(
                    node, f"the operator {_OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)}"
                )
            op, _ = _BINARY[type(node.op)]
            left, ltex = self.closure(node.left)
            right, rtex = self.closure(node.right)
            return (lambda x: op(left(x), right(x))), _binary_latex(node, ltex, rtex)
        if isinstance(node, ast.Call):
            return self.call_closure(node)
        if isinstance(node, ast.Compare):
            raise self.refuse(node, "a comparison outside where(...)")
        raise self.refuse(node, _NODE_NAMES.get(type(node), f"`{type(node).__name__}`"))

    def call_closure(self, node: ast.Call) -> tuple[Compiled, str]:
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node.func, "calling anything but a named function")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ValueError(
                f"`{name[:40]}` is not an allowed function. Allowed functions: {', '.join(FUNCTIONS)}."
            )
        if node.keywords:
            raise self.refuse(node, "keyword arguments")
        func, arity, template = FUNCTIONS[name]
        if len(node.args) != arity:
            raise ValueError(f"{name}() takes {arity} argument(s), got {len(node.args)}.")
        args = list(node.args)
        compiled: list[Compiled] = []
        texs: list[str] = []
        if name == "where":
            condition, tex = self.condition_closure(args.pop(0))
            compiled.append(condition)
            texs.append(tex)
        for arg in args:
            c, tex = self.closure(arg)
            compiled.append(c)
            texs.append(tex)
        return (lambda x: func(*(c(x) for c in compiled))), template.format(*texs)

    def condition_closure(self, node: ast.AST) -> tuple[Compiled, str]:
        if not isinstance(node, ast.Compare) or len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            raise self.refuse(node, "a first argument of where that is not one comparison (<, <=, >, >=)")
        op, symbol = _COMPARE[type(node.ops[0])]
        left, ltex = self.closure(node.left)
        right, rtex = self.closure(node.comparators[0])
        return (lambda x: op(left(x), right(x))), f"{ltex} {symbol} {rtex}"


def _depth(tree: ast.AST) -> int:
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _latex_number(value: float) -> str:
    if not math.isfinite(value):
        return r"\infty"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    mantissa, _, exponent = f"{value:.6g}".partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else mantissa


def _wrap(node: ast.AST, tex: str) -> str:
    return rf"\left({tex}\right)" if isinstance(node, ast.BinOp) else tex


def _binary_latex(node: ast.BinOp, ltex: str, rtex: str) -> str:
    if isinstance(node.op, ast.Div):
        return rf"\frac{{{ltex}}}{{{rtex}}}"
    if isinstance(node.op, ast.Pow):
        return rf"{_wrap(node.left, ltex)}^{{{rtex}}}"
    if isinstance(node.op, ast.Mult):
        return rf"{_wrap_low(node.left, ltex)} \cdot {_wrap_low(node.right, rtex)}"
    symbol = "+" if isinstance(node.op, ast.Add) else "-"
    right = _wrap_low(node.right, rtex) if symbol == "-" else rtex
    return f"{ltex} {symbol} {right}"


def _wrap_low(node: ast.AST, tex: str) -> str:
    # Sums inside a product or after a minus need parentheses.
    low = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub)
    return rf"\left({tex}\right)" if low else tex


# One-sided slopes differing by more than this share of their size mark a kink (max(0, x) at 0);
# a smooth f's differ by about h·|f''|, far less.
KINK_SLACK = 1e-2
# A one-sided slope this many times the other's steps across a jump of f (where(x >= 0, 1, 0)).
JUMP_FACTOR = 1e4


def central_difference(fn: Compiled, x: np.ndarray) -> np.ndarray:
    """f'(x) by differences with a step h scaled to |x| (relative step eps**(1/3)).

    Central where f is smooth. At a kink, where the slopes to the left and to the right of x
    disagree, the one from the left, the registry's convention (so max(0, x) has f'(0) = 0 as
    ReLU does) — unless that step crosses a jump of f, when the one from the right: no spike.
    NaN where f(x) itself is not finite (1/x at 0): f' is undefined where f is.
    """
    h = 6e-6 * np.maximum(1.0, np.abs(x))
    with np.errstate(all="ignore"):
        below, here, above = fn(x - h), fn(x), fn(x + h)
        left, right = (here - below) / h, (above - here) / h
        central = (above - below) / (2.0 * h)
        kink = np.abs(right - left) > KINK_SLACK * (1.0 + np.abs(left) + np.abs(right))
        one_sided = np.where(np.abs(left) > JUMP_FACTOR * (1.0 + np.abs(right)), right, left)
        return np.where(np.isfinite(here), np.where(kink, one_sided, central), np.nan)


def parse_activation(text: str) -> Activation:
    """Parse a typed expression in ``x`` into an :class:`Activation` with a numerical derivative.

    Raises ValueError with a readable message for anything outside the whitelist, for text
    longer than ``MAX_LENGTH`` characters and for expressions nested deeper than ``MAX_DEPTH``.
    The returned functions never warn: overflow gives ``inf`` and invalid operations ``nan``,
    which the chart builders turn into clipped values and gaps, each with a message.
    """
    if not isinstance(text, str):
        raise ValueError(f"Expected the expression as text, got {type(text).__name__}.")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"The expression is {len(text):,} characters long; the limit is {MAX_LENGTH}.")
    stripped = text.strip()
    if not stripped:
        raise ValueError("The expression is empty: type a formula in x, such as x * sigmoid(x).")
    try:
        tree = ast.parse(stripped, mode="eval")
    except (SyntaxError, MemoryError, RecursionError, ValueError) as error:
        detail = getattr(error, "msg", None) or str(error) or type(error).__name__
        raise ValueError(f"This is not a formula Python can read: {detail}.") from None
    if _depth(tree) > MAX_DEPTH:
        raise ValueError(f"The expression is nested more than {MAX_DEPTH} levels deep.")
    parser = _Parser(stripped)
    compiled, latex = parser.closure(tree.body)

    def fn(x, **_params):
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            y = np.asarray(compiled(x), dtype=np.float64)
        return np.broadcast_to(y, x.shape).copy()

    def grad(x, **_params):
        return central_difference(fn, np.asarray(x, dtype=np.float64))

    return Activation(
        key="typed",
        label=f"typed: {stripped}" if len(stripped) <= 32 else f"typed: {stripped[:29]}...",
        fn=fn,
        grad=grad,
        latex=f"f(x) = {latex}",
        # On two lines, the words under them: one line ran 749 px, past a laptop's 670-px box.
        grad_latex=r"\begin{gathered} f'(x) \approx \frac{f(x + h) - f(x - h)}{2h} \\ h = 6\times10^{-6}\max(1, |x|)"
        r" \end{gathered}",
        numerical_grad=True,
        expression=stripped,
        continuous=False,
        note="Typed by you; its derivative is numerical: a central difference, from the left at a kink.",
    )
