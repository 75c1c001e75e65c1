"""Process-wide settings for the app server, applied once by app.py: one BLAS thread per
computation, the memory the network engine may keep between runs, the loaded libraries out of
the cycle collector's walks, and (in a ``streamlit run`` server) worker processes for the cached
computations, so sessions use every core, and a warm-up that visits every page once
(``warmup``)."""

from __future__ import annotations

import functools
import gc
import sys

from threadpoolctl import threadpool_limits

from .. import workers
from ..nn import memory
from . import warmup

# The network's two process-wide stores, shared by every session of the server (see
# ``nn.memory.set_memory_limits``): 96 MB of weight draws (the depth page's default networks for every
# distribution, its phase diagram, the presets' 30 × 500²) and 96 MB of reused buffers (its
# largest network). 192 MB of a 1 GiB server, however many sessions; the library's own
# defaults (512 MB and 256 MB) suit a notebook.
STORE_BYTES = 96 * 2**20


@functools.cache
def configure() -> None:
    """One BLAS thread per computation (sessions already run side by side on a small server, and a
    multi-threaded matrix product competing with them was measured up to 100× slower), and the
    network engine's stores bounded. Notebooks that never call this keep their own settings.

    app.py calls this on every run; only the first call in the process acts. Setting the limits
    takes the engine's buffer-pool lock, which a pass holds while it runs, so doing it on every
    run would make one visitor's rerun wait for another visitor's network."""
    threadpool_limits(limits=1, user_api="blas")
    memory.set_memory_limits(weights=STORE_BYTES, workspace=STORE_BYTES)
    freeze_loaded_objects()
    if serving():
        workers.enable()
        # The workers' fork server imports the libraries in a process of its own. Started beside
        # the server's first script run it took half of that run's two cores: the first visit of
        # a scene on a fresh server took 1.65-2.94 s, against 0.75-1.39 s when they started
        # after it; and started right after a health check's run, beside the first visitor's,
        # 2.5-2.7 s in a new browser against 2.0-2.2 s. So they start when the warm-up has
        # visited every page (which comes after that first run), or, without a warm-up, once
        # the first run has ended. A computation sent to them before then starts them itself.
        if warmup.start(then=workers.warm) is None:
            warmup.after_this_run(workers.warm, "vanishing-point-workers")


def freeze_loaded_objects() -> None:
    """Put every object alive now (the loaded libraries' ~180,000: modules, classes, schemas)
    beyond Python's cycle collector. A full collection walks every tracked object while it holds
    the GIL: ~85 ms with numpy, pandas, Altair, scikit-learn and Streamlit loaded, a stall of
    every session at once whenever the collector's thresholds come round. After the freeze it
    walks only what the sessions have made since. Garbage is collected first, so nothing dead is
    kept."""
    gc.collect()
    gc.freeze()


def serving() -> bool:
    """Whether this process is a ``streamlit run`` server (whose sessions share one GIL), not a
    page test or the precompute running the pages through AppTest in their own process."""
    return "streamlit.web.bootstrap" in sys.modules
