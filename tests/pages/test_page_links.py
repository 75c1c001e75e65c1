"""Links from one page to another: each opens a page of the app, and a link into a tab names a
section of that page, so a student who follows "watch units die" lands on the dying-ReLU tab."""

from functools import cache
from importlib import import_module
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from .conftest import assert_clean, open_page, page_url_paths, registered_pages

# The page a link's "page" field names (its URL path, "" for the home page) → its script.
SCRIPT_AT = {path or "home": script for script, path in page_url_paths().items()}
LINKING_PAGES = [page for page in registered_pages() if "page_link(" in Path(page).read_text()]


@cache
def links_of(page: str) -> list[tuple[str, str, str | None]]:
    """(label, target script, section or None) of every link the page draws at its defaults."""
    at = open_page(page, None, timeout=180)
    assert_clean(at)
    found = []
    for link in at.get("page_link"):
        query = parse_qs(link.proto.query_string)
        assert set(query) <= {"section"}, (link.proto.label, query)
        section = query["section"][0] if query else None
        found.append((link.proto.label, SCRIPT_AT[link.proto.page], section))
    return found


@pytest.mark.parametrize("page", LINKING_PAGES)
def test_every_link_opens_a_page_of_the_app_and_a_tab_it_names_is_one_of_that_pages(page):
    for label, target, section in links_of(page):
        assert target in registered_pages(), label
        if section is not None:
            sections = import_module(f"explainer.ui.{Path(target).stem}").SECTIONS
            assert section in sections, f"{label!r} opens {section!r}, not a section of {target}"


def test_links_about_dying_units_and_clipping_open_those_tabs():
    sections = {(page, label): section for page in LINKING_PAGES for label, _, section in links_of(page)}
    assert sections[("app_pages/home.py", "Training: watch units die at a high learning rate")] == "dying"
    assert sections[("app_pages/activations.py", "Training: dying ReLU")] == "dying"
    assert sections[("app_pages/home.py", "Depth: toggle each fix on the same charts")] == "fixes"
    clipping = "Training dynamics: clipping and gradients in a feed-forward network"
    assert sections[("app_pages/recurrent.py", clipping)] == "clipping"
