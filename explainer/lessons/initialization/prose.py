"""The initialization page's fixed explanatory text, one constant per section ({…} fields are
filled from the page's settings)."""

from ...nn.statistics import HEALTHY_SATURATION

INTRO = (
    "Before training, every weight is a random number, and its spread decides whether a signal "
    "survives the trip through the network. A unit sums fan_in inputs times weights, so with "
    "independent zero-mean weights of variance σ² its pre-activation has variance "
    "fan_in · σ² · E[x²]: too large a σ² and the signal grows layer after layer, too small and it "
    "fades. Each rule below picks σ² from the layer's shape; the page sends them through deep networks "
    "and checks them against samples."
)
VARIANCE_TABLE = (
    "One row per initializer at your layer shape. σ² is the formula's value; beside it, the variance "
    "of a matrix drawn just now, with the number of weights drawn and how far it lies from σ² in "
    "standard errors (the spread of w² over √n). A correct sampler lands within 5 standard errors "
    "almost always. The last two columns say what the rule does to one layer with the chosen "
    "activation: fan_in·σ²·E[f(z)²] multiplies the forward second moment, fan_out·σ²·E[f′(z)²] "
    "the gradient's (z ~ N(0, 1)); 1 keeps it."
)
GAINS = (
    "A gain multiplies the weight std to make up for what the activation does to the variance. "
    "Two rules follow from z ~ N(0, 1): the forward gain 1/√E[f(z)²] keeps the output's second "
    "moment at 1, the backward gain 1/√E[f′(z)²] keeps the gradient's. PyTorch's "
    "`calculate_gain` (torch/nn/init.py) tabulates its own values for six functions; the "
    "expectations here are computed by quadrature. χ is the mean-field factor by which the squared "
    "gradient changes per layer at PyTorch's gain (Schoenholz et al. 2017)."
)
TRAVEL = (
    "Every initializer (rows) with every activation (columns), in a plain network of L layers "
    "fed 256 random inputs (seeded, biases 0). The first heatmap is log10 of the activations' "
    "variance at layer L over layer 1; the second, log10 of the gradient's variance at layer 1 "
    "over layer L. 0 means kept, −3 a thousandth, +3 a thousandfold. Outlined cells (the same on "
    "both heatmaps) are healthy: both ratios stay within one order of magnitude and less than "
    f"{HEALTHY_SATURATION:.0%} of layer L's unit-inputs are saturated (|f′| < 0.01) — a flat "
    "variance from saturated units does not count. Click a cell to draw it layer by layer below."
)
BIASES = (
    "The same ReLU network three times: biases 0 (Keras, CS231n), every bias a small constant, "
    "and PyTorch's nn.Linear default U(±1/√fan_in). A ReLU unit is dead when its pre-activation "
    "is negative for every input: no gradient reaches its weights. Where the weights shrink the "
    "signal, the biases are what is left of it."
)
FANS_FROM = "Matrices of fan_in × fan_out = {fan_in:,} × {fan_out:,} weights, as set in {tab}."
BIAS_NETWORK = "{weights} weights; ReLU; {depth} layers of {width} units; 256 random inputs."
STANDARD_NORMAL_OFF = "Switch it on to see the N(0, 1) row of the heatmaps with its numbers."
STANDARD_NORMAL_STORY = "Beside He normal, {depth} layers of {width} units:"
