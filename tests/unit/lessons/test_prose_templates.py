"""The MLP and initialization pages' fixed text: each template takes exactly the fields its page fills."""

import string

import pytest

from explainer.lessons.initialization import prose as initialization
from explainer.lessons.mlp import prose as mlp

FILLED = {
    (mlp, "BOUNDARIES"): {"n_train", "n_test"},
    (mlp, "CHANCE"): {"chance"},
    (mlp, "HEATMAP"): {"output_layer", "steps"},
    (mlp, "GRADIENTS"): {"version"},
    (initialization, "FANS_FROM"): {"fan_in", "fan_out", "tab"},
    (initialization, "BIAS_NETWORK"): {"weights", "depth", "width"},
    (initialization, "STANDARD_NORMAL_STORY"): {"depth", "width"},
}


@pytest.mark.parametrize("module", [mlp, initialization])
def test_only_the_templates_have_fields_and_each_the_ones_its_page_fills(module):
    texts = {
        n: getattr(module, n) for n in dir(module) if n.isupper() and isinstance(getattr(module, n), str)
    }
    assert {name for m, name in FILLED if m is module} <= set(texts)
    for name, text in texts.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        assert fields == {f.split(":")[0] for f in FILLED.get((module, name), set())}, name


def test_the_travel_text_states_the_saturation_threshold_the_heatmaps_use():
    assert "less than 50% of layer L's unit-inputs are saturated" in initialization.TRAVEL
