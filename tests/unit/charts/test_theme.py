"""The shared chart style: lecture sizes, the renderer the browser draws with, and one colour per activation."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

from explainer import ACTIVATIONS, charts


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


def test_every_activation_has_one_colour_and_dash_and_an_unknown_key_draws_as_typed():
    for key in ACTIVATIONS:
        color, dash = charts.activation_style(key)
        assert color == charts.activation_color(key) and color.startswith("#") and dash
    assert charts.activation_style("my_function") == charts.ACTIVATION_STYLES["typed"]


def test_activation_scales_give_each_label_its_activations_colour_and_dash():
    color, dash = charts.activation_scales(["relu", "tanh", "my_f"], ["ReLU", "tanh", "typed f"])
    assert color.to_dict() == {
        "domain": ["ReLU", "tanh", "typed f"],
        "range": [charts.GREEN, charts.SKY, charts.RED],
    }
    assert dash.to_dict()["range"] == [charts.SOLID, charts.SOLID, charts.DASH_DOT]


def test_category_colours_cycle_when_there_are_more_categories_than_colours():
    names = [f"c{i}" for i in range(len(charts.CATEGORY_COLORS) + 2)]
    scale = charts.category_scale(names).to_dict()
    assert scale["domain"] == names
    assert scale["range"][: len(charts.CATEGORY_COLORS)] == charts.CATEGORY_COLORS
    assert scale["range"][-2:] == charts.CATEGORY_COLORS[:2]


def test_half_spacing_is_half_the_smallest_step_of_a_grid_axis():
    assert charts.half_spacing(pd.Series([0.0, 0.5, 1.0, 0.5])) == 0.25
    assert charts.half_spacing(pd.Series([3.0])) == 0.5


def test_the_package_reexports_every_builder_of_the_page_modules():
    import explainer.charts.activations
    import explainer.charts.depth
    import explainer.charts.home
    import explainer.charts.initialization
    import explainer.charts.mlp
    import explainer.charts.training

    modules = (
        explainer.charts.activations,
        explainer.charts.depth,
        explainer.charts.home,
        explainer.charts.initialization,
        explainer.charts.mlp,
        explainer.charts.training,
    )
    for module in modules:
        for name, value in vars(module).items():
            if callable(value) and not name.startswith("_") and value.__module__ == module.__name__:
                assert getattr(charts, name) is value, name
    assert callable(charts.style) and charts.style.__module__ == "explainer.charts.theme"


def test_contrast_ratio_follows_wcag():
    assert charts.contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert charts.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(
        4.48, abs=0.01
    )  # WCAG's borderline grey
    assert charts.contrast_ratio("#0072B2", "#0072B2") == 1.0


def test_every_mark_colour_stands_three_to_one_against_both_themes():
    from explainer.charts import training

    marks = {
        **{f"activation {key}": color for key, (color, _) in charts.ACTIVATION_STYLES.items()},
        **{f"category {i}": color for i, color in enumerate(charts.CATEGORY_COLORS)},
        **{f"zone {kind}": color for kind, color in charts.ZONE_COLORS.items()},
        **{f"class {i}": color for i, color in enumerate(charts.CLASS_COLORS)},
        "dead unit": training.DEAD_COLOR,
        "alive unit": training.ALIVE_COLOR,
        "stop": training.STOP_COLOR,
        "best": training.BEST_COLOR,
    }
    failing = {
        (name, theme): round(charts.contrast_ratio(color, background), 2)
        for name, color in marks.items()
        for theme, background in charts.BACKGROUNDS.items()
        if charts.contrast_ratio(color, background) < 3.0
    }
    assert failing == {}


def test_a_solid_line_on_an_earlier_one_over_half_its_points_is_dashed_and_others_stay_solid():
    x = np.arange(11.0)
    frame = pd.concat(
        [
            pd.DataFrame({"x": x, "y": x, "name": "a"}),
            pd.DataFrame({"x": x, "y": np.where(x >= 5, x, 0.0), "name": "b"}),  # on a at 6 of 11
            pd.DataFrame({"x": x, "y": np.where(x >= 6, x, -1.0), "name": "c"}),  # on a, b at 5: solid
            pd.DataFrame({"x": np.arange(0, 10.5, 0.5), "y": np.arange(0, 10.5, 0.5), "name": "d"}),
            # A repeated x counts once, by its first row: e's first rows are on a, its repeats not.
            pd.DataFrame({"x": np.concatenate([x, x]), "y": np.concatenate([x, -x - 1]), "name": "e"}),
        ]
    )
    solid = [charts.SOLID] * 5
    dashes = charts.overlap_dashes(frame, "x", "y", "name", list("abcde"), solid)
    first, second = charts.OVERLAP_DASHES[:2]
    # d shares a's 11 integer points, not its 10 half-way ones: on it for at least half of 21.
    assert dashes[:4] == [charts.SOLID, first, charts.SOLID, first]
    # e runs on a, b and d (b's 6 points from x = 5 on are a's), not c: it takes a dash none has.
    assert dashes[4] == second
