"""The shared picture helpers: a colour ramp interpolated in RGB as Vega's scales are, and a grid's
values as one PNG per panel, its pixels placed by grid cell (top row first) and decoded by Pillow."""

import numpy as np
import pandas as pd

from explainer.charts.pictures import grid_pictures, png_data_url, ramp_colors
from explainer.charts.theme import hex_rgb

from .vega import decode_png

RAMP = ("#000000", "#FF8000", "#FFFFFF")


def test_a_ramp_puts_each_colour_at_its_stop_and_mixes_neighbours_in_rgb():
    colors = ramp_colors(np.array([-3.0, 0.0, 0.25, 0.5, 1.0, 7.0]), (0.0, 0.5, 1.0), RAMP)
    assert colors.dtype == np.uint8 and colors.shape == (6, 3)
    assert [tuple(c) for c in colors] == [
        (0, 0, 0),  # below the first stop: the first colour
        (0, 0, 0),
        (128, 64, 0),  # halfway to #FF8000, rounded
        (255, 128, 0),
        (255, 255, 255),
        (255, 255, 255),  # above the last stop: the last colour
    ]


def test_png_data_url_round_trips_through_pillow():
    pixels = np.random.default_rng(3).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    assert (decode_png(png_data_url(pixels)) == pixels).all()


def test_grid_pictures_place_each_cell_by_its_coordinates_whatever_the_row_order():
    x0, x1 = np.meshgrid(np.linspace(-2.0, 2.0, 5), np.linspace(0.0, 3.0, 4))
    value = x0 + x1  # varies along both axes, so a flipped or transposed picture would differ
    grid = pd.DataFrame({"x0": x0.ravel(), "x1": x1.ravel(), "v": value.ravel() / 5.0})
    rows = pd.concat([grid.assign(run="b"), grid.assign(run="a", v=1.0 - grid["v"])])
    rows = rows.sample(frac=1.0, random_state=0)  # shuffled: placement must not rely on order
    pictures = grid_pictures(rows, "run", "v", (0.0, 1.0), ("#000000", "#FFFFFF"))
    assert list(pictures.columns) == ["run", "left", "right", "bottom", "top", "url"]
    assert sorted(pictures["run"]) == ["a", "b"]
    b = pictures.set_index("run").loc["b"]
    assert (b["left"], b["right"], b["bottom"], b["top"]) == (-2.5, 2.5, -0.5, 3.5)
    pixels = decode_png(b["url"])
    assert pixels.shape == (4, 5, 3)
    for (a0, a1), v in zip(zip(x0.ravel(), x1.ravel(), strict=True), value.ravel() / 5.0, strict=True):
        row, column = 3 - round(a1), round(a0 + 2.0)  # the largest x1 is the top row
        expected = np.round(np.clip(v, 0, 1) * hex_rgb("#FFFFFF"))
        assert (pixels[row, column] == expected).all()
