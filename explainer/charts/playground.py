"""The playground page's charts: the network with every node's picture of the plane and its links,
the per-layer gradient bars, the output's decision boundary with the points, and the loss curves.

Each chart is a template on named data (``alt.NamedData``): the ``*_rows`` functions turn the
engine's tables into the rows a frame sends, and the ``*_template`` builders depend only on the
network's shape, the view, lecture mode and the screen, so a playing frame costs no Altair work.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from .pictures import png_data_url, ramp_colors
from .theme import (
    CHART_HEIGHT,
    CLASS_COLORS,
    DASHED,
    GREEN,
    GREY,
    LOG_LABELS,
    ORANGE,
    PINK,
    SKY,
    SOLID,
    panel_width,
    side_legend,
    stacks,
    style,
)

VIEWS = ("weights", "gradients")
PLANE = 6.0  # the engine's plane is [−PLANE, PLANE]²
# Node pictures: side 1, stacked with this pitch; layers this far apart (in node sides).
NODE_PITCH, LAYER_STEP = 1.35, 2.6
NODE_PX = {False: 34, True: 46}  # a node's side on screen, at most
NETWORK_PX = {False: 660, True: 1000}  # the widest the network may draw, legend aside
# TensorFlow Playground's colours: orange for negative, blue for positive (weights and pictures).
NEGATIVE, POSITIVE = ORANGE, "#0072B2"
SHADE_MIDDLE = "#F2F2F2"
# The node pictures' colours, as ``shade_colors`` computes them (interpolated in RGB). The
# boundary chart shares the colours but not the interpolation: Vega-Lite's default, unchanged.
SHADE_SCHEME = alt.Scale(domain=[-1, 0, 1], range=[NEGATIVE, SHADE_MIDDLE, POSITIVE], interpolate="rgb")
LINK_WIDTH = (0.4, 6.0)  # px, the weakest and the strongest link of a frame
GRADIENT_DECADES = 8  # the gradient view's width scale spans this many decades below the largest
MAX_LOSS_ROWS = 400
LAYER_QUANTITIES = ("‖∂L/∂W‖", "‖ΔW‖ / ‖W‖")
LAYER_BAR_STEP = {False: 22, True: 34}  # px a layer's bar takes: room for its name in lecture type
# The bars' log axes tick at whole decades whatever the frame's range (Vega shows those inside it).
DECADES = alt.Axis(values=[10.0**k for k in range(-16, 9)], labelExpr=LOG_LABELS)


def check_view(view: str) -> str:
    """``view`` if it is one of VIEWS; a ValueError naming them otherwise."""
    if view not in VIEWS:
        raise ValueError(f"Unknown link view {view!r}; expected one of {list(VIEWS)}")
    return view


def layer_titles(n_columns: int) -> list[str]:
    """Each column's title: "input", "hidden 1" … "output"."""
    return ["input", *(f"hidden {i}" for i in range(1, n_columns - 1)), "output"]


def _node_positions(node_names: Sequence[Sequence[str]]) -> pd.DataFrame:
    """node, column, x (left edge), y (top edge): columns centred on the tallest one."""
    tallest = max(len(names) for names in node_names)
    rows = []
    for column, names in enumerate(node_names):
        top = (tallest - len(names)) * NODE_PITCH / 2
        for i, name in enumerate(names):
            rows.append((name, column, column * LAYER_STEP, top + i * NODE_PITCH))
    return pd.DataFrame(rows, columns=["node", "column", "x", "y"])


def picture_resolution(images: pd.DataFrame) -> int:
    """The side, in cells, of each node's picture in ``Playground.neuron_images``' table."""
    return round(float(np.sqrt(len(images) / max(1, images["node"].nunique()))))


def node_shades(images: pd.DataFrame) -> pd.DataFrame:
    """Each node's picture as cells, from ``Playground.neuron_images``: ``node``, ``ix`` and ``iy``
    (the cell's column and row on the plane, ``iy`` growing upwards as x₂ does), ``shade`` in
    [−1, 1]: a value within ±1 as it is, a larger one scaled by the node's largest |value|; the
    output's P(class 1) as 2P − 1."""
    resolution = picture_resolution(images)
    cell = 2 * PLANE / resolution
    value = images["value"].to_numpy(dtype=float)
    out = images["layer"].to_numpy() == images["layer"].max()
    scale = images.assign(a=np.abs(value)).groupby("node", observed=True)["a"].transform("max").to_numpy()
    shade = np.where(out, 2 * value - 1, value / np.maximum(1.0, scale))
    return pd.DataFrame(
        {
            "node": images["node"].astype(str).to_numpy(),
            "ix": np.clip(np.round((images["x1"].to_numpy() + PLANE) / cell - 0.5), 0, resolution - 1).astype(
                int
            ),
            "iy": np.clip(np.round((images["x2"].to_numpy() + PLANE) / cell - 0.5), 0, resolution - 1).astype(
                int
            ),
            "shade": np.clip(shade, -1.0, 1.0),
        }
    )


def shade_colors(shade: np.ndarray) -> np.ndarray:
    """RGB bytes (``shade.shape`` + (3,)) for shades in [−1, 1]: ``SHADE_SCHEME``'s colours,
    interpolated in RGB as the scheme is."""
    return ramp_colors(shade, SHADE_SCHEME.domain, SHADE_SCHEME.range)  # clamped at ±1


def network_rows(
    images: pd.DataFrame,
    links: pd.DataFrame,
    node_names: Sequence[Sequence[str]],
    view: str = "weights",
    labels: dict[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The network chart's rows from ``Playground.neuron_images`` and ``.links``:

    **pictures**: ``node``, ``x``, ``y`` (the picture's top left corner, chart units), ``url``
    (a PNG of ``node_shades``' cells: one pixel per cell, orange negative, blue positive).
    **links**: ``x``, ``y``, ``x2``, ``y2``, ``layer``, ``source``, ``target``, ``weight``,
    ``grad_mean_abs``, ``sign`` ("positive"/"negative"), ``log10_grad`` (floored at
    ``GRADIENT_DECADES`` below the largest), ``width`` (px): |w| over the largest |w| (weights
    view) or the position of |∂L/∂w| on the log scale shared by all layers (gradients view).
    **nodes**: ``node``, ``label``, ``x``, ``y`` (beside each node), and ``titles``: ``title``,
    ``x``, ``y`` above each column.

    One picture per node rather than a rectangle per cell: a browser redraws a few dozen images
    in a fraction of the time it takes for thousands of rectangles, which sets the frame rate."""
    check_view(view)
    labels = labels or {}
    positions = _node_positions(node_names).set_index("node")
    cells = node_shades(images)
    resolution = picture_resolution(images)
    order = list(dict.fromkeys(cells["node"]))
    pixels = np.full((len(order), resolution, resolution, 3), 255, dtype=np.uint8)
    index = pd.Index(order).get_indexer(cells["node"])
    pixels[index, resolution - 1 - cells["iy"].to_numpy(), cells["ix"].to_numpy()] = shade_colors(
        cells["shade"].to_numpy()
    )
    pictures = pd.DataFrame(
        {
            "node": order,
            "x": positions["x"].reindex(order).to_numpy(),
            "y": positions["y"].reindex(order).to_numpy(),
            "url": [png_data_url(picture) for picture in pixels],
        }
    )
    source = positions.reindex(links["source"].to_numpy())
    target = positions.reindex(links["target"].to_numpy())
    weight = links["weight"].to_numpy(dtype=float)
    grad = links["grad_mean_abs"].to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        log_grad = np.where(grad > 0, np.log10(np.where(grad > 0, grad, 1.0)), -np.inf)
    top_decade = float(log_grad.max()) if np.isfinite(log_grad).any() else 0.0
    log_grad = np.maximum(log_grad, top_decade - GRADIENT_DECADES)
    if view == "weights":
        biggest = float(np.abs(weight).max()) if len(weight) else 0.0
        strength = np.abs(weight) / biggest if biggest > 0 else np.zeros_like(weight)
    else:
        strength = (log_grad - (top_decade - GRADIENT_DECADES)) / GRADIENT_DECADES
        strength = np.where(grad > 0, strength, 0.0)
    low, high = LINK_WIDTH
    link_rows = pd.DataFrame(
        {
            "x": source["x"].to_numpy() + 1.0,
            "y": source["y"].to_numpy() + 0.5,
            "x2": target["x"].to_numpy(),
            "y2": target["y"].to_numpy() + 0.5,
            "layer": links["layer"].to_numpy(),
            "source": links["source"].to_numpy(),
            "target": links["target"].to_numpy(),
            "weight": weight,
            "grad_mean_abs": grad,
            "sign": np.where(weight < 0, "negative", "positive"),
            "log10_grad": log_grad,
            "width": low + (high - low) * strength,
        }
    )
    features = list(node_names[0])
    nodes = pd.DataFrame(
        {
            "node": features,
            "label": [labels.get(name, name) for name in features],
            "x": positions.loc[features, "x"].to_numpy() - 0.15,
            "y": positions.loc[features, "y"].to_numpy() + 0.5,
        }
    )
    titles = pd.DataFrame(
        {
            "title": layer_titles(len(node_names)),
            "x": np.arange(len(node_names)) * LAYER_STEP + 0.5,
            "y": -0.45,
        }
    )
    return {"pictures": pictures, "links": link_rows, "nodes": nodes, "titles": titles}


def network_template(
    columns: int, tallest: int, view: str = "weights", lecture: bool = False, screen: str = "regular"
) -> alt.VConcatChart:
    """The network: every node a small picture of its output over the plane (orange negative,
    blue positive), links from node to node coloured by the weight's sign (weights view) or by
    log10 |∂L/∂w| (gradients view) and as wide as ``network_rows`` says. Rows by name: "pictures",
    "links", "nodes", "titles". ``columns``: layers including input and output; ``tallest``: the
    most nodes in one column; they fix the chart's size."""
    check_view(view)
    span = (columns - 1) * LAYER_STEP + 1 + 1.2  # node sides across, with the feature labels
    px = min(NODE_PX[lecture], NETWORK_PX[lecture] / span)
    width = round(span * px)
    height = round(((tallest - 1) * NODE_PITCH + 1 + 0.7) * px)
    if stacks(screen):  # a phone or a narrow column: the whole network no wider than a panel
        scale_down = panel_width(width, lecture, screen) / width
        width, height = round(width * scale_down), round(height * scale_down)
    x_scale = alt.Scale(domain=[-1.2, (columns - 1) * LAYER_STEP + 1], nice=False, zero=False)
    y_scale = alt.Scale(domain=[-0.7, (tallest - 1) * NODE_PITCH + 1], nice=False, zero=False, reverse=True)
    none = dict(axis=None)
    x = lambda field: alt.X(f"{field}:Q", scale=x_scale, **none)
    y = lambda field: alt.Y(f"{field}:Q", scale=y_scale, **none)
    if view == "weights":
        color = alt.Color(
            "sign:N",
            scale=alt.Scale(domain=["negative", "positive"], range=[NEGATIVE, POSITIVE]),
            legend=alt.Legend(title="weight", orient=side_legend(screen)),
        )
    else:
        color = alt.Color(
            "log10_grad:Q",
            scale=alt.Scale(scheme="viridis"),
            legend=alt.Legend(title="log10 |∂L/∂w|", orient=side_legend(screen)),
        )
    wires = (
        alt.Chart(alt.NamedData("links"))
        .mark_rule(opacity=0.8)
        .encode(
            x=x("x"),
            y=y("y"),
            x2="x2:Q",
            y2="y2:Q",
            color=color,
            strokeWidth=alt.StrokeWidth("width:Q", scale=None),
            tooltip=[
                alt.Tooltip("source:N"),
                alt.Tooltip("target:N"),
                alt.Tooltip("weight:Q", format=".3g"),
                alt.Tooltip("grad_mean_abs:Q", format=".2e", title="|∂L/∂w|"),
            ],
        )
    )
    side = width / span  # a node's side in px: one chart unit
    pictures = (
        alt.Chart(alt.NamedData("pictures"))
        .mark_image(width=side, height=side, align="left", baseline="top", smooth=False)
        .encode(x=x("x"), y=y("y"), url="url:N", tooltip=[alt.Tooltip("node:N")])
    )
    names = (
        alt.Chart(alt.NamedData("nodes"))
        .mark_text(align="right", baseline="middle")
        .encode(x=x("x"), y=y("y"), text="label:N")
    )
    titles = (
        alt.Chart(alt.NamedData("titles"))
        .mark_text(baseline="bottom", color=GREY)
        .encode(x=x("x"), y=y("y"), text="title:N")
    )
    chart = alt.layer(wires, pictures, names, titles).resolve_scale(color="independent")
    # In a (one-chart) concatenation, so Streamlit keeps its size instead of stretching the squares
    # to the column; a vertical one, which a phone's layout allows.
    return style(alt.vconcat(chart.properties(width=width, height=height)), lecture)


def layer_rows(statistics: pd.DataFrame) -> pd.DataFrame:
    """The per-layer bars' rows from ``Playground.step``'s table: ``layer`` (title: "hidden 1" …
    "output"), ``quantity`` (one of ``LAYER_QUANTITIES``), ``value`` > 0, ``base``: a power of ten
    below every value of its quantity, where the bar starts on the log axis. Zeros (before the
    first update, or a dead layer) are left out: a log axis has no 0."""
    titles = layer_titles(len(statistics) + 1)[1:]
    frames = []
    for quantity, column in zip(LAYER_QUANTITIES, ("grad_norm", "update_ratio"), strict=True):
        values = statistics[column].to_numpy(dtype=float)
        keep = np.isfinite(values) & (values > 0)
        base = 10.0 ** np.floor(np.log10(values[keep].min())) if keep.any() else 1.0
        frames.append(
            pd.DataFrame(
                {
                    "layer": np.array(titles, dtype=object)[keep],
                    "quantity": quantity,
                    "value": values[keep],
                    "base": base,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def layer_bars_template(
    layers: int, lecture: bool = False, screen: str = "regular"
) -> alt.HConcatChart | alt.VConcatChart:
    """Per weight layer, the last update's ‖∂L/∂W‖ and ‖ΔW‖/‖W‖ as bars on log axes, one panel
    each (rows by name: "layers", from ``layer_rows``); ``layers``: weight layers, fixing the order."""
    order = layer_titles(layers + 1)[1:]
    width = panel_width(240 if not lecture else 320, lecture, screen)
    panels = []
    for quantity, color in zip(LAYER_QUANTITIES, (SKY, ORANGE), strict=True):
        panels.append(
            alt.Chart(alt.NamedData("layers"))
            .transform_filter(alt.datum.quantity == quantity)
            .mark_bar(color=color)
            .encode(
                y=alt.Y("layer:N", sort=order, scale=alt.Scale(domain=order), title=None),
                x=alt.X("value:Q", scale=alt.Scale(type="log"), title=f"{quantity} (log)", axis=DECADES),
                x2="base:Q",
                tooltip=[alt.Tooltip("layer:N"), alt.Tooltip("value:Q", format=".2e", title=quantity)],
            )
            .properties(width=width, height=max(60, LAYER_BAR_STEP[lecture] * layers))
        )
    chart = alt.vconcat(*panels) if stacks(screen) else alt.hconcat(*panels)
    return style(chart, lecture)


def boundary_rows(
    grid: pd.DataFrame, points: pd.DataFrame, show_test: bool = False, discretize: bool = False
) -> dict[str, pd.DataFrame]:
    """The boundary chart's rows from ``Playground.boundary`` and ``.points``: **grid**: ``x``,
    ``x2``, ``y``, ``y2`` (the cell, plane units), ``probability`` (rounded to 0 or 1 when
    ``discretize``, as the Playground's "discretize output"), the table a download gives;
    **picture**: one row, ``x``, ``y`` (the plane's top left corner) and ``url``, a PNG of the
    grid with one pixel per cell in the colours of the output's picture (2P − 1 as a shade), which
    the chart draws; **points**: ``x1``, ``x2``, ``class`` ("0"/"1"), ``split``: the training
    points, and the test points when ``show_test``.

    One picture rather than a rectangle per cell: drawing thousands of rectangles took most of
    the browser's time in every frame while the playground plays."""
    resolution = round(float(np.sqrt(len(grid))))
    half = PLANE / resolution
    probability = grid["probability"].to_numpy(dtype=float)
    if discretize:
        probability = (probability >= 0.5).astype(float)
    x1, x2 = grid["x1"].to_numpy(), grid["x2"].to_numpy()
    cells = pd.DataFrame(
        {"x": x1 - half, "x2": x1 + half, "y": x2 - half, "y2": x2 + half, "probability": probability}
    )
    cell = 2 * PLANE / resolution
    column = np.clip(np.round((x1 + PLANE) / cell - 0.5), 0, resolution - 1).astype(int)
    row = np.clip(np.round((PLANE - x2) / cell - 0.5), 0, resolution - 1).astype(int)  # top row first
    pixels = np.full((resolution, resolution, 3), 255, dtype=np.uint8)
    pixels[row, column] = shade_colors(2.0 * probability - 1.0)
    picture = pd.DataFrame({"x": [-PLANE], "y": [PLANE], "url": [png_data_url(pixels)]})
    shown = points if show_test else points[points["split"] == "train"]
    dots = pd.DataFrame(
        {
            "x1": shown["x1"].to_numpy(),
            "x2": shown["x2"].to_numpy(),
            "class": shown["label"].astype(str).to_numpy(),
            "split": shown["split"].to_numpy(),
        }
    )
    return {"grid": cells, "picture": picture, "points": dots}


def boundary_template(lecture: bool = False, screen: str = "regular") -> alt.VConcatChart:
    """P(class 1) over the plane [−6, 6]² (orange 0 to blue 1, as the Playground) under the
    points: training points as circles, test points as triangles. Rows by name: "picture" (the
    probability as one image), "points"."""
    side = panel_width(260 if not lecture else 400, lecture, screen)
    axis = alt.Scale(domain=[-PLANE, PLANE], nice=False)
    region = (
        alt.Chart(alt.NamedData("picture"))
        .mark_image(
            width=side, height=side, align="left", baseline="top", aspect=False, smooth=False, opacity=0.75
        )
        .encode(x=alt.X("x:Q", scale=axis, title="x₁"), y=alt.Y("y:Q", scale=axis, title="x₂"), url="url:N")
    )
    # The picture's colour scale as a legend: a layer that draws nothing.
    key = (
        alt.Chart(alt.Data(values=[{"probability": 0.0}, {"probability": 1.0}]))
        .mark_point(opacity=0)
        .encode(
            color=alt.Color(
                "probability:Q",
                scale=alt.Scale(
                    domain=[0, 0.5, 1], range=[NEGATIVE, SHADE_MIDDLE, POSITIVE], interpolate="rgb"
                ),
                legend=alt.Legend(title="P(class 1)", orient="bottom", gradientLength=120),
            ),
        )
    )
    dots = (
        alt.Chart(alt.NamedData("points"))
        .mark_point(filled=True, size=36 if not lecture else 64, stroke="white", strokeWidth=0.6, opacity=0.9)
        .encode(
            x=alt.X("x1:Q", scale=axis),
            y=alt.Y("x2:Q", scale=axis),
            color=alt.Color(
                "class:N",
                scale=alt.Scale(domain=["0", "1"], range=[CLASS_COLORS[1], CLASS_COLORS[0]]),
                legend=alt.Legend(title="class", orient="bottom"),
            ),
            shape=alt.Shape(
                "split:N",
                scale=alt.Scale(domain=["train", "test"], range=["circle", "triangle-up"]),
                legend=alt.Legend(title="points", orient="bottom"),
            ),
            tooltip=[alt.Tooltip("split:N"), alt.Tooltip("class:N")],
        )
    )
    chart = (
        alt.layer(region, key, dots).resolve_scale(color="independent").properties(width=side, height=side)
    )
    return style(alt.vconcat(chart), lecture)  # square: not stretched to the column


def loss_rows(histories: pd.DataFrame | dict[str, pd.DataFrame], most: int = MAX_LOSS_ROWS) -> pd.DataFrame:
    """The loss chart's rows from ``Playground.history`` (or run label → history, for a race):
    ``run`` ("network" for a single history), ``step``, ``epoch``, ``split`` ("train"/"test"),
    ``loss`` (nats); at most ``most`` updates a run, evenly spaced, the first and the last kept."""
    if isinstance(histories, pd.DataFrame):
        histories = {"network": histories}
    frames = []
    for run, history in histories.items():
        n = len(history)
        keep = np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int)) if n else np.zeros(0, int)
        picked = history.iloc[keep]
        for split in ("train", "test"):
            frames.append(
                pd.DataFrame(
                    {
                        "run": run,
                        "step": picked["step"].to_numpy(),
                        "epoch": picked["epoch"].to_numpy(),
                        "split": split,
                        "loss": picked[f"{split}_loss"].to_numpy(dtype=float),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def loss_template(
    runs: Sequence[str] = ("network",), lecture: bool = False, screen: str = "regular"
) -> alt.LayerChart:
    """Train (solid) and test (dashed) loss in nats against updates, one colour per run of
    ``runs``, with a dot on each run's latest value (before the first update the dots are the whole
    picture); rows by name ("losses", from ``loss_rows``)."""
    colors = [SKY, GREEN, ORANGE, PINK][: len(runs)] if len(runs) <= 4 else alt.Undefined
    base = alt.Chart(alt.NamedData("losses")).encode(
        x=alt.X("step:Q", title="updates", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("loss:Q", title="loss (cross-entropy, nats)", scale=alt.Scale(zero=True)),
        color=alt.Color(
            "run:N",
            scale=alt.Scale(domain=list(runs), range=colors),
            legend=alt.Legend(title=None, orient="bottom", labelLimit=260),
        ),
        tooltip=[
            alt.Tooltip("run:N"),
            alt.Tooltip("split:N"),
            alt.Tooltip("step:Q", title="updates"),
            alt.Tooltip("epoch:Q"),
            alt.Tooltip("loss:Q", format=".4f"),
        ],
    )
    lines = base.mark_line().encode(
        strokeDash=alt.StrokeDash(
            "split:N",
            scale=alt.Scale(domain=["train", "test"], range=[SOLID, DASHED]),
            legend=alt.Legend(title=None, orient="bottom"),
        )
    )
    latest = (
        base.mark_point(filled=True, size=90 if lecture else 45)
        .transform_joinaggregate(latest="max(step)", groupby=["run"])
        .transform_filter("datum.step === datum.latest")
    )
    return style(alt.layer(lines, latest).properties(height=CHART_HEIGHT[lecture] * 2 // 3), lecture)
