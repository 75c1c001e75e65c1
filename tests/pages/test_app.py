"""The app shell: every page is registered and opens; the shared sidebar works on every page."""

from pathlib import Path

import pytest

from .conftest import ROOT, assert_clean, open_page, registered_pages

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
    link = at.code[-1].value
    assert "x=-3.0&x=3.0" in link and "act=" not in link


def test_pages_directory_holds_only_page_scripts():
    assert not (Path(ROOT) / "app_pages" / "__init__.py").exists()


def test_moving_a_widget_away_from_a_scene_turns_the_picker_to_custom():
    at = open_page("app_pages/mlp.py", {"preset": "deep_sigmoid_stalls", "epochs": "10"}, timeout=120)
    assert_clean(at)
    assert at.selectbox(key="preset").value == "deep_sigmoid_stalls"
    assert at.slider(key="depth").value == 8
    at.slider(key="depth").set_value(2).run(timeout=120)
    assert_clean(at)
    assert at.selectbox(key="preset").value == "custom"
    assert at.slider(key="depth").value == 2
    at.slider(key="depth").set_value(3).run(timeout=120)
    assert at.selectbox(key="preset").value == "custom"
