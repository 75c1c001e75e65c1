"""The on-disk store: results are read back unchanged, written only while precomputing, filed
under the code's version, and an unreadable entry is computed again."""

import pandas as pd
import pytest

from explainer import store


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path))
    monkeypatch.delenv(store.WRITE_ENV, raising=False)
    return tmp_path


def _counted():
    calls = []

    @store.persisted
    def table(rows: int, label: str = "x") -> pd.DataFrame:
        calls.append((rows, label))
        return pd.DataFrame({"row": range(rows), "label": label})

    return table, calls


def test_a_visitor_reads_the_store_but_never_writes_it(fresh_store):
    table, calls = _counted()
    table(3)
    table(3)
    assert calls == [(3, "x"), (3, "x")]
    assert not any(fresh_store.rglob("*.pkl"))


def test_precomputed_results_are_read_back_equal_without_computing(fresh_store, monkeypatch):
    table, calls = _counted()
    monkeypatch.setenv(store.WRITE_ENV, "1")
    first = table(4, label="y")
    monkeypatch.delenv(store.WRITE_ENV)
    again = table(4, label="y")
    assert calls == [(4, "y")]
    pd.testing.assert_frame_equal(again, first)
    assert store.stored(table, 4, label="y") and not store.stored(table, 4)
    assert len(list((fresh_store / store.code_version()).rglob("*.pkl"))) == 1


def test_put_files_a_result_under_the_functions_arguments(fresh_store):
    table, calls = _counted()
    store.put(table, pd.DataFrame({"row": [7]}), 1)
    assert table(1)["row"].tolist() == [7] and calls == []


def test_an_unreadable_entry_is_computed_again(fresh_store, monkeypatch):
    table, calls = _counted()
    monkeypatch.setenv(store.WRITE_ENV, "1")
    table(2)
    for path in fresh_store.rglob("*.pkl"):
        path.write_bytes(b"not a pickle")
    assert len(table(2)) == 2 and len(calls) == 2


def test_other_code_versions_are_removed_and_the_version_names_the_sources(fresh_store):
    (fresh_store / "0123456789abcdef").mkdir()
    (fresh_store / store.code_version()).mkdir()
    assert [p.name for p in store.remove_other_versions()] == ["0123456789abcdef"]
    assert [p.name for p in fresh_store.iterdir()] == [store.code_version()]
    assert len(store.code_version()) == 16


def test_callbacks_passed_as_underscore_keywords_are_not_part_of_the_key(fresh_store, monkeypatch):
    calls = []

    @store.persisted
    def trained(epochs: int, _progress=None) -> int:
        calls.append(epochs)
        if _progress is not None:
            _progress(1.0)
        return epochs * 2

    monkeypatch.setenv(store.WRITE_ENV, "1")
    seen = []
    assert trained(3, _progress=seen.append) == 6 and seen == [1.0]
    assert trained(3, _progress=lambda f: None) == 6 and calls == [3]
    assert store.stored(trained, 3) and store.stored(trained, 3, _progress=print)


def test_identical_calls_at_once_compute_once_and_all_get_the_result(fresh_store):
    import threading
    import time

    calls = []

    @store.persisted
    def slow(n: int) -> list[int]:
        calls.append(n)
        time.sleep(0.3)
        return list(range(n))

    results = [None] * 8

    def visitor(i: int) -> None:
        results[i] = slow(5)

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [5] and results == [[0, 1, 2, 3, 4]] * 8
    slow(6)
    assert calls == [5, 6]


def test_when_the_first_call_fails_the_waiting_ones_compute_for_themselves(fresh_store):
    import threading
    import time

    calls = []

    @store.persisted
    def flaky(n: int, _fail: bool = False) -> int:
        calls.append(_fail)
        time.sleep(0.3)
        if _fail:
            raise KeyboardInterrupt  # as Streamlit stopping the first visitor's run
        return n * 2

    outcome = {}

    def first() -> None:
        try:
            flaky(4, _fail=True)
        except KeyboardInterrupt:
            outcome["first"] = "stopped"

    leader = threading.Thread(target=first)
    leader.start()
    time.sleep(0.1)
    assert flaky(4) == 8
    leader.join()
    assert outcome == {"first": "stopped"} and calls == [True, False]


def test_the_version_is_named_without_a_library_that_is_not_installed(monkeypatch):
    """A notebook's install has no Streamlit: the store's name does not need it."""
    real = store.metadata.version

    def version(library):
        if library == "streamlit":
            raise store.metadata.PackageNotFoundError(library)
        return real(library)

    with_streamlit = store.code_version.__wrapped__()
    monkeypatch.setattr(store.metadata, "version", version)
    without = store.code_version.__wrapped__()
    assert len(without) == 16 and without != with_streamlit


def test_a_function_persisted_here_is_computed_in_the_calling_process_with_the_pool_on(
    fresh_store, monkeypatch
):
    """The MLP comparison sends its own halves to the workers: its store lookup, shared flight
    and write happen in the server, and its body runs there too, not in a worker."""
    import os

    from explainer import workers

    @store.persisted(here=True)
    def where(rows: int) -> int:
        return os.getpid()

    workers.enable(2)
    try:
        monkeypatch.setenv(store.WRITE_ENV, "1")
        assert where(1) == os.getpid()
        monkeypatch.delenv(store.WRITE_ENV)
        assert store.stored(where, 1) and where(1) == os.getpid()
    finally:
        workers.disable()
