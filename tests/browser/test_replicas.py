"""Two replicas behind Debian's HAProxy, configured from deploy/haproxy.cfg as compose.yaml runs it:
a browser's page and its websocket pass through, every visitor stays on one replica, both
replicas take visitors, a new visitor's scripts arrive gzipped and, after the first visitor,
from the balancer's cache (or from the first, once the cache is filled at start), and a replica
that stops is taken out while the other serves.

The tests share one pair of replicas and run in file order: the last one stops a replica.
"""

import asyncio
import gzip
import http.cookiejar
import urllib.parse
import urllib.request

import pytest

from benchmarks.assets import download
from benchmarks.live import run_in_thread
from benchmarks.protocol import Visitor
from benchmarks.replicas import Replicas, wait_until
from explainer.ui.balancer_cache import frontend_paths

from .conftest import Visit, press, wait_idle
from .test_depth_browser import depth_slider

VISITORS = 8
PAGES = ["", "activations", "depth"]
# A slider on each page (its key) and where visitor i moves it: values repeat across visitors, so
# some moves meet a replica's cache and some compute.
MOVES = {
    "": ("chain", lambda i: 10 + i % 4),
    "activations": ("x", lambda i: (-4.0 - i % 2, 6.0)),
    "depth": ("depth", lambda i: 31 + i % 4),
}


@pytest.fixture(scope="module")
def replicas():
    with Replicas(2) as running:
        yield running


async def visit_pages(base_url: str, i: int) -> tuple[Visitor, list]:
    """Visitor ``i``: two or three pages (a link, then the sidebar) and a slider move on the last."""
    order = PAGES[i % 3 :] + PAGES[: i % 3]
    pages = order[: 2 + i % 2]
    async with Visitor(base_url, timeout=60) as visitor:
        runs = [await visitor.open(pages[0])]
        for path in pages[1:]:
            runs.append(await visitor.switch_page(path))
        key, value = MOVES[pages[-1]]
        runs.append(await visitor.move(key, value(i)))
    return visitor, runs


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[dict[str, str], bytes]:
    """GET ``url``: the response's headers (lower-case names) and its body as sent."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return {name.lower(): value for name, value in response.headers.items()}, response.read()


@pytest.mark.browser
def test_a_page_through_the_balancer_draws_in_chromium_and_its_slider_reruns_it(replicas, visit: Visit):
    sockets = []
    visit.page.on("websocket", lambda socket: sockets.append(socket.url))
    response = visit.page.goto(f"{replicas.url}/depth")
    wait_idle(visit.page)
    page = visit.page
    replica = response.headers["x-replica"]
    assert replica in replicas.names
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("VP_REPLICA") == replica, (
        "the balancer pinned the browser to the replica that answered"
    )
    assert f"ws://127.0.0.1:{replicas.port}/_stcore/stream" in sockets, "the websocket went through HAProxy"
    assert page.locator('[data-testid="stException"]').count() == 0
    thumb = depth_slider(page)
    thumb.focus()
    assert press(page, thumb, "ArrowRight"), "the move reran the script over the balanced websocket"
    assert thumb.get_attribute("aria-valuetext") == "31"
    assert "depth=31" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.browser
def test_the_cookie_pins_every_request_of_a_visitor_while_visitors_without_it_spread(replicas):
    paths = ["/", "/_stcore/health", "/_stcore/host-config", "/depth"] * 2

    def replica(opener, path: str) -> str:
        with opener.open(f"{replicas.url}{path}", timeout=30) as response:
            response.read()
            return response.headers["X-Replica"]

    browser_like = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    assert len({replica(browser_like, path) for path in paths}) == 1
    # The same requests without the cookie: the balancer alone would spread them. It sends each to
    # the replica with the fewest open sessions, so first the earlier tests' websockets must close
    # (one left open on r2 sent all eight to r1 in CI at 530174f).
    assert wait_until(lambda: not any(replicas.sessions().values()), 60), replicas.sessions()
    assert {replica(urllib.request.build_opener(), path) for path in paths} == set(replicas.names)


@pytest.mark.browser
def test_eight_concurrent_visitors_each_stay_on_one_replica_and_both_replicas_serve(replicas):
    async def everyone():
        return await asyncio.gather(*(visit_pages(replicas.url, i) for i in range(VISITORS)))

    results = run_in_thread(everyone())
    served = set()
    for i, (visitor, runs) in enumerate(results):
        assert [(r.status, r.exceptions) for r in runs] == [("finished", [])] * len(runs), f"visitor {i}"
        assert len(set(visitor.replicas)) == 1, f"visitor {i} saw replicas {visitor.replicas}"
        # The HTTP load and the websocket upgrade both came back through the balancer.
        assert len(visitor.replicas) >= 2
        served |= set(visitor.replicas)
        key, value = MOVES[visitor.url_path]
        if key == "depth":  # the move really reran the page with the new value
            assert f"depth={value(i)}" in runs[-1].query_string
            assert any(f"{value(i)} layers" in text for text in runs[-1].texts)
    assert served == set(replicas.names), f"replicas that served someone: {sorted(served)}"


@pytest.mark.browser
def test_a_new_visitors_scripts_and_styles_come_gzipped_through_the_balancer(replicas, visit: Visit):
    """Streamlit sends its frontend uncompressed; the balancer compresses it, so a class opening
    one link downloads a fraction of it. The browser draws the page from the compressed files."""
    visit.page.goto(f"{replicas.url}/depth")
    wait_idle(visit.page)
    assert visit.page.locator('[data-testid="stException"]').count() == 0
    files = visit.page.evaluate(
        """performance.getEntriesByType('resource')
            .filter(r => /[.](js|css)$/.test(new URL(r.name).pathname))
            .map(r => [new URL(r.name).pathname, r.encodedBodySize, r.decodedBodySize])"""
    )
    encoded, decoded = sum(f[1] for f in files), sum(f[2] for f in files)
    assert len(files) > 20 and decoded > 2_000_000, (len(files), decoded)
    assert encoded < 0.5 * decoded, f"{encoded:,} bytes sent for {decoded:,}"

    largest = max(files, key=lambda f: f[2])[0]
    gzip_accepted = {"Accept-Encoding": "gzip"}
    direct_headers, direct = fetch(f"{replicas.servers[0].url}{largest}", gzip_accepted)
    balanced_headers, balanced = fetch(f"{replicas.url}{largest}", gzip_accepted)
    assert "content-encoding" not in direct_headers, "Streamlit itself sends its bundles uncompressed"
    assert balanced_headers.get("content-encoding") == "gzip" and gzip.decompress(balanced) == direct
    assert len(balanced) < 0.5 * len(direct)


@pytest.mark.browser
def test_the_frontend_files_reach_a_replica_once_then_every_new_visitor_gets_the_balancers_copy(
    replicas, visit: Visit
):
    """Streamlit serves its ~130 frontend files one at a time on the event loop its sessions
    share (a second of a replica's loop per new browser); HAProxy keeps a copy after the first
    visitor. The next new browsers' files come from the balancer, compressed as each asks and
    byte for byte the replica's; pages, media and /_stcore/ still reach a replica."""
    visit.page.goto(f"{replicas.url}/initialization")
    wait_idle(visit.page)
    assert visit.page.locator('[data-testid="stException"]').count() == 0
    files = tuple(
        dict.fromkeys(
            visit.page.evaluate(
                """performance.getEntriesByType('resource').map(r => new URL(r.name).pathname)
                    .filter(path => path.startsWith('/static/'))"""
            )
        )
    )
    assert len(files) > 50, files

    before = replicas.answered()
    answers = run_in_thread(download(replicas.url, files))
    assert replicas.answered() == before, "no new browser's file reached a replica"
    assert [status for _, status, _ in answers] == [200] * len(files)
    assert all("age" in headers and not headers.get("x-replica") for _, _, headers in answers)
    assert all("set-cookie" not in headers for _, _, headers in answers), "a copy pins nobody"
    scripts = [headers for path, _, headers in answers if path.endswith(".js")]
    assert scripts and all(headers.get("content-encoding") == "gzip" for headers in scripts)

    # The copy is the replica's file, whether the browser accepts gzip or not.
    largest = max(files, key=lambda path: len(fetch(f"{replicas.servers[0].url}{path}")[1]))
    _, original = fetch(f"{replicas.servers[0].url}{largest}")
    plain_headers, plain = fetch(f"{replicas.url}{largest}")
    gzip_headers, zipped = fetch(f"{replicas.url}{largest}", {"Accept-Encoding": "gzip"})
    assert "age" in plain_headers and "content-encoding" not in plain_headers and plain == original
    assert gzip_headers.get("content-encoding") == "gzip" and gzip.decompress(zipped) == original

    # Pages and the server's own endpoints are never answered from the copy.
    before = replicas.answered()
    for path in ("/initialization", "/initialization", "/_stcore/health", "/_stcore/health"):
        headers, _ = fetch(f"{replicas.url}{path}")
        assert "age" not in headers and headers.get("x-replica") in replicas.names, path
    assert sum(replicas.answered().values()) == sum(before.values()) + 4


@pytest.mark.browser
def test_filled_at_start_the_copy_answers_even_the_first_new_browsers_frontend_files(visit: Visit):
    """compose.yaml's frontend-cache service fills the balancer's copy once it is up
    (explainer.ui.balancer_cache), so the first student after a deploy does not wait for a
    replica's ~130 files either: every /static/ file that student's browser asks for comes from
    the copy. A balancer of its own, since this module's has served visitors already."""
    with Replicas(1, fill_frontend=True) as balanced:
        assert balanced.filled.files == len(frontend_paths()) and balanced.filled.already_copied == 0
        answers: list = []
        visit.page.on("response", lambda answer: answers.append(answer))
        visit.page.goto(f"{balanced.url}/depth?preset=cs231n_tanh")
        wait_idle(visit.page)
        assert visit.page.locator('[data-testid="stException"]').count() == 0
        files = [
            answer for answer in answers if urllib.parse.urlsplit(answer.url).path.startswith("/static/")
        ]
        assert len(files) > 50
        assert [answer.url for answer in files if answer.status != 200 or "age" not in answer.headers] == []
        assert not any(answer.headers.get("x-replica") for answer in files), "no file named a replica"
        # The page itself still came from the replica.
        assert any(answer.headers.get("x-replica") == "r1" for answer in answers if answer not in files)


@pytest.mark.browser
def test_a_stopped_replica_is_taken_out_and_its_tab_and_new_visitors_get_the_other(replicas, visit: Visit):
    page = visit.page
    stopped = page.goto(f"{replicas.url}/depth").headers["x-replica"]
    wait_idle(page)
    (living,) = set(replicas.names) - {stopped}
    # The open tab loses its websocket and opens another through the balancer, which sends the
    # visitor of a dead replica to the living one; the page works again there.
    with page.expect_websocket(timeout=20_000) as reconnect:
        replicas.servers[replicas.names.index(stopped)].stop()
    assert reconnect.value.url == f"ws://127.0.0.1:{replicas.port}/_stcore/stream"
    replicas.wait_for({stopped: "DOWN", living: "UP"}, timeout=15)
    wait_idle(page)
    thumb = depth_slider(page)
    thumb.focus()
    assert press(page, thumb, "ArrowRight", timeout=30_000), "the tab reran on the living replica"
    assert {c["name"]: c["value"] for c in page.context.cookies()}["VP_REPLICA"] == living
    assert page.locator('[data-testid="stException"]').count() == 0
    # A visitor pinned to the stopped replica by its cookie is sent to the living one.
    request = urllib.request.Request(f"{replicas.url}/", headers={"Cookie": f"VP_REPLICA={stopped}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["X-Replica"] == living
        assert f"VP_REPLICA={living}" in response.headers["Set-Cookie"]

    async def newcomers():
        return await asyncio.gather(*(visit_pages(replicas.url, i) for i in range(2)))

    for i, (visitor, runs) in enumerate(run_in_thread(newcomers())):
        assert [r.status for r in runs] == ["finished"] * len(runs), f"visitor {i}: {runs[-1].exceptions}"
        assert set(visitor.replicas) == {living}
