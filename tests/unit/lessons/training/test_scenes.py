"""The training page's presets: each a complete scene that differs from the defaults."""

import pytest

from explainer.lessons.training.scenes import PRESETS, SCENE_DEFAULTS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_complete_scene(name):
    preset = PRESETS[name]
    assert preset["label"] and preset["description"]
    assert set(preset["settings"]) == set(SCENE_DEFAULTS)
    assert preset["settings"] != SCENE_DEFAULTS
