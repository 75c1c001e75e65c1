"""Fill the balancer's copy of Streamlit's frontend files before the first visitor needs it:

    python -m explainer.ui.balancer_cache http://lb:8501

deploy/haproxy.cfg keeps a copy of every ``/static/`` file a replica has sent through it, so a
class of new browsers does not queue for them on a replica's event loop. Filled only by visitors,
the copy is empty after every start of the balancer, and the first new browser of each page
waits for its ~130 files from the replica: 2.0-2.4 s to a complete page, against 1.1-1.9 s for
the next ones. compose.yaml runs this once the balancer is up: it asks the balancer for every
file of the installed Streamlit's frontend (the replicas run the same image, so the same
names), six at a time, as one browser: with the sticky cookie a health check through the
balancer sets, so one replica answers them all. A health check that sets none means the address
is not the balancer (a replica's own address would fill no copy), and the fill stops there.
"""

from __future__ import annotations

import argparse
import http.cookies
import importlib.util
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# The balancer's sticky cookie (deploy/haproxy.cfg, `cookie VP_REPLICA`).
STICKY_COOKIE = "VP_REPLICA"
# A browser's connections to one host over HTTP/1.1.
CONNECTIONS = 6
# How long to wait for the balancer to answer at all (a deploy starts it beside the replicas).
READY_SECONDS = 180.0


@dataclass(frozen=True)
class Filled:
    """What one fill asked for: files and their bytes, how many the balancer already had (an
    ``Age`` header), and the seconds it took."""

    files: int
    sent_bytes: int
    already_copied: int
    seconds: float

    def summary(self) -> str:
        return (
            f"Asked the balancer for {self.files} frontend files ({self.sent_bytes / 1e6:.1f} MB) "
            f"in {self.seconds:.1f} s; {self.already_copied} were in its copy already."
        )


def static_root() -> Path:
    """The directory Streamlit serves at ``/`` (its ``static`` folder), found without importing it."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("streamlit is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def frontend_paths() -> tuple[str, ...]:
    """Every file Streamlit's frontend may ask for, as URL paths (``/static/js/index.….js``)."""
    root = static_root()
    files = sorted(path for path in (root / "static").rglob("*") if path.is_file())
    if not files:
        raise RuntimeError(f"no frontend files under {root / 'static'}")
    return tuple("/" + path.relative_to(root).as_posix() for path in files)


def sticky_cookie(base_url: str, ready_seconds: float = READY_SECONDS) -> str:
    """The ``VP_REPLICA=…`` cookie the balancer sets on a health check, once it answers 200
    (waiting up to ``ready_seconds`` for a replica to be up)."""
    deadline = time.monotonic() + ready_seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
                cookies = http.cookies.SimpleCookie()
                for header in response.headers.get_all("Set-Cookie") or ():
                    cookies.load(header)
                if STICKY_COOKIE not in cookies:
                    raise RuntimeError(f"{base_url} set no {STICKY_COOKIE} cookie: is it the balancer?")
                return f"{STICKY_COOKIE}={cookies[STICKY_COOKIE].value}"
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def _fetch(base_url: str, path: str, cookie: str) -> tuple[int, bool]:
    """GET one file with the visitor's cookie, uncompressed (the balancer stores every file
    uncompressed and compresses each answer as its browser asks): its length, and whether the
    copy answered."""
    request = urllib.request.Request(f"{base_url}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        return len(response.read()), response.headers.get("Age") is not None


def fill(base_url: str, connections: int = CONNECTIONS, ready_seconds: float = READY_SECONDS) -> Filled:
    """Ask the balancer at ``base_url`` for every frontend file once, ``connections`` at a time.
    Each answer must be this installation's file, byte for byte in length: a replica of another
    Streamlit version answers an unknown name with its index page (200), which is never stored,
    so a fill through such a balancer raises instead of reporting a copy it did not make."""
    base_url = base_url.rstrip("/")
    paths, root = frontend_paths(), static_root()
    started = time.perf_counter()
    cookie = sticky_cookie(base_url, ready_seconds)
    with ThreadPoolExecutor(connections) as pool:
        answers = list(pool.map(lambda path: _fetch(base_url, path, cookie), paths))
    different = [
        path
        for path, (size, _) in zip(paths, answers, strict=True)
        if size != (root / path.lstrip("/")).stat().st_size
    ]
    if different:
        raise RuntimeError(
            f"{len(different)} of {len(paths)} files from {base_url} are not this Streamlit's "
            f"(first: {different[0]}): are its replicas another version of the app?"
        )
    return Filled(
        files=len(paths),
        sent_bytes=sum(size for size, _ in answers),
        already_copied=sum(copied for _, copied in answers),
        seconds=time.perf_counter() - started,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("balancer_url", help="the balancer's address, e.g. http://lb:8501")
    parser.add_argument("--ready-seconds", type=float, default=READY_SECONDS)
    arguments = parser.parse_args(argv)
    print(fill(arguments.balancer_url, ready_seconds=arguments.ready_seconds).summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
