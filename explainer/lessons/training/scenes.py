"""The training page's settings by name and its presets: scenes a link can open."""

from __future__ import annotations

# The training page's settings, by name; the page binds each to a URL parameter.
SCENE_DEFAULTS: dict[str, object] = {
    "dataset": "circles",
    "seed": 0,
    "trials": 100,
    "gradient_at": "start",
    "examples": 1_200,
    "race_learning_rate": 0.05,
    "activations": ("sigmoid", "relu"),
    "depth": 6,
    "init": "glorot_uniform",
    "learning_rate": 0.1,
    "steps": 300,
    "normal_learning_rate": 0.1,
    "high_learning_rate": 3.0,
    "bn_activation": "sigmoid",
    "bn_depth": 6,
    "bn_learning_rate": 0.1,
    "gain": 2.0,
    "value_threshold": 0.1,
    "norm_threshold": 1.0,
    "patience": 100,
    "es_noise": 0.25,
    "es_steps": 1_000,
}

# The page's sections, in page order: id → title. The page shows one at a time (a tab), so a link or
# a scene names the section it opens (``?section=dying``).
SECTIONS: dict[str, str] = {
    "minibatch": "Stochastic gradients",
    "gradients": "Gradients during training",
    "dying": "Dying ReLU",
    "batchnorm": "Batch norm",
    "clipping": "Clipping",
    "early_stopping": "Early stopping",
}

# Each setting's section; the dataset and the seed apply to every section (None).
SETTING_SECTIONS: dict[str, str | None] = {
    "dataset": None,
    "seed": None,
    "trials": "minibatch",
    "gradient_at": "minibatch",
    "examples": "minibatch",
    "race_learning_rate": "minibatch",
    "activations": "gradients",
    "depth": "gradients",
    "init": "gradients",
    "learning_rate": "gradients",
    "steps": "gradients",
    "normal_learning_rate": "dying",
    "high_learning_rate": "dying",
    "bn_activation": "batchnorm",
    "bn_depth": "batchnorm",
    "bn_learning_rate": "batchnorm",
    "gain": "clipping",
    "value_threshold": "clipping",
    "norm_threshold": "clipping",
    "patience": "early_stopping",
    "es_noise": "early_stopping",
    "es_steps": "early_stopping",
}

# Each preset: its label and description, the section it opens, and every setting.
PRESETS: dict[str, dict] = {
    "deep_sigmoid": {
        "label": "Ten layers: sigmoid, tanh and ReLU",
        "description": (
            "The gradient heatmap for ten hidden layers with Glorot-uniform weights and plain SGD. "
            "Sigmoid's slope is at most ¼, so its first layers get a vanishing share of the gradient "
            "from the start and barely move; tanh and ReLU keep layer 1's gradient within a small "
            "factor of the last layer's."
        ),
        "section": "gradients",
        "settings": {**SCENE_DEFAULTS, "activations": ("sigmoid", "tanh", "relu"), "depth": 10},
    },
    "relu_massacre": {
        "label": "Learning rate 5: almost every ReLU unit dies",
        "description": (
            "The dying-ReLU section at learning rate 5. Nearly every ReLU unit ends dead on every "
            "training point and the net answers ½ everywhere; Leaky ReLU, from the same weights and "
            "minibatches, keeps every unit alive."
        ),
        "section": "dying",
        "settings": {**SCENE_DEFAULTS, "high_learning_rate": 5.0},
    },
    "tanh_batchnorm": {
        "label": "Batch norm on a ten-layer tanh net",
        "description": (
            "The batch-norm section with tanh, ten hidden layers and learning rate 0.5: without "
            "batch norm plain SGD at this step size struggles; with it each layer's inputs are "
            "renormalised every step."
        ),
        "section": "batchnorm",
        "settings": {**SCENE_DEFAULTS, "bn_activation": "tanh", "bn_depth": 10, "bn_learning_rate": 0.5},
    },
    "gentle_clipping": {
        "label": "Clipping a healthy network",
        "description": (
            "He-normal weights at gain 1 (no explosion) with loose thresholds: clipping rarely "
            "changes a step, and the three runs stay close — clipping is a safety net, not a cure."
        ),
        "section": "clipping",
        "settings": {**SCENE_DEFAULTS, "gain": 1.0, "value_threshold": 1.0, "norm_threshold": 5.0},
    },
    "impatient": {
        "label": "Impatient early stopping",
        "description": (
            "Early stopping with a patience of 20 steps: a short wait stops at the first bump in the "
            "noisy validation loss."
        ),
        "section": "early_stopping",
        "settings": {**SCENE_DEFAULTS, "patience": 20},
    },
    "moons_minibatch": {
        "label": "Minibatch noise on the moons",
        "description": (
            "Every section on the moons dataset, with 400 minibatches per size for a smoother "
            "error curve and the gradient taken after training."
        ),
        "section": "minibatch",
        "settings": {**SCENE_DEFAULTS, "dataset": "moons", "trials": 400, "gradient_at": "trained"},
    },
}
