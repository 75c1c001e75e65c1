"""The capacity benchmark's client against a live server (tests/browser/conftest.py's ``server``):
its moves reach the widgets (the page answers with the new value), a short classroom of protocol
visitors across every page meets no exception or timeout, a class of new browsers downloads the
frontend files Chromium asks for, and the server computes in worker processes. The full table, with its latencies, is ``python -m benchmarks capacity``."""

import pytest

from benchmarks.assets import frontend_files
from benchmarks.bench_capacity import PAGES, arrive, drive, process_tree
from benchmarks.live import Server, run_in_thread
from benchmarks.protocol import Visitor
from explainer.lessons.mlp import prose


@pytest.mark.browser
def test_a_protocol_visitor_moves_sliders_and_choices_and_the_page_answers(server: Server):
    async def visit():
        async with Visitor(server.url) as visitor:
            opened = await visitor.open("depth")
            moved = await visitor.move("depth", 37)
            chosen = await visitor.move("act", "tanh")
            return opened, moved, chosen, visitor.query_string

    opened, moved, chosen, query = run_in_thread(visit())
    assert [run.status for run in (opened, moved, chosen)] == ["finished"] * 3
    assert any("30 layers of 128 units" in text for text in opened.texts)
    assert any("37 layers of 128 units, sigmoid" in text for text in moved.texts)
    assert any("37 layers of 128 units, tanh" in text for text in chosen.texts)
    assert "depth=37" in query


@pytest.mark.browser
def test_a_protocol_visitor_opens_a_tab_and_moves_a_slider_in_it(server: Server):
    # The training page computes only its open tab: the classroom's visitors click a widget's
    # tab before moving it, as a student must, so the move recomputes what it names.
    async def visit():
        async with Visitor(server.url) as visitor:
            opened = await visitor.open("training")
            first_tab, tabs = visitor.open_tab_label, list(visitor.tabs)
            clicked = await visitor.open_tab("3. Dying ReLU")
            now_open = visitor.open_tab_label
            moved = await visitor.move("lr_hi", "5")  # a select slider: the label shown
            return opened, first_tab, tabs, clicked, now_open, moved, visitor.open_tab_label

    opened, first_tab, tabs, clicked, now_open, moved, still_open = run_in_thread(visit())
    assert [run.status for run in (opened, clicked, moved)] == ["finished"] * 3
    assert first_tab == "1. Stochastic gradients" and len(tabs) == 6
    assert not any("Dying ReLU" in text for text in opened.texts)
    assert now_open == still_open == "3. Dying ReLU" and "3. Dying ReLU" in clicked.texts
    assert any("**ReLU, learning rate 5**" in text for text in moved.texts)


@pytest.mark.browser
def test_a_short_classroom_across_every_page_meets_no_exception(server: Server):
    row = run_in_thread(drive(server.url, visitors=6, seconds=25, seed=14))
    assert row.records and not row.exceptions and row.timeouts == 0
    assert {record.page for record in row.records} >= set(PAGES.values())  # visitor i opens page i
    changed, new = row.moves
    # A move to a new value redraws the page's sentences (a few widgets change only a chart).
    assert new > 0 and changed >= new / 2


@pytest.mark.browser
def test_a_class_of_new_browsers_downloads_what_chromium_asks_for_before_the_page(server: Server, browser):
    files = frontend_files(server.url, "depth", "preset=cs231n_tanh", browser)
    # Streamlit's own code, then the page's elements: Vega's charts among them.
    assert files[0].startswith("/static/") and any("/embed." in path for path in files), files
    row = run_in_thread(arrive(server.url, 3, "depth", "preset=cs231n_tanh", name="class", frontend=files))
    assert not row.errors and len(row.records) == 3
    assert all(r.run.status == "finished" and not r.run.exceptions for r in row.records)
    # The time counts the files too: more than the script's own run, which the protocol reports.
    assert all(r.run.seconds > r.run.arrivals[-1] for r in row.records)


@pytest.mark.browser
def test_the_server_computes_in_worker_processes(server: Server):
    async def cold():
        async with Visitor(server.url) as visitor:
            return await visitor.open("mlp", "seed=8181&epochs=20")

    assert run_in_thread(cold()).status == "finished"
    # The fork server and its workers (one per core, and one quick worker).
    assert len(process_tree(server.process.pid)) >= 3


@pytest.mark.browser
def test_a_fresh_server_warms_every_page_once_without_a_visitor(server: Server):
    # The script-health check (which Server asks, as the container's health check does) started
    # the warm-up; with the test's empty store it visits each page's default, not the scenes.
    line = server.warm_up_line(timeout=600)
    assert f"{len(PAGES)} runs of {len(PAGES)} pages" in line and "0 failed" in line, line


@pytest.mark.browser
def test_a_new_mlp_training_streams_its_first_boundaries_before_the_page_completes(server: Server):
    """Through the live server and its workers, a move to a new setting draws the nets part-way
    through training (the first chart the rerun sends) well before the script's end; a cached
    move's first chart is the finished comparison's."""

    async def visit():
        async with Visitor(server.url, timeout=300) as visitor:
            await visitor.open("mlp", "epochs=300&seed=4242")
            trained = await visitor.move("noise", 0.35)
            cached = await visitor.move("noise", 0.35)
            return trained, cached

    trained, cached = run_in_thread(visit())
    assert trained.status == cached.status == "finished"
    first = trained.first_chart_seconds()
    assert first is not None and first < trained.seconds / 2, (first, trained.seconds)
    assert prose.TRAINING in trained.texts  # the caption under the frames drawn while it trains
    assert cached.first_chart_seconds() is not None and prose.TRAINING not in cached.texts
