"""``explainer.training`` keeps every name the pages, the benchmarks and ``explainer`` read from it,
as the same objects that ``nn`` and ``lessons.training`` now hold."""

import pytest

import explainer
from explainer import training
from explainer.lessons.training import (
    batchnorm,
    clipping,
    dying,
    gradients,
    minibatch,
    runs,
    scenes,
    stopping,
)
from explainer.nn import layers, loop, model, optimizers

MOVED = {
    model: ["ModelState", "Split", "initial_state", "loss_and_gradients", "predict_proba", "training_data"],
    optimizers: [
        "clip_gradients",
        "global_norm",
        "cosine",
        "angle_degrees",
        "check_clip",
        "check_learning_rate",
    ],
    layers: ["overflow_safe_std", "BN_EPS"],
    loop: ["TrainingRun", "train", "MAX_STEPS", "check_steps"],
    runs: ["Comparison", "compare_runs", "describe_setup", "HIDDEN"],
    minibatch: [
        "BATCH_SIZES",
        "BatchRace",
        "batch_size_race",
        "describe_minibatch_error",
        "minibatch_gradient_error",
        "minibatch_state",
    ],
    gradients: ["gradient_comparison"],
    dying: ["DyingRelu", "PLANE_LIMIT", "PLANE_GRID", "dead_units", "dying_relu", "unit_regions"],
    batchnorm: ["batchnorm_comparison"],
    clipping: ["clipping_comparison", "clipping_effect"],
    stopping: ["EarlyStopping", "early_stopping", "early_stopping_run"],
    scenes: ["PRESETS", "SCENE_DEFAULTS"],
}


@pytest.mark.parametrize(
    ("module", "name"),
    [(m, n) for m, names in MOVED.items() for n in names],
    ids=lambda x: getattr(x, "__name__", x),
)
def test_the_old_training_module_reexports_each_moved_name(module, name):
    assert getattr(training, name) is getattr(module, name)


def test_the_package_exports_the_training_api_from_its_new_homes():
    assert explainer.TRAINING_PRESETS is scenes.PRESETS
    assert explainer.train is loop.train and explainer.ModelState is model.ModelState
