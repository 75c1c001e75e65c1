"""The app shell: every page is registered and opens; the shared sidebar works on every page."""

import json
from pathlib import Path

import pytest

from explainer.charts.theme import COMPACT_PANEL_WIDTH, NARROW_LEGEND_LAYOUT, NARROW_PANEL_WIDTH
from explainer.ui import viewport
from explainer.ui.links import SHARE_KEY
from tests.specs import spec_nodes

from .conftest import ROOT, assert_clean, open_page, registered_pages, share_link

PAGES = registered_pages()


def test_every_page_file_is_registered_in_app_py():
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app_pages").glob("*.py"))
    assert sorted(PAGES) == files


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_without_an_exception(page):
    at = open_page(page)
    assert_clean(at)
    assert at.title, "every page starts with a title"


@pytest.mark.parametrize("page", PAGES)
def test_lecture_link_turns_lecture_mode_on(page):
    at = open_page(page, {"lecture": "1"})
    assert_clean(at)
    assert at.toggle(key="lecture").value is True
    assert not at.warning or all("lecture" not in w.value for w in at.warning)


def test_unknown_parameter_is_named_in_one_warning():
    at = open_page("app_pages/activations.py", {"zzz": "1", "depth": "5"})
    warnings = [w.value for w in at.warning if "could not be used" in w.value]
    assert len(warnings) == 1
    assert "`zzz`, `depth`: not a setting of this page" in warnings[0]


def test_share_link_lists_only_changed_settings():
    at = open_page("app_pages/activations.py")
    at.slider(key="x").set_value((-3.0, 3.0)).run()
    link = share_link(at)
    assert "x=-3.0&x=3.0" in link and "act=" not in link
    # Open, the link follows the next move.
    at.slider(key="x").set_value((-2.0, 2.0)).run()
    assert "x=-2.0&x=2.0" in at.code[-1].value


def test_the_share_link_is_sent_only_while_its_expander_is_open():
    # Closed, the sidebar sends no code block, so a browser never loads the highlighter's script.
    at = open_page("app_pages/activations.py")
    assert [e.label for e in at.sidebar.expander] == ["Link to this view"]
    assert len(at.code) == 0
    assert "open the app in a browser" in share_link(at)  # AppTest has no address
    at.session_state[SHARE_KEY] = False
    at.run()
    assert len(at.code) == 0


def test_pages_directory_holds_only_page_scripts():
    assert not (Path(ROOT) / "app_pages" / "__init__.py").exists()


def test_a_scene_link_stays_short_and_names_only_what_differs_from_the_scene():
    at = open_page("app_pages/mlp.py", {"preset": "deep_sigmoid_stalls", "epochs": "10"}, timeout=120)
    assert_clean(at)
    assert at.selectbox(key="preset").value == "deep_sigmoid_stalls"
    assert at.slider(key="depth").value == 8
    # The scene's own values are its widgets' defaults: neither the address bar nor the share
    # link repeats them; the link's explicit epochs (not the scene's) is kept.
    assert dict(at.query_params) == {"preset": "deep_sigmoid_stalls", "epochs": "10"}
    assert share_link(at).endswith("?preset=deep_sigmoid_stalls&epochs=10")
    at.slider(key="depth").set_value(2).run(timeout=120)
    assert_clean(at)
    assert at.selectbox(key="preset").value == "deep_sigmoid_stalls"  # still the scene, changed
    assert at.slider(key="depth").value == 2
    assert at.code[-1].value.endswith("?preset=deep_sigmoid_stalls&depth=2&epochs=10")
    changed = [i.value for i in at.info if "Changed from the scene" in i.value]
    assert len(changed) == 1 and "`depth` = 2 (the scene: 8)" in changed[0]
    assert "`epochs` = 10 (the scene: 200)" in changed[0]  # the link's own value, from the start
    at.slider(key="depth").set_value(8).run(timeout=120)  # back to the scene's value
    assert share_link(at).endswith("?preset=deep_sigmoid_stalls&epochs=10")
    changed = [i.value for i in at.info if "Changed from the scene" in i.value]
    assert len(changed) == 1 and "`depth`" not in changed[0] and "`epochs` = 10" in changed[0]
    at.selectbox(key="preset").set_value("custom").run(timeout=120)
    # Your own settings: the link spells out every value that differs from the page's defaults.
    link = at.code[-1].value
    assert "preset=" not in link and "depth=8" in link and "epochs=10" in link


def chart_specs(at) -> list[dict]:
    return [json.loads(element.proto.spec) for element in at.get("vega_lite_chart")]


def drawn_for(at, screen: str) -> None:
    """Run ``at`` again for the window class ``screen`` (what the page's window probe stores when
    a browser reports it); every chart is still drawn, each for that class."""
    laptop = chart_specs(at)
    at.session_state[viewport.STATE_KEY] = {"screen": screen}
    at.run()
    assert_clean(at)
    assert len(chart_specs(at)) == len(laptop) > 0


def assert_stacked(specs: list[dict], widest: int) -> None:
    """Every chart in ``specs`` has its panels in one column, none wider than ``widest``, and its
    legends one under another."""
    for spec in specs:
        nodes = list(spec_nodes(spec))
        assert not any("hconcat" in node for node in nodes)
        assert all(node["columns"] == 1 for node in nodes if "facet" in node and "columns" in node)
        widths = [node["width"] for node in nodes[1:] if isinstance(node.get("width"), int)]
        assert all(width <= widest for width in widths), widths
        assert spec["config"]["legend"]["layout"] == NARROW_LEGEND_LAYOUT


@pytest.mark.parametrize("page", PAGES)
def test_a_phone_gets_every_chart_in_one_column_with_its_legends_stacked(page):
    at = open_page(page)
    drawn_for(at, "narrow")  # a window under 640 px
    assert_stacked(chart_specs(at), NARROW_PANEL_WIDTH)


def widget_rows(node) -> list[list[str]]:
    """Every row of columns under ``node``: per row, the kinds of widget each column holds."""

    def kinds(block) -> list[str]:
        children = getattr(block, "children", None)
        if not children:
            return [getattr(block, "type", "")]
        return [kind for child in children.values() for kind in kinds(child)]

    children = getattr(node, "children", None) or {}
    rows = []
    if any(type(child).__name__ == "Column" for child in children.values()):
        rows.append([",".join(kinds(child)) for child in children.values()])
    for child in children.values():
        rows += widget_rows(child)
    return rows


# Widgets whose choice is text that a narrow box cuts. (Not the playground's units: a small number
# box per hidden layer, five to a row; the layout browser test checks their values show whole.)
CHOICE_WIDGETS = ("selectbox", "slider", "select_slider", "multiselect", "radio", "button_group")


@pytest.mark.parametrize("lecture", [False, True], ids=["normal", "lecture"])
@pytest.mark.parametrize("page", PAGES)
def test_a_column_too_narrow_for_the_laptop_layout_gets_stacked_charts_and_two_settings_a_row(page, lecture):
    """A 1,024-px projector in lecture mode, a tablet or a half-screen window beside the sidebar:
    the laptop's side-by-side panels ran up to 336 px past the window's edge, four selects to a
    row cut their choices ("Glorot (Xavi…"). The page keeps lecture mode's type."""
    at = open_page(page, {"lecture": "1"} if lecture else None)
    drawn_for(at, "compact")  # a column narrower than the laptop layout needs
    assert_stacked(chart_specs(at), COMPACT_PANEL_WIDTH[lecture])
    for row in widget_rows(at.main):
        if any(kind in column for column in row for kind in CHOICE_WIDGETS):
            assert len(row) <= 2, row
    styles = [element.proto.body for element in at.get("html")]
    assert any("font-size" in style for style in styles) == lecture


@pytest.mark.parametrize("page", PAGES)
def test_a_lecture_link_on_a_phone_draws_the_phone_page_and_says_why(page):
    """A student opens the lecturer's ``?lecture=1`` link on a phone: lecture type left a 360-px
    phone a 214-px column that cut most formulas, so on a phone the page is drawn as without it,
    and a caption under the toggle says why."""
    phone = {"screen": "narrow"}
    usual = open_page(page)
    usual.session_state[viewport.STATE_KEY] = phone
    usual.run()
    at = open_page(page, {"lecture": "1"})
    on_a_laptop = chart_specs(at)
    at.session_state[viewport.STATE_KEY] = phone
    at.run()
    assert_clean(at)
    assert at.toggle(key="lecture").value is True
    assert chart_specs(at) == chart_specs(usual) != on_a_laptop
    assert [c.value for c in at.sidebar.caption if "narrower than 640 px" in c.value]
    styles = [element.proto.body for element in at.get("html")]
    assert not [style for style in styles if "font-size" in style] and styles


def test_a_window_class_the_app_does_not_know_draws_the_laptop_layout():
    at = open_page("app_pages/activations.py")
    laptop = chart_specs(at)
    at.session_state[viewport.STATE_KEY] = {"screen": "watch"}
    at.run()
    assert_clean(at)
    assert chart_specs(at) == laptop
