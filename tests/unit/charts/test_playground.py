"""The playground's charts: rows from a real playground (nodes placed by layer, link widths that
follow |w| or log |∂L/∂w|, shades within ±1, thinned loss rows) and templates that validate and
depend only on the network's shape."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

from explainer.charts import playground as charts
from explainer.charts.theme import SCREENS
from explainer.nn.playground import Playground, PlaygroundSettings

from .vega import decode_png


@pytest.fixture(scope="module")
def trained():
    pg = Playground(PlaygroundSettings(hidden=(4, 3), n_samples=200, seed=2))
    stats = pg.step(30)
    return pg, stats


def _network(pg, view):
    return charts.network_rows(pg.neuron_images(6), pg.links(), pg.node_names, view, {"x1": "x₁"})


def test_every_node_is_a_grid_of_cells_with_shades_within_one(trained):
    pg, _ = trained
    cells = charts.node_shades(pg.neuron_images(6))
    assert len(cells) == 36 * sum(len(names) for names in pg.node_names)
    assert cells["shade"].between(-1, 1).all() and not cells.isna().any().any()
    # Every cell of every node's 6 × 6 grid, once.
    assert (
        cells.groupby("node")[["ix", "iy"]].apply(lambda g: len(set(zip(g.ix, g.iy, strict=True)))) == 36
    ).all()


def test_every_node_is_one_picture_in_its_layers_column(trained):
    pg, _ = trained
    pictures = _network(pg, "weights")["pictures"]
    assert list(pictures["node"]) == [name for names in pg.node_names for name in names]
    for column, names in enumerate(pg.node_names):
        mine = pictures[pictures["node"].isin(names)]
        assert mine["x"].to_numpy() == pytest.approx(column * charts.LAYER_STEP)
        # Two nodes of a column do not overlap: their tops are a side and more apart.
        assert (np.diff(mine["y"].to_numpy()) >= 1).all()


def test_each_picture_shows_its_cells_shades_with_the_planes_top_row_first(trained):
    pg, _ = trained
    images = pg.neuron_images(6)
    cells = charts.node_shades(images)
    pictures = _network(pg, "weights")["pictures"].set_index("node")
    for node, mine in cells.groupby("node"):
        pixels = decode_png(pictures.loc[node, "url"])
        assert pixels.shape == (6, 6, 3)
        expected = charts.shade_colors(mine["shade"].to_numpy())
        assert (pixels[5 - mine["iy"].to_numpy(), mine["ix"].to_numpy()] == expected).all()


def test_shade_colours_are_the_schemes_ends_and_middle():
    colors = charts.shade_colors(np.array([-1.0, 0.0, 1.0, 5.0]))
    hex_colors = ["#" + "".join(f"{c:02X}" for c in rgb) for rgb in colors]
    assert hex_colors == [
        c.upper() for c in (charts.NEGATIVE, charts.SHADE_MIDDLE, charts.POSITIVE, charts.POSITIVE)
    ]
    assert charts.SHADE_SCHEME.to_dict()["interpolate"] == "rgb"


def test_the_output_picture_is_two_p_minus_one(trained):
    pg, _ = trained
    cells = charts.node_shades(pg.neuron_images(6))
    out = cells[cells["node"] == "out"]
    probability = pg.neuron_images(6).query("node == 'out'")["value"]
    assert sorted(out["shade"]) == pytest.approx(sorted(2 * probability - 1))


def test_link_widths_follow_the_weights_magnitude_in_the_weights_view(trained):
    pg, _ = trained
    links = _network(pg, "weights")["links"]
    order = np.argsort(np.abs(links["weight"].to_numpy()))
    assert (np.diff(links["width"].to_numpy()[order]) >= 0).all()
    assert links["width"].max() == pytest.approx(charts.LINK_WIDTH[1])
    assert set(links["sign"]) <= {"positive", "negative"}
    assert (links.loc[links["weight"] < 0, "sign"] == "negative").all()


def test_link_widths_follow_log_gradient_on_one_scale_for_all_layers(trained):
    pg, _ = trained
    links = _network(pg, "gradients")["links"]
    order = np.argsort(links["grad_mean_abs"].to_numpy())
    assert (np.diff(links["width"].to_numpy()[order]) >= -1e-12).all()
    # Shared scale: a tenfold gradient is the same width step in every layer.
    step = (charts.LINK_WIDTH[1] - charts.LINK_WIDTH[0]) / charts.GRADIENT_DECADES
    a, b = links.iloc[0], links.iloc[-1]
    expected = step * (np.log10(b["grad_mean_abs"]) - np.log10(a["grad_mean_abs"]))
    assert b["width"] - a["width"] == pytest.approx(expected)


def test_before_any_update_every_gradient_link_is_thinnest():
    pg = Playground(PlaygroundSettings(n_samples=80))
    links = _network(pg, "gradients")["links"]
    assert (links["width"] == charts.LINK_WIDTH[0]).all() and np.isfinite(links["log10_grad"]).all()


def test_layer_rows_leave_zeros_out_and_start_bars_below_every_value(trained):
    _, stats = trained
    rows = charts.layer_rows(stats)
    assert list(rows["layer"].unique()) == ["hidden 1", "hidden 2", "output"]
    assert (rows["value"] > 0).all() and (rows["base"] <= rows["value"]).all()
    zero = stats.assign(grad_norm=0.0)
    assert set(charts.layer_rows(zero)["quantity"]) == {charts.LAYER_QUANTITIES[1]}


def test_boundary_rows_discretize_and_show_test_points_on_request(trained):
    pg, _ = trained
    grid, points = pg.boundary(10), pg.points()
    plain = charts.boundary_rows(grid, points)
    assert set(plain["points"]["split"]) == {"train"} and len(plain["points"]) == pg.n_train
    both = charts.boundary_rows(grid, points, show_test=True, discretize=True)
    assert len(both["points"]) == len(points)
    assert set(both["grid"]["probability"]) <= {0.0, 1.0}
    assert (plain["grid"]["x2"] - plain["grid"]["x"]).to_numpy() == pytest.approx(1.2)
    # The chart draws the grid as one picture, top left at (−6, 6), a pixel per cell.
    picture = both["picture"]
    assert len(picture) == 1 and (picture["x"][0], picture["y"][0]) == (-6.0, 6.0)
    assert picture["url"][0].startswith("data:image/png;base64,")


def test_the_boundary_picture_puts_each_cell_in_its_place_in_the_output_pictures_colours():
    # P rises with x1 and is 1 only in the top right corner cell, to fix left/right and up/down.
    x = (np.arange(4) - 1.5) * 3.0
    x1, x2 = np.meshgrid(x, x)
    probability = (x1.ravel() + 6) / 12
    probability[(x1.ravel() > 4) & (x2.ravel() > 4)] = 1.0
    grid = pd.DataFrame({"x1": x1.ravel(), "x2": x2.ravel(), "probability": probability})
    points = pd.DataFrame({"x1": [0.0], "x2": [0.0], "label": [1], "split": ["train"]})
    (url,) = charts.boundary_rows(grid, points)["picture"]["url"]
    pixels = decode_png(url)
    expected = charts.shade_colors(2 * probability.reshape(4, 4)[::-1] - 1)  # top row first
    assert (pixels == expected).all()
    assert (pixels[0, -1] == charts.shade_colors(np.array(1.0))).all()


def test_loss_rows_thin_a_long_history_keeping_both_ends():
    history = pd.DataFrame(
        {"step": range(5001), "epoch": np.arange(5001) // 25, "train_loss": 1.0, "test_loss": 2.0}
    )
    rows = charts.loss_rows(history, most=100)
    train = rows[rows["split"] == "train"]
    assert len(train) == 100 and train["step"].iloc[0] == 0 and train["step"].iloc[-1] == 5000
    assert (rows.loc[rows["split"] == "test", "loss"] == 2.0).all()


def test_loss_rows_of_a_race_name_each_run():
    history = pd.DataFrame(
        {"step": [0, 1], "epoch": [0, 0], "train_loss": [0.7, 0.6], "test_loss": [0.8, 0.7]}
    )
    rows = charts.loss_rows({"ReLU": history, "sigmoid": history.assign(train_loss=0.69)})
    assert len(rows) == 8 and set(rows["run"]) == {"ReLU", "sigmoid"}
    assert rows.query("run == 'sigmoid' and split == 'train'")["loss"].tolist() == [0.69, 0.69]
    assert set(charts.loss_rows(history)["run"]) == {"network"}
    spec = charts.loss_template(("ReLU", "sigmoid")).to_dict()
    assert all(
        layer["encoding"]["color"]["scale"]["domain"] == ["ReLU", "sigmoid"] for layer in spec["layer"]
    )
    assert spec["layer"][1]["mark"]["type"] == "point", "a dot on each run's latest loss"


@pytest.mark.parametrize("view", charts.VIEWS)
@pytest.mark.parametrize("lecture", [False, True])
@pytest.mark.parametrize("screen", SCREENS)
def test_templates_validate_and_name_their_datasets(view, lecture, screen):
    network = charts.network_template(4, 8, view, lecture, screen).to_dict()
    names = {layer["data"]["name"] for layer in network["vconcat"][0]["layer"]}
    assert names == {"pictures", "links", "nodes", "titles"}
    for template in (
        charts.layer_bars_template(3, lecture, screen),
        charts.boundary_template(lecture, screen),
        charts.loss_template(("network",), lecture, screen),
    ):
        assert isinstance(template.to_dict(), dict)


def test_the_network_never_grows_past_its_width_budget():
    for columns in (2, 6, 12):
        spec = charts.network_template(columns, 8).to_dict()
        assert spec["vconcat"][0]["width"] <= charts.NETWORK_PX[False]


def test_the_gradient_view_colours_by_log_gradient_and_the_weights_view_by_sign():
    weights = charts.network_template(3, 4, "weights").to_dict()["vconcat"][0]["layer"][0]
    gradients = charts.network_template(3, 4, "gradients").to_dict()["vconcat"][0]["layer"][0]
    assert weights["encoding"]["color"]["field"] == "sign"
    assert gradients["encoding"]["color"]["field"] == "log10_grad"
    assert weights["encoding"]["strokeWidth"] == {"field": "width", "type": "quantitative", "scale": None}


def test_an_unknown_view_is_refused_with_the_views():
    with pytest.raises(
        ValueError, match=r"Unknown link view 'bias'; expected one of \['weights', 'gradients'\]"
    ):
        charts.network_template(3, 4, "bias")
    assert isinstance(charts.loss_template(), alt.LayerChart)
