"""The shared chart style: lecture sizes and the renderer the browser draws with."""

import altair as alt
import pandas as pd
import pytest

from explainer import charts


def _line() -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [1.0, 2.0]})).mark_line().encode(x="x:Q", y="y:Q")


def test_charts_are_drawn_on_a_canvas_unless_svg_is_asked_for():
    assert charts.style(_line()).to_dict()["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    svg = charts.style(_line(), renderer="svg").configure_axis(labelFontSize=11).to_dict()
    assert svg["usermeta"]["embedOptions"]["renderer"] == "svg"


def test_lecture_mode_enlarges_fonts_and_lines():
    normal, lecture = charts.style(_line()).to_dict(), charts.style(_line(), lecture=True).to_dict()
    assert lecture["config"]["axis"]["labelFontSize"] > normal["config"]["axis"]["labelFontSize"]
    assert lecture["config"]["line"]["strokeWidth"] > normal["config"]["line"]["strokeWidth"]


def test_an_unknown_renderer_is_refused_by_name():
    with pytest.raises(ValueError, match="Unknown renderer 'webgl'"):
        charts.style(_line(), renderer="webgl")
