"""The engine's stores: the buffer pool stays within its budget, the weight cache hands out the
same draws whatever the depth, and neither changes a number."""

import numpy as np
import pytest

from explainer import network
from explainer.nn import memory
from explainer.nn.statistics import layer_statistics


def test_the_buffer_pool_stays_within_its_budget_and_results_do_not_depend_on_it():
    small = layer_statistics("tanh", 10, 64, "he_normal", batch=32)
    layer_statistics("relu", 40, 256, "he_normal", batch=256)  # 40 × 256 × 256 values: beyond the pool
    assert memory._pool_bytes[0] <= memory.WORKSPACE_BYTES
    assert sum(a.nbytes for arrays in memory._pool.values() for a in arrays) == memory._pool_bytes[0]
    memory.clear_workspace()
    assert layer_statistics("tanh", 10, 64, "he_normal", batch=32).equals(small)


def test_a_layers_weights_do_not_depend_on_depth_or_on_the_cache():
    deep = memory.network_weights("he_normal", 6, 16, seed=5)
    memory.clear_weight_cache()
    shallow = memory.network_weights("he_normal", 3, 16, seed=5)
    for a, b in zip(shallow, deep[:3], strict=True):
        np.testing.assert_array_equal(a, b)
    # He and LeCun normal draw from the same unit normals: one cache entry serves both.
    lecun = memory.network_weights("lecun_normal", 3, 16, seed=5)
    np.testing.assert_allclose(lecun[0] * np.sqrt(2.0), shallow[0], rtol=1e-12)


def test_memory_limits_are_checked_returned_and_read_through_the_network_module():
    previous = memory.set_memory_limits(weights=1 << 20, workspace=1 << 21)
    try:
        assert memory.set_memory_limits() == (1 << 20, 1 << 21)
        assert (network.CACHE_BYTES, network.WORKSPACE_BYTES) == (1 << 20, 1 << 21)
        with pytest.raises(
            ValueError, match=r"workspace must be a whole number of bytes, at least 0; got -1"
        ):
            memory.set_memory_limits(workspace=-1)
        with pytest.raises(
            ValueError, match=r"weights must be a whole number of bytes, at least 0; got True"
        ):
            memory.set_memory_limits(weights=True)
    finally:
        memory.set_memory_limits(*previous)
