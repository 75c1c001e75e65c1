"""The PARAMS mechanism: a page's settings declared once, each default and scene value accepted."""

import importlib

import pytest

from explainer.ui.widgets import Param

PAGES = ("activations", "home", "depth", "initialization", "mlp", "training", "recurrent", "playground")


def _page(name: str):
    return importlib.import_module(f"explainer.ui.{name}")


def _accepts(param: Param, value) -> bool:
    if param.widget in ("slider", "number"):
        values = value if isinstance(param.default, tuple) else (value,)
        return all(param.low <= v <= param.high for v in values) and (
            not isinstance(param.default, tuple) or (len(values) == 2 and values[0] < values[1])
        )
    if param.widget == "toggle":
        return isinstance(value, bool)
    if param.widget == "text":
        return isinstance(value, str) and len(value) <= param.max_chars
    if param.widget == "multiselect":
        return all(v in param.options for v in value) and (
            param.max_selections is None or len(value) <= param.max_selections
        )
    return value in param.options


def test_an_unknown_widget_kind_is_refused_with_the_kinds_it_knows():
    with pytest.raises(ValueError, match="Unknown widget 'dial' for 'depth'; expected one of"):
        Param("depth", "Depth", "dial", 3)


def test_a_setting_says_what_a_link_may_give_and_writes_its_default_as_a_link_would():
    depth = Param("depth", "Depth", "slider", 30, low=2, high=200)
    assert (depth.url, depth.accepted(), depth.shown_default()) == ("depth", "2 to 200", "30")
    x = Param("x", "x range", "slider", (-6.0, 6.0), low=-20.0, high=20.0, step=0.5)
    assert x.accepted() == "-20 to 20 (twice: low and high)" and x.shown_default() == "-6, 6"
    act = Param("act", "Activations", "multiselect", ["relu"], options=("relu", "tanh"))
    assert act.accepted() == "relu, tanh (repeated, one per choice)"
    assert Param("bn", "Batch norm", "toggle", False).shown_default() == "false"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_declares_params_whose_defaults_it_accepts(name):
    params = _page(name).PARAMS
    assert params, f"{name} has no PARAMS table"
    for key, param in params.items():
        assert key == param.key
        assert _accepts(param, param.default), (name, key, param.default)


@pytest.mark.parametrize("name", PAGES)
def test_every_scene_sets_only_the_pages_settings_to_values_they_accept(name):
    page = _page(name)
    for scene, settings in page.SCENES.items():
        for key, value in settings.items():
            if key == "section":  # the tab the scene opens, on a page with sections
                assert value in page.SECTION_LABELS.values(), (name, scene, value)
                continue
            assert key in page.PARAMS, (name, scene, key)
            assert _accepts(page.PARAMS[key], value), (name, scene, key, value)


def test_no_two_settings_of_a_page_share_a_url_name():
    for name in PAGES:
        urls = [p.url for p in _page(name).PARAMS.values()]
        assert len(urls) == len(set(urls)), name
