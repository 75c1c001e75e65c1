"""The training page's presets: each a complete scene that differs from the defaults."""

import pytest

from explainer.lessons.training.scenes import PRESETS, SCENE_DEFAULTS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_complete_scene(name):
    preset = PRESETS[name]
    assert preset["label"] and preset["description"]
    assert set(preset["settings"]) == set(SCENE_DEFAULTS)
    assert preset["settings"] != SCENE_DEFAULTS


def test_sections_cover_every_setting_and_each_preset_opens_the_section_it_changes():
    from explainer.lessons.training.scenes import SECTIONS, SETTING_SECTIONS

    assert set(SETTING_SECTIONS) == set(SCENE_DEFAULTS)
    assert set(SETTING_SECTIONS.values()) - {None} == set(SECTIONS)
    for name, preset in PRESETS.items():
        changed = {k for k, v in preset["settings"].items() if v != SCENE_DEFAULTS[k]}
        assert {SETTING_SECTIONS[k] for k in changed} - {None} == {preset["section"]}, name
