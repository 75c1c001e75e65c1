"""Results computed ahead of time and kept on disk, so that a freshly started server opens every
named scene, and answers every depth of the initialization heatmaps, without computing them.

``python -m explainer.ui.precompute`` writes the store (the README's run command and the
Dockerfile call it); a running app only reads it. Each entry is the pickled return value of one
function for one set of plain arguments, filed under a version of the code: a hash of every
source file of ``explainer`` and of the numerical libraries' versions. Any change to the code
starts a new, empty store, so a stored result is always what the code on disk computes.

The directory is ``$VANISHING_POINT_STORE``, else ``~/.cache/vanishing-point``.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import pickle
import platform
import shutil
import tempfile
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar, overload

from . import workers

STORE_ENV = "VANISHING_POINT_STORE"
# Set (to "1") while ``explainer.ui.precompute`` runs: only then do results go to disk, so what a
# visitor computes (any value of any slider) never fills the server's disk.
WRITE_ENV = "VANISHING_POINT_STORE_WRITE"
PACKAGE = Path(__file__).resolve().parent
# The libraries whose numbers a stored result holds.
LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "altair", "streamlit")

F = TypeVar("F", bound=Callable[..., Any])


def store_root() -> Path:
    """Where every version's store lives."""
    configured = os.environ.get(STORE_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "vanishing-point"


@functools.cache
def code_version() -> str:
    """16 hex digits naming this code: its sources, Python's and the numerical libraries' versions."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    digest.update(platform.python_version().encode())
    for library in LIBRARIES:  # their versions, without the cost of importing them
        digest.update(f"{library} {_installed_version(library)}".encode())
    return digest.hexdigest()[:16]


def _installed_version(library: str) -> str:
    """``library``'s installed version, or "absent" (the package installs without Streamlit and
    Altair: a notebook's store is then named for what it has)."""
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "absent"


def version_dir() -> Path:
    """This code's store."""
    return store_root() / code_version()


def writing() -> bool:
    """Whether results are being written (inside ``explainer.ui.precompute``)."""
    return os.environ.get(WRITE_ENV) == "1"


def _path(name: str, key: tuple) -> Path:
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
    return version_dir() / name / f"{digest}.pkl"


def load(name: str, key: tuple) -> Any | None:
    """The stored result of ``name`` for ``key``, or None (not stored, or unreadable)."""
    path = _path(name, key)
    try:
        with open(path, "rb") as file:
            stored_key, value = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    return value if stored_key == repr(key) else None


def save(name: str, key: tuple, value: Any) -> None:
    """Store ``value`` as ``name``'s result for ``key`` (atomically: a reader sees all or nothing)."""
    path = _path(name, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as file:
        pickle.dump((repr(key), value), file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(file.name, path)


def remove_other_versions() -> list[Path]:
    """Delete the stores of other code versions (they can no longer be read); returns them."""
    root, removed = store_root(), []
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_dir() and entry.name != code_version():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


class _Flight:
    """One computation in progress, which identical calls wait for instead of repeating."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.failed = False


_flights: dict[tuple[str, str], _Flight] = {}
_flights_lock = threading.Lock()


@overload
def persisted(function: F) -> F: ...


@overload
def persisted(*, here: bool = False) -> Callable[[F], F]: ...


def persisted(function: F | None = None, *, here: bool = False) -> Any:
    """``function`` served from the store when its arguments' result is there; computed (and,
    while precomputing, stored) otherwise. Arguments must be plain values with a stable repr;
    keywords starting with "_" are passed on but are not part of the key. What is not stored is
    computed in a worker process when the app server has enabled them (``workers``); with
    ``here`` (``@persisted(here=True)``), in the calling process, for a function that sends its
    own parts to the workers.

    A call identical to one already computing waits for that one's result: forty students
    opening one link compute it once, not forty times side by side (``st.cache_data`` above only
    helps those who arrive after the first has finished). If the first fails or is stopped (its
    visitor moved on), each waiting call computes for itself."""
    if function is None:
        return functools.partial(persisted, here=here)
    name = f"{function.__module__}.{function.__qualname__}"
    worker_name = workers.register(function)

    def compute(args: tuple, kwargs: dict) -> Any:
        return function(*args, **kwargs) if here else workers.call(worker_name, args, kwargs)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = _key(args, kwargs)
        found = load(name, key)
        if found is not None:
            return found
        flight_key = (name, repr(key))
        with _flights_lock:
            flight = _flights.get(flight_key)
            leading = flight is None
            if leading:
                flight = _flights[flight_key] = _Flight()
        if not leading:
            flight.done.wait()
            if not flight.failed:
                return flight.value
            return compute(args, kwargs)
        try:
            flight.value = compute(args, kwargs)
        except BaseException:
            flight.failed = True
            raise
        finally:
            with _flights_lock:
                _flights.pop(flight_key, None)
            flight.done.set()
        if writing():
            save(name, key, flight.value)
        return flight.value

    wrapper.store_name = name  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _key(args: tuple, kwargs: dict) -> tuple:
    """The stored key of a call: its arguments, less keywords that start with "_" (callbacks such
    as progress bars, which do not change the result: ``st.cache_data``'s convention)."""
    return (args, tuple(sorted((k, v) for k, v in kwargs.items() if not k.startswith("_"))))


def _name(function: Callable[..., Any]) -> str:
    """The store name of a ``persisted`` function (also under ``st.cache_data``)."""
    return inspect.unwrap(function, stop=lambda f: hasattr(f, "store_name")).store_name  # type: ignore[attr-defined]


def stored(function: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Whether the result of ``persisted`` ``function`` for these arguments is in the store."""
    return _path(_name(function), _key(args, kwargs)).is_file()


def put(function: Callable[..., Any], value: Any, *args: Any, **kwargs: Any) -> None:
    """Store ``value`` as the result of ``persisted`` ``function`` for these arguments (a result
    computed another way, e.g. many depths in one pass)."""
    save(_name(function), _key(args, kwargs), value)
