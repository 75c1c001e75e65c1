"""The playground's budget (issue 16): one frame — 10 minibatch updates of a 4 hidden layers × 8
units network on 500 points, plus the redraw data (every neuron's image at the page's resolution,
the links, the loss) — in at most 60 ms of server time; and, for the record, its parts and the
largest network the controls allow (10 × 8)."""

from __future__ import annotations

from explainer import Playground, PlaygroundSettings

from .common import Case

GROUP = "playground"
RESOLUTION = 40  # neuron_images' default, the page's node heatmaps
FRAME_STEPS = 10
FRAME_BUDGET = 0.06


def _playground(hidden: tuple[int, ...]) -> Playground:
    # TensorFlow Playground's defaults otherwise: circles, 500 points, tanh, batch 10, rate 0.03.
    return Playground(PlaygroundSettings(hidden=hidden))


def _frame(pg: Playground):
    """What the page computes per frame: the updates, the layer bars, the images, links, loss."""
    stats = pg.step(FRAME_STEPS)
    return stats, pg.neuron_images(RESOLUTION), pg.links(), pg.loss()


def _page_frame(pg: Playground):
    """The playground page's frame as ``explainer.ui.playground.frame`` computes it, Streamlit
    aside: the updates, then every chart's rows (network, layer bars, boundary, loss)."""
    from explainer.charts import playground as charts
    from explainer.ui.playground import BOUNDARY_RESOLUTION, IMAGE_RESOLUTION, SMALL_NETWORK

    stats = pg.step(FRAME_STEPS)
    small = sum(len(names) for names in pg.node_names) <= SMALL_NETWORK
    images = pg.neuron_images(IMAGE_RESOLUTION[small])
    return (
        charts.network_rows(images, pg.links(), pg.node_names, "gradients"),
        charts.layer_rows(stats),
        charts.boundary_rows(pg.boundary(BOUNDARY_RESOLUTION), pg.points(), True),
        charts.loss_rows(pg.history()),
    )


def cases() -> list[Case]:
    pg = _playground((8, 8, 8, 8))
    deep = _playground((8,) * 10)
    _frame(pg)  # the grid's features are cached after the first frame, as on the page
    _frame(deep)
    return [
        Case(GROUP, "frame: 10 steps 4×8 + redraw", lambda: _frame(pg), repeats=21, target=FRAME_BUDGET),
        Case(GROUP, "10 steps 4×8", lambda: pg.step(FRAME_STEPS), repeats=21),
        Case(GROUP, f"neuron images 4×8 at {RESOLUTION}²", lambda: pg.neuron_images(RESOLUTION), repeats=21),
        Case(GROUP, "frame: 10 steps 10×8 + redraw", lambda: _frame(deep), repeats=21),
        Case(
            GROUP,
            "page frame 4×8, every chart's rows",
            lambda: _page_frame(pg),
            repeats=21,
            target=FRAME_BUDGET,
        ),
        Case(GROUP, "page frame 10×8, every chart's rows", lambda: _page_frame(deep), repeats=21),
        Case(GROUP, "new playground 4×8 (data, weights)", lambda: _playground((8, 8, 8, 8)), repeats=7),
    ]
