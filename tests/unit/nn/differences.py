"""Central differences: the reference every backward pass in these tests is checked against."""

import numpy as np


def central_difference(loss, array: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """∂loss()/∂array by central differences, entry by entry (``array`` is changed in place and
    restored)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + step
        up = loss()
        array[index] = kept - step
        down = loss()
        array[index] = kept
        grad[index] = (up - down) / (2 * step)
    return grad
