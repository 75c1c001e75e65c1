"""Vanishing Point's explainer: the math, data and charts behind the app, usable in a notebook.

>>> from explainer import ACTIVATIONS
>>> float(ACTIVATIONS["sigmoid"].df(0.0))
0.25

The scikit-learn comparison (``fit_mlps`` and friends) is imported on first use, so that
``import explainer`` stays light for the pages that do not train anything.
"""

from importlib import import_module

from . import meanfield
from .activations import (
    ACTIVATIONS,
    DEFAULT_ACTIVATIONS,
    Activation,
    Param,
    get_activation,
    torch_gain,
)
from .curves import Chosen, CurveSet, activation_curves
from .datasets import DATASETS, Dataset, get_dataset
from .expressions import parse_activation
from .initializers import (
    DEFAULT_INITIALIZER,
    INITIALIZERS,
    MAX_FAN,
    MAX_GAIN,
    MODES,
    DistributionComparison,
    Initializer,
    check_fans,
    check_gain,
    distribution_comparison,
    gain,
    get_initializer,
    variance_table,
)
from .lessons.initialization.sentences import gains_table
from .meanfield import gaussian_expectation
from .network import (
    BIASES,
    MAX_BATCH,
    MAX_DEPTH,
    MAX_WIDTH,
    PRESET_SEEDS,
    NetworkRun,
    activation_comparison,
    activation_histograms,
    bias_comparison,
    check_network,
    critical_line,
    describe_activations,
    describe_biases,
    describe_gradient_flow,
    describe_preset,
    initializer_comparison,
    layer_statistics,
    max_slope,
    meanfield_prediction,
    network_gradients,
    network_run,
    phase_diagram,
    preset_results,
    standard_normal_story,
    variance_travel,
    variance_travel_curve,
)
from .network import PRESETS as DEPTH_PRESETS
from .nn.playground import Playground, PlaygroundSettings
from .nn.recurrent import CELLS, Cell, RecurrentTraining, recurrent_gradients, train_recurrent
from .properties import activation_properties, evaluation_seconds, properties_table
from .training import PRESETS as TRAINING_PRESETS
from .training import (
    BatchRace,
    Comparison,
    DyingRelu,
    EarlyStopping,
    ModelState,
    TrainingRun,
    batch_size_race,
    batchnorm_comparison,
    clip_gradients,
    clipping_comparison,
    dying_relu,
    early_stopping,
    early_stopping_run,
    gradient_comparison,
    initial_state,
    loss_and_gradients,
    minibatch_gradient_error,
    predict_proba,
    train,
    training_data,
)

# name -> (module, attribute): loaded on first access (scikit-learn costs ~0.6 s to import).
_LAZY = {
    "fit_mlps": ("sklearn_mlp", "fit_mlps"),
    "MLPComparison": ("sklearn_mlp", "MLPComparison"),
    "fit_mlps_stream": ("sklearn_mlp", "fit_mlps_stream"),
    "MLPSnapshot": ("sklearn_mlp", "MLPSnapshot"),
    "SKLEARN_ACTIVATIONS": ("sklearn_mlp", "SKLEARN_ACTIVATIONS"),
    "SOLVERS": ("sklearn_mlp", "SOLVERS"),
    "MLP_PRESETS": ("sklearn_mlp", "PRESETS"),
    "MLP_DEFAULTS": ("sklearn_mlp", "DEFAULTS"),
    "MLP_LIMITS": ("sklearn_mlp", "LIMITS"),
}


def __getattr__(name: str):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module 'explainer' has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS",
    "BIASES",
    "DATASETS",
    "DEFAULT_ACTIVATIONS",
    "DEFAULT_INITIALIZER",
    "DEPTH_PRESETS",
    "PRESET_SEEDS",
    "INITIALIZERS",
    "MAX_BATCH",
    "MAX_DEPTH",
    "MAX_FAN",
    "MAX_GAIN",
    "MAX_WIDTH",
    "MODES",
    "Activation",
    "Chosen",
    "CurveSet",
    "Dataset",
    "DistributionComparison",
    "Initializer",
    "NetworkRun",
    "Param",
    "activation_comparison",
    "activation_curves",
    "activation_histograms",
    "activation_properties",
    "bias_comparison",
    "check_fans",
    "check_gain",
    "check_network",
    "critical_line",
    "describe_activations",
    "describe_biases",
    "describe_gradient_flow",
    "distribution_comparison",
    "evaluation_seconds",
    "gain",
    "gains_table",
    "gaussian_expectation",
    "get_activation",
    "get_dataset",
    "get_initializer",
    "initializer_comparison",
    "layer_statistics",
    "max_slope",
    "meanfield",
    "meanfield_prediction",
    "network_gradients",
    "network_run",
    "parse_activation",
    "phase_diagram",
    "preset_results",
    "describe_preset",
    "properties_table",
    "standard_normal_story",
    "torch_gain",
    "variance_table",
    "variance_travel",
    "variance_travel_curve",
    # the training page
    "TRAINING_PRESETS",
    "BatchRace",
    "Comparison",
    "DyingRelu",
    "EarlyStopping",
    "ModelState",
    "TrainingRun",
    "batch_size_race",
    "batchnorm_comparison",
    "clip_gradients",
    "clipping_comparison",
    "dying_relu",
    "early_stopping",
    "early_stopping_run",
    "gradient_comparison",
    "initial_state",
    "loss_and_gradients",
    "minibatch_gradient_error",
    "predict_proba",
    "train",
    "training_data",
    # the playground
    "Playground",
    "PlaygroundSettings",
    # the recurrent page
    "CELLS",
    "Cell",
    "RecurrentTraining",
    "recurrent_gradients",
    "train_recurrent",
    *_LAZY,
]
