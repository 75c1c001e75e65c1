"""Every test session reads and writes its own empty store (``explainer.store``): what a
developer precomputed on this machine never stands in for what a test computes."""

import atexit
import os
import shutil
import tempfile

from explainer.store import STORE_ENV, WRITE_ENV

os.environ[STORE_ENV] = tempfile.mkdtemp(prefix="vanishing-point-store-")
atexit.register(shutil.rmtree, os.environ[STORE_ENV], ignore_errors=True)
os.environ.pop(WRITE_ENV, None)
