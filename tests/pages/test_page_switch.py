"""A sidebar click to another page after moving this page's sliders to their ends.

Pages share URL names (``depth``, ``width``, ``act``, ``lr``, ...) with different ranges; a value
left on one page must never reach another page's widget of the same name, where it could be out
of range (an exception in front of a class) or simply not that page's default. AppTest keeps the
session across ``switch_page`` as a browser does, so this runs every ordered pair of pages.
"""

import pytest

from .conftest import assert_clean, open_page, registered_pages

PAGES = registered_pages()
# Widget kinds whose value a visitor sets; read by key on every page.
WIDGET_KINDS = (
    "slider",
    "select_slider",
    "selectbox",
    "multiselect",
    "toggle",
    "number_input",
    "radio",
    "text_input",
    "segmented_control",
    "pills",
)
TIMEOUT = 240


def widget_values(at) -> dict[str, object]:
    """Every keyed widget on the page → its value."""
    values = {}
    for kind in WIDGET_KINDS:
        for widget in getattr(at, kind):
            if widget.key is not None:
                values[widget.key] = widget.value
    return values


def move_sliders_to(at, end: str) -> None:
    """Set every slider of the page to its minimum or maximum (both thumbs of a range slider, as
    pressing Home or End on each does) and rerun."""
    for slider in at.slider:
        number = type(slider.value[0] if isinstance(slider.value, tuple) else slider.value)
        target = number(slider.min if end == "min" else slider.max)
        slider.set_value((target, target) if isinstance(slider.value, tuple) else target)
    for slider in at.select_slider:
        # AppTest lists a select slider's options by label; these sliders step through numbers.
        label = list(slider.options)[0 if end == "min" else -1]
        slider.set_value(type(slider.value)(float(label)))
    at.run(timeout=TIMEOUT)


@pytest.fixture(autouse=True)
def clear_caches():
    """The conftest's fixture, overridden: this module keeps the computation caches from test to
    test. It checks which widget values reach which page, not what a cold computation gives (the
    page tests do that), and each origin would otherwise recompute every other page cold."""
    yield


@pytest.fixture(scope="module")
def fresh_values() -> dict[str, dict[str, object]]:
    """Each page's widget values when opened from a plain link: its own defaults."""
    return {page: widget_values(open_page(page, timeout=TIMEOUT)) for page in PAGES}


@pytest.mark.parametrize("origin", PAGES)
def test_switching_pages_after_sliders_at_their_ends_raises_nothing_and_leaks_nothing(origin, fresh_values):
    at = open_page(origin, timeout=TIMEOUT)
    pairs = [(end, destination) for end in ("min", "max") for destination in PAGES if destination != origin]
    for end, destination in pairs:
        at.switch_page(origin).run(timeout=TIMEOUT)
        move_sliders_to(at, end)
        assert_clean(at)
        at.switch_page(destination).run(timeout=TIMEOUT)
        assert_clean(at)
        arrived = widget_values(at)
        expected = fresh_values[destination]
        leaked = {k: (arrived.get(k), v) for k, v in expected.items() if arrived.get(k) != v}
        assert not leaked, f"{origin} at its {end} → {destination}: (value, own default) {leaked}"
        foreign = set(at.query_params) - set(expected) - {"lecture"}
        assert not foreign, f"{origin} → {destination} carried {foreign} in the link"


def test_lecture_mode_survives_a_page_switch():
    at = open_page("app_pages/depth.py", {"lecture": "1"}, timeout=TIMEOUT)
    at.slider(key="depth").set_value(200).run(timeout=TIMEOUT)
    at.switch_page("app_pages/training.py").run(timeout=TIMEOUT)
    assert_clean(at)
    assert at.toggle(key="lecture").value is True
    assert at.slider(key="depth").value != 200
