"""The engine's two bounded, process-wide stores: the buffers a pass keeps its layers in, and the
seeded weight draws; and the seeded inputs of a network.

Both stores keep repeated calls cheap without changing any result: the unit-variance weight draws
per (distribution, width, seed) (drawing normals costs as much as the matrix products), and the
buffers a pass keeps its layers in (fresh memory costs a page fault per 4 KB).
``clear_weight_cache()`` and ``clear_workspace()`` empty them; ``set_memory_limits`` bounds them.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..initializers import get_initializer
from .checks import check_network

# --- the buffer pool -----------------------------------------------------------------------------

# Buffers for the layers a pass keeps, reused from call to call: fresh memory costs a page fault
# per 4 KB on first touch, which for a deep network costs as much as the arithmetic (on this
# virtual machine, ten times as much: 200 × 512 × 256 took 0.85 s pooled and 7 s fresh). One pool
# for the process, at most WORKSPACE_BYTES (``set_memory_limits``): a call that needs more takes
# fresh arrays for the rest and frees them when it returns, and so does a call that finds the
# pool busy (another thread). 256 MB holds that largest benchmark network; the app sets less.
DEFAULT_WORKSPACE_BYTES = 256 * 2**20
WORKSPACE_BYTES = DEFAULT_WORKSPACE_BYTES
_pool: dict[tuple[tuple[int, ...], str], list[np.ndarray]] = {}
_pool_bytes = [0]
_pool_lock = threading.Lock()


class _Buffers:
    """Arrays for one pass: the pool's while it has room (the caller holds ``_pool_lock``), else
    fresh ones."""

    def __init__(self, pooled: bool):
        self.pooled = pooled
        self.taken: dict[tuple[tuple[int, ...], str], int] = {}

    def get(self, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
        if not self.pooled:
            return np.empty(shape, dtype)
        key = (tuple(shape), np.dtype(dtype).str)
        used = self.taken.get(key, 0)
        arrays = _pool.setdefault(key, [])
        if used >= len(arrays):
            size = math.prod(shape) * np.dtype(dtype).itemsize
            if _pool_bytes[0] + size > WORKSPACE_BYTES:
                # Make room from shapes this pass does not use; a pass larger than the pool
                # takes fresh arrays for the rest.
                for other in [k for k in _pool if k not in self.taken and k != key]:
                    _pool_bytes[0] -= sum(a.nbytes for a in _pool.pop(other))
                if _pool_bytes[0] + size > WORKSPACE_BYTES:
                    return np.empty(shape, dtype)
            arrays.append(np.empty(shape, dtype))
            _pool_bytes[0] += size
        self.taken[key] = used + 1
        return arrays[used]


def clear_workspace() -> None:
    """Return the pooled buffers' memory (they are allocated again when next needed)."""
    with _pool_lock:
        _pool.clear()
        _pool_bytes[0] = 0


def set_memory_limits(weights: int | None = None, workspace: int | None = None) -> tuple[int, int]:
    """Bound the two process-wide stores, in bytes: the cached weight draws (``CACHE_BYTES``)
    and the reused layer buffers (``WORKSPACE_BYTES``); None keeps a bound. Both are shared by
    every caller in the process (every session of a Streamlit server), so their sum is the most
    they hold whatever the number of sessions; what no longer fits is let go at once. Returns the
    previous (weights, workspace) bounds. Results never depend on them, only speed."""
    global CACHE_BYTES, WORKSPACE_BYTES
    previous = (CACHE_BYTES, WORKSPACE_BYTES)
    for name, value in (("weights", weights), ("workspace", workspace)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{name} must be a whole number of bytes, at least 0; got {value!r}.")
    if weights is not None:
        with _cache_lock:
            CACHE_BYTES = weights
            while _cache and sum(e.nbytes for e in _cache.values()) > CACHE_BYTES:
                _cache.popitem(last=False)
    if workspace is not None:
        with _pool_lock:
            WORKSPACE_BYTES = workspace
            if _pool_bytes[0] > WORKSPACE_BYTES:
                _pool.clear()
                _pool_bytes[0] = 0
    return previous


# --- the seeded inputs and the weight cache ------------------------------------------------------


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    """Independent generators for the data (x, then G), the weights and the biases, so that
    switching biases on does not change the weights and every initializer sees the same data."""
    data, weights, biases = np.random.SeedSequence(seed).spawn(3)
    return np.random.default_rng(data), np.random.default_rng(weights), np.random.default_rng(biases)


def network_inputs(batch: int, width: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(x, top): the N(0, 1) inputs and the N(0, 1) gradient arriving at the top layer, both of
    shape (batch, width), that ``layer_statistics`` uses for this seed."""
    _, width, batch, seed = check_network(1, width, batch, seed)
    rng = _streams(seed)[0]
    x = rng.standard_normal((batch, width))
    top = rng.standard_normal((batch, width))
    return x, top


@dataclass
class _Draws:
    """The unit-variance weight matrices drawn so far from one seeded stream, and the stream."""

    rng: np.random.Generator
    arrays: list[np.ndarray]

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays)


# Drawing N(0, 1) weights costs about as much as the matrix products of the network itself, so
# the unit draws are kept, keyed by (distribution, width, seed), and a slider that changes depth,
# activation, gain or initializer of the same distribution reuses them. Read-only; bounded, and
# shared by every caller in the process. 512 MB holds the benchmark's 200 layers of 512² (420 MB);
# a server sets less with ``set_memory_limits`` (the app: 96 MB, see ``explainer/ui``).
DEFAULT_CACHE_BYTES = 512 * 2**20
CACHE_BYTES = DEFAULT_CACHE_BYTES
_cache: OrderedDict[tuple[str, int, int], _Draws] = OrderedDict()
_cache_lock = threading.Lock()


def clear_weight_cache() -> None:
    """Forget every cached weight draw (they are redrawn, identically, when next needed)."""
    with _cache_lock:
        _cache.clear()


def _unit_weights(init: str, depth: int, width: int, seed: int) -> list[np.ndarray]:
    """The first ``depth`` unit-variance draws of ``init``'s distribution from the seeded weight
    stream: layer l's matrix is the l-th draw, whatever the depth."""
    initializer = get_initializer(init)
    key = (initializer.distribution, width, seed)
    with _cache_lock:
        entry = _cache.pop(key, None) or _Draws(_streams(seed)[1], [])
        while len(entry.arrays) < depth:
            w = initializer.unit_sample(width, width, entry.rng)
            w.setflags(write=False)
            entry.arrays.append(w)
        arrays = entry.arrays[:depth]
        if entry.nbytes <= CACHE_BYTES:
            _cache[key] = entry
            while sum(e.nbytes for e in _cache.values()) > CACHE_BYTES:
                _cache.popitem(last=False)
    return arrays


def network_weights(
    init: str, depth: int, width: int, gain: float = 1.0, seed: int = 0, mode: str | None = None
) -> list[np.ndarray]:
    """The ``depth`` weight matrices (width × width, used as h @ W) that ``layer_statistics``
    uses for these arguments, as fresh arrays: ``INITIALIZERS[init].sample`` drawn in turn from
    one seeded stream, so layer l's matrix does not depend on ``depth``."""
    depth, width, _, seed = check_network(depth, width, 1, seed)
    scale = get_initializer(init).std(width, width, gain, mode)
    return [w * scale for w in _unit_weights(init, depth, width, seed)]
