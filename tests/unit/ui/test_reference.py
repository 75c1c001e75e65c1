"""The README's URL table is the one the pages' PARAMS tables write."""

from pathlib import Path

from explainer.ui.reference import END, PAGE_PATHS, START, page_params, url_table

ROOT = Path(__file__).resolve().parents[3]


def test_the_readme_url_table_is_written_from_the_params_tables():
    readme = (ROOT / "README.md").read_text()
    assert START in readme and END in readme, "README.md lacks the generated URL table's markers"
    shown = readme[readme.index(START) : readme.index(END) + len(END)]
    assert shown == url_table(), "run `python -m explainer.ui.reference` and paste its output into README.md"


def test_the_table_has_a_row_for_every_setting_of_every_page():
    table = url_table()
    for name in PAGE_PATHS:
        for param in page_params(name):
            assert f"| `{param.url}` | " in table, (name, param.url)
