"""The initialization page's PARAMS and scenes: each scene sets the same settings, from the
registries, and leaves the layer shape, width and constant bias as the visitor left them."""

from explainer import ACTIVATIONS, INITIALIZERS, MAX_FAN, ui
from explainer.initializers import DEFAULT_INITIALIZER
from explainer.ui import initialization as page

PARAMS = page.PARAMS


def test_the_choices_are_the_registries_and_the_defaults_the_issues():
    assert PARAMS["init"].options == tuple(INITIALIZERS) == PARAMS["b_init"].options
    assert PARAMS["act"].options == tuple(ACTIVATIONS)
    assert set(PARAMS["family"].options) == {i.family for i in INITIALIZERS.values()} - {None}
    assert PARAMS["fan_in"].high == PARAMS["fan_out"].high == MAX_FAN
    assert ui.defaults(PARAMS.values()) == {
        "init": DEFAULT_INITIALIZER,
        "act": "relu",
        "fan_in": 256,
        "fan_out": 128,
        "family": "he",
        "depth": 20,
        "width": 256,
        "b_init": "torch_linear_default",
        "bias_c": 0.01,
        "n01": False,
    }


def test_every_scene_sets_the_same_settings_and_leaves_the_shape_as_it_was():
    for name, settings in page.SCENES.items():
        assert tuple(settings) == ("section", *page.SCENE_KEYS), name
        assert settings["section"] in page.SECTION_LABELS.values()  # the tab it opens
        assert page.SCENE_LABELS[name] and page.SCENE_DESCRIPTIONS[name].endswith(".")
        assert settings["init"] in INITIALIZERS and settings["b_init"] in INITIALIZERS
    assert not {"fan_in", "fan_out", "width", "bias_c"} & set(page.SCENE_KEYS)


def test_a_scene_keeps_the_defaults_of_what_it_does_not_name():
    assert page.SCENES["pytorch_linear"] == {
        "section": "2. Variance by rule",
        "init": "torch_linear_default",
        "act": "relu",
        "family": "he",
        "depth": 20,
        "b_init": "torch_linear_default",
        "n01": False,
    }
    assert page.SCENES["lecun_selu"]["depth"] == 50 and page.SCENES["standard_normal"]["n01"] is True
    assert page.SCENES["standard_normal"]["section"] == "6. Why not N(0, 1)?"


def test_every_setting_has_a_section_and_every_section_a_heading():
    assert set(page.PARAM_SECTIONS) == set(page.PARAMS)
    assert set(page.PARAM_SECTIONS.values()) - {None} <= set(page.SECTIONS) == set(page.HEADINGS)
    assert (
        page.SECTION_LABELS["travel"] == "1. Through depth" == next(iter(page.SECTION_LABELS.values()))
    )  # the heatmaps open first


def test_the_page_caches_are_bounded():
    for function in (page.variance_table, page.distributions, page.travel, page.travel_curve, page.biases):
        assert 0 < function._info.max_entries <= page.NETWORK_CACHE_ENTRIES
