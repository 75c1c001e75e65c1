"""The depth page's fixed explanatory text, one constant per section."""

from .settings import PHASE_SIZE

INTRO = (
    "Backpropagation hands each layer the gradient of the layer above, multiplied by that layer's "
    "weights and by the derivative of its activation. Through L layers that is a product of L "
    "factors: a little below 1 each, and the first layers get almost nothing; a little above, and "
    "they get a flood. Every number on this page is measured on a seeded network in numpy, with N(0, 1) "
    "inputs and an N(0, 1) gradient arriving at the top, as in the CS231n and Glorot & Bengio experiments."
)
PATH = (
    "Follow one path from the input to the top: one unit per layer. The chain rule multiplies the "
    "activation's derivative f′(z) at every unit on it. No factor can exceed the largest slope of f, "
    "so L of them multiply to at most (max |f′|)^L — 0.25^L for sigmoid — before any weight acts."
)
GRADIENTS = (
    "The whole network passes the gradient down through every unit and every weight at once. The "
    "solid line is the measured standard deviation of ∂loss/∂h for each layer's output, the input "
    "layer at the left; the dashed line is what mean-field theory predicts from χ, the factor by "
    "which one layer multiplies the squared gradient (Schoenholz et al. 2017)."
)
ACTIVATIONS = (
    "What each layer sends forward. Each column of the heatmap is one layer's outputs, binned: a "
    "column collapsing onto 0 is a signal dying out, a column split onto two values is a layer of "
    "saturated units, whose derivative is near 0."
)
FIXES = (
    "Each switch changes the network of sections 1–3; the chart keeps that network (grey, dashed) "
    "beside the fixed one. ReLU's slope is exactly 1 wherever a unit is on; He initialization "
    "(ReLU family) or LeCun initialization (the rest) sets the weight scale so the variance neither "
    "grows nor shrinks; batch norm rescales every layer's pre-activations to mean 0, std 1; a "
    "residual connection adds the identity, so the gradient always has a path with factor 1."
)
PHASE = (
    "Weight scale against depth: one cell per network, LeCun-normal weights scaled to σ_w, zero "
    f"biases, width and batch {PHASE_SIZE}, coloured by layer 1's gradient over layer d's. The "
    "text under the chart says which colours and lines this activation gives. Click a cell to make "
    "it the network of sections 1–5."
)


def published_intro(shown: bool, seeds: int) -> str:
    """Section 7's opening: what the table and chart below show (``shown``: a scene is chosen),
    or what they will show once one is, with the number of seeds of the re-runs."""
    if shown:
        return (
            "Each button sets the page to a published experiment; the table below sets each number its "
            f"source prints, with where it is printed, beside our re-run's median and range over {seeds} "
            "seeds, and the chart shows the activation std per layer of each network."
        )
    return (
        "Each button sets the page to a published experiment; once one is chosen, a table sets each "
        "number its source prints, with where it is printed, beside our re-run's median and range over "
        f"{seeds} seeds, and a chart shows the activation std per layer of each network."
    )
