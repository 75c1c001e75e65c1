"""Each page draws exactly the widgets its PARAMS table declares: the table is the single source."""

import importlib

import pytest

from explainer.ui.reference import PAGE_PATHS, page_params

from .conftest import assert_clean, open_page

# Settings of the app rather than of a page: the sidebar's lecture and presenter switches, the
# scene picker and the sections' tabs (``ui.section_tabs``).
APP_KEYS = {"lecture", "presenter", "preset", "section"}


def _bound_keys(at) -> set[str]:
    return set(at.session_state["_vp_bound"])


def _other_ends(page) -> dict[str, str]:
    """A link with every switch on and every single choice at its last option: what draws the
    widgets a page shows only for some settings (the depth page's clip_at, cmp_init)."""
    query = {}
    for p in page.PARAMS.values():
        if p.widget == "toggle":
            query[p.key] = "true"
        elif p.widget in ("selectbox", "radio", "segmented") and p.options:
            query[p.key] = str(p.options[-1])
    # Widgets a number reveals (the playground's units of layers 3 to 10) need that number too.
    return query | getattr(page, "EVERY_WIDGET", {})


@pytest.mark.parametrize("name", [n for n in PAGE_PATHS if n != "home"])
def test_every_widget_a_page_binds_to_the_url_is_declared_in_its_params(name):
    page = importlib.import_module(f"explainer.ui.{name}")
    declared = {p.key for p in page_params(name)}
    bound = set()
    for query in ({}, _other_ends(page)):
        at = open_page(f"app_pages/{name}.py", query, timeout=180)
        assert_clean(at)
        drawn = _bound_keys(at) - APP_KEYS
        assert drawn <= declared, sorted(drawn - declared)
        bound |= drawn
    # Everything the page declares is drawn at its defaults or at the other ends, except the
    # activations page's per-parameter sliders (drawn only for the chosen activations).
    assert set(page.PARAMS) <= bound, sorted(set(page.PARAMS) - bound)


def test_the_home_page_binds_exactly_its_params():
    at = open_page()
    assert_clean(at)
    page = importlib.import_module("explainer.ui.home")
    assert _bound_keys(at) - APP_KEYS == set(page.PARAMS)
