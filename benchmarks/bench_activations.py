"""Cost of each registered activation: ns per element of f + f' on a million float64 inputs."""

import numpy as np

from explainer import ACTIVATIONS

from .common import Case

ELEMENTS = 1_000_000


def cases() -> list[Case]:
    x = np.random.default_rng(0).standard_normal(ELEMENTS) * 3.0
    return [
        Case(
            "activation f+f′",
            key,
            lambda a=activation: (a.f(x), a.df(x)),
            repeats=7,
            per=ELEMENTS / 1e9,
            unit="ns/elem",
        )
        for key, activation in ACTIVATIONS.items()
    ]
