"""Argument checks shared by every numpy network: a ValueError that says what was expected and what came."""

from __future__ import annotations

import math

import numpy as np


def is_number(value) -> bool:
    """A real number (a bool is not one, though Python says it is an int)."""
    return not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)


def whole(name: str, value, low: int, high: int) -> int:
    """``value`` as an int in [low, high], or a ValueError naming ``name`` and the range."""
    message = f"{name} must be a whole number between {low:,} and {high:,}; got {value!r}."
    if not is_number(value) or not math.isfinite(value) or not float(value).is_integer():
        raise ValueError(message)
    if not low <= value <= high:
        raise ValueError(message)
    return int(value)


def real(name: str, value, low: float, high: float) -> float:
    """``value`` as a float in [low, high], or a ValueError naming ``name`` and the range."""
    if not is_number(value) or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a number between {low:g} and {high:g}; got {value!r}.")
    return float(value)


def choice(name: str, value, options) -> str:
    """``value`` if it is one of ``options`` (strings), or a ValueError listing them."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"Unknown {name} {value!r}; expected one of {sorted(options)}.")
    return value


MAX_DEPTH = 1000
MAX_WIDTH = 4096
MAX_BATCH = 4096


def check_network(depth, width, batch, seed=0) -> tuple[int, int, int, int]:
    """(depth, width, batch, seed) as ints, or a ValueError saying which is out of range:
    depth in [1, 1000], width and batch in [1, 4096], seed in [0, 2**32)."""
    return (
        whole("depth", depth, 1, MAX_DEPTH),
        whole("width", width, 1, MAX_WIDTH),
        whole("batch", batch, 1, MAX_BATCH),
        whole("seed", seed, 0, 2**32 - 1),
    )
