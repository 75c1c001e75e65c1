"""The one chart helper: a builder passed as a function, its spec cached on the key it is given."""

from streamlit.testing.v1 import AppTest


def _app():
    import altair as alt
    import pandas as pd
    import streamlit as st

    from explainer import ui

    calls = st.session_state.setdefault("calls", [])

    def dots(frame, size):
        calls.append(size)
        return alt.Chart(frame).mark_point(size=size).encode(x="x:Q", y="y:Q")

    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    size = st.session_state.get("size", 10)
    ui.chart(dots, frame, size, name="dots", data=frame, key=("scene", size))
    ui.chart(dots, frame, size, name="fresh", data=frame)


def _specs(at):
    return [chart.proto.spec for chart in at.get("vega_lite_chart")] or [
        chart.proto.spec for chart in at.get("arrow_vega_lite_chart")
    ]


def test_a_keyed_chart_is_built_once_per_key_and_an_unkeyed_one_on_every_run():
    at = AppTest.from_function(_app, default_timeout=30)
    at.run()
    assert not at.exception
    assert at.session_state["calls"] == [10, 10]
    at.run()  # same key: the keyed spec comes from the cache, the unkeyed chart is built again
    assert at.session_state["calls"] == [10, 10, 10]
    at.session_state["size"] = 40
    at.run()
    assert at.session_state["calls"] == [10, 10, 10, 40, 40]
    downloads = at.get("download_button")
    assert len(downloads) == 2  # each chart offers its data as CSV
    # A click downloads without rerunning the page: the rerun computed nothing new, and its start
    # could drop the file's answer from the queue to the browser (explainer.ui.display.download_csv).
    assert all(button.proto.ignore_rerun for button in downloads)


def test_a_cached_spec_skips_altairs_schema_check_and_is_the_spec_streamlit_would_send():
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from explainer.charts import initialization as charts
    from explainer.lessons.initialization.travel import variance_travel
    from explainer.ui import display

    grid = variance_travel(3, 16, batch=16)

    def build():
        return charts.travel_heatmap(
            grid, "forward", chosen=("he_normal", "relu"), emphasis=None, lecture=False
        )

    unchecked = display._chart_spec.__wrapped__("heatmap", (), build)
    assert unchecked == _convert_altair_to_vega_lite_spec(build())  # Streamlit's own, checked
    assert unchecked["datasets"] and unchecked["layer"]
