"""explainer.ui.balancer_cache: the files it asks for are the installed frontend's, and it waits for
the balancer, takes its sticky cookie and sends it (one replica answers them all, as for one
browser), and reports an address that is not the balancer or serves another Streamlit's files
(the copy it fills is checked against a real HAProxy in tests/browser/test_replicas.py)."""

import http.server
import re
import threading
from pathlib import Path

import pytest
import streamlit

from explainer.ui import balancer_cache

STATIC = Path(streamlit.__file__).parent / "static"


def test_the_paths_are_every_file_of_the_installed_frontend_as_its_server_names_them():
    paths = balancer_cache.frontend_paths()
    on_disk = {path for path in (STATIC / "static").rglob("*") if path.is_file()}
    assert len(paths) == len(on_disk) > 100 and len(set(paths)) == len(paths)
    assert {STATIC / path.lstrip("/") for path in paths} == on_disk
    assert all(path.startswith("/static/") for path in paths)
    assert any(path.startswith("/static/js/index.") for path in paths)


class FakeBalancer(http.server.ThreadingHTTPServer):
    """Answers like the balancer: the health check sets the sticky cookie (after ``not_ready``
    refusals), each file is answered with the installed file (or, with ``other_version``, one
    script with an index page, as a replica of another Streamlit answers a name it lacks), and
    the cookie and encoding each request sent are recorded."""

    def __init__(self, not_ready: int = 0, cookie: bool = True, other_version: bool = False):
        self.not_ready, self.cookie, self.other_version, self.requests = not_ready, cookie, other_version, []
        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server: FakeBalancer = self.server
        if self.path == "/_stcore/health":
            if server.not_ready > 0:
                server.not_ready -= 1
                self.send_response(503)
                self.end_headers()
                return
            body = b"ok"
            self.send_response(200)
            if server.cookie:
                self.send_header("Set-Cookie", "VP_REPLICA=abc123; path=/; HttpOnly")
        else:
            server.requests.append(
                (self.path, self.headers.get("Cookie"), self.headers.get("Accept-Encoding"))
            )
            body = (STATIC / self.path.lstrip("/")).read_bytes()
            if server.other_version and "/js/index." in self.path:
                body = (STATIC / "index.html").read_bytes()
            self.send_response(200)
            if self.path.endswith(".js"):  # as if a visitor had fetched the scripts already
                self.send_header("Age", "3")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def balancer(request):
    server = FakeBalancer(**getattr(request, "param", {}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("balancer", [{"not_ready": 2}], indirect=True)
def test_it_waits_for_the_balancer_then_asks_for_every_file_once_with_its_sticky_cookie(balancer, capsys):
    assert balancer_cache.main([balancer.url + "/", "--ready-seconds", "30"]) == 0
    paths = balancer_cache.frontend_paths()
    assert sorted(path for path, _, _ in balancer.requests) == sorted(paths)
    # Uncompressed: the balancer stores each file so, and its length is checked against the file's.
    assert {(cookie, encoding) for _, cookie, encoding in balancer.requests} == {
        ("VP_REPLICA=abc123", "identity")
    }
    scripts = sum(path.endswith(".js") for path in paths)
    size = sum((STATIC / path.lstrip("/")).stat().st_size for path in paths)
    printed = capsys.readouterr().out
    assert re.fullmatch(
        rf"Asked the balancer for {len(paths)} frontend files \({size / 1e6:.1f} MB\) in \d+\.\d s; "
        rf"{scripts} were in its copy already\.\n",
        printed,
    ), printed
    filled = balancer_cache.fill(balancer.url)
    assert (filled.files, filled.sent_bytes, filled.already_copied) == (len(paths), size, scripts)


@pytest.mark.parametrize("balancer", [{"other_version": True}], indirect=True)
def test_a_balancer_in_front_of_another_streamlit_version_is_reported_not_taken_for_filled(balancer):
    with pytest.raises(
        RuntimeError, match=r"\d+ of \d+ files .* not this Streamlit's \(first: /static/js/index\."
    ):
        balancer_cache.fill(balancer.url)


@pytest.mark.parametrize("balancer", [{"cookie": False}], indirect=True)
def test_an_address_that_sets_no_sticky_cookie_is_not_taken_for_the_balancer(balancer):
    with pytest.raises(RuntimeError, match="VP_REPLICA"):
        balancer_cache.fill(balancer.url)
    assert balancer.requests == []
