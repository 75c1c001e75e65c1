"""axe-core (4.12, bundled by axe-playwright-python) on every page as a student meets it: a
laptop at 1280 px in light mode and a phone at 390 px in dark mode (Streamlit follows the
operating system), so each width and each colour scheme is checked on every page. No violation
of impact serious or critical may remain; the colours that make this hold are in
.streamlit/config.toml (``[theme.light]``, ``[theme.dark]``)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import shot, wait_idle

PAGES = registered_pages()
BLOCKING = ("serious", "critical")
# (viewport width, colour scheme the visitor's system asks for)
# Contrast depends on the scheme and the layout on the width; the two rarely interact, so the
# other two pairs (clean in every run up to f342dbd) are left out to save a minute of the test run.
VISITORS = [(1280, "light"), (390, "dark")]


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical findings on ``page``: rule, impact and the first nodes."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            nodes = "; ".join(
                f"{node['target']}: {node.get('failureSummary', '').splitlines()[-1].strip()}"
                for node in violation["nodes"][:3]
            )
            found.append(
                f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): {nodes}"
            )
    return found


@pytest.mark.browser
@pytest.mark.parametrize(("width", "scheme"), VISITORS)
def test_no_serious_accessibility_violation_on_any_page(server, browser, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    failures = {}
    try:
        for page_file in PAGES:
            path = page_url_paths()[page_file]
            page.goto(f"{server.url}/{path}")
            wait_idle(page, 300_000)
            background = page.evaluate(
                "getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
            )
            # The theme really follows the system: a dark page has a dark background.
            assert (background == "rgb(255, 255, 255)") == (scheme == "light"), (path, scheme, background)
            found = blocking_violations(page)
            if found:
                failures[path or "home"] = found
                shot(page, f"axe-{path or 'home'}-{width}-{scheme}")
    finally:
        context.close()
    assert failures == {}
