"""Results kept one run at a time for every visitor of a server, by their plain settings: the
training page's runs and the MLP page's nets. A setting that changes one run of several (one
learning rate of two, an activation added to a comparison) then computes that run alone."""

from __future__ import annotations

import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from .. import store

_EVERY: weakref.WeakSet[RememberedRuns] = weakref.WeakSet()


def clear_all() -> None:
    """Forget every result kept by every ``RememberedRuns`` (as ``st.cache_data.clear()`` does
    for the caches: tests start from nothing)."""
    for runs in list(_EVERY):
        runs.clear()


class RememberedRuns:
    """The last ``entries`` results, each kept pickled, as ``st.cache_data`` keeps its values, so
    no caller changes another's copy (with ``copies=False``, kept as they are: for results only
    read). With ``stored`` (a ``store.persisted`` function of one plain key), a key not in memory
    is read from the store once when the store holds it."""

    def __init__(self, stored: Callable[..., Any] | None, entries: int, *, copies: bool = True):
        self.stored, self.entries, self.copies = stored, entries, copies
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        _EVERY.add(self)

    def get(self, key: Hashable) -> Any | None:
        """The result kept for ``key`` (a copy), or read from the store; None if neither has it."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None:
            return pickle.loads(kept) if self.copies else kept
        if self.stored is None or not store.stored(self.stored, key):
            return None
        return self.put(key, self.stored(key))  # read from disk once, then from memory

    def put(self, key: Hashable, value: Any) -> Any:
        """Keep ``value`` for ``key`` (the least recently used goes beyond ``entries``); it back (a copy)."""
        kept = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if self.copies else value
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return pickle.loads(kept) if self.copies else value

    def clear(self) -> None:
        """Forget every kept result."""
        with self._lock:
            self._kept.clear()
