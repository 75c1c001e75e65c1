"""Every table is a static table that shows each of its columns and rows, at every width, with its
numbers written as ``table_number`` writes them.

The interactive grid kept each column as wide as its header on one line: every table of the app
ran past the page's 704 px on a laptop (840-1,992 px), hiding its right-hand columns, and on a
390-px phone the training page showed "7.1(" and a "final training loss" column with no numbers.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from explainer.ui import viewport
from explainer.ui.display import escape, table_fits, table_number, table_texts

from .conftest import assert_clean, open_page

PAGES_WITH_TABLES = [
    ("app_pages/home.py", {}),
    ("app_pages/activations.py", {"act": ["gelu_tanh", "relu", "hard_swish"]}),
    ("app_pages/training.py", {"section": "minibatch"}),
    ("app_pages/training.py", {"section": "clipping"}),
    ("app_pages/mlp.py", {"section": "summary"}),
    ("app_pages/initialization.py", {"section": "variance"}),
    ("app_pages/depth.py", {"section": "published", "preset": "cs231n_tanh"}),
    ("app_pages/recurrent.py", {"train": "true", "iters": "200"}),
]


def shown_tables(at) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each table's (data, text on screen)."""
    return [
        (static.value, convert_arrow_bytes_to_pandas_df(static.proto.arrow_data.styler.display_values))
        for static in at.table
    ]


@pytest.mark.parametrize(("page", "query"), PAGES_WITH_TABLES)
def test_every_table_shows_every_column_and_row_with_its_numbers_on_a_laptop_and_on_a_phone(page, query):
    at = open_page(page, query, timeout=180)
    assert_clean(at)
    laptop = shown_tables(at)
    assert not at.dataframe and laptop, "the page shows its tables as static tables"
    for data, shown in laptop:
        assert list(shown.columns) == list(data.columns) and len(shown) == len(data)
        assert shown.equals(table_texts(data).reset_index(drop=True)) or shown.astype(str).equals(
            table_texts(data).reset_index(drop=True)
        )
        for column in data.columns:
            if pd.api.types.is_float_dtype(data[column]):
                expected = [table_number(v) if pd.notna(v) else "—" for v in data[column]]
                assert shown[column].tolist() == expected, column
    # What the page's window probe stores when a browser reports a window under 640 px.
    at.session_state[viewport.STATE_KEY] = {"screen": "narrow"}
    at.run()
    assert_clean(at)
    phone = iter(at.table)
    bold = "\n".join(m.value for m in at.markdown)
    for data, shown in laptop:
        if len(data.columns) <= 2 or table_fits(data, "narrow", lecture=False):
            static = next(phone)
            assert static.proto.hide_index
            assert convert_arrow_bytes_to_pandas_df(static.proto.arrow_data.styler.display_values).equals(
                shown
            )
            continue
        # Too wide for a phone even wrapped: one card per row, each of its other columns a line.
        for _, row in shown.iterrows():
            card = next(phone).value
            assert card.iloc[:, 0].tolist() == [str(c) for c in data.columns[1:]]
            assert card.iloc[:, 1].tolist() == row.iloc[1:].tolist()
            assert f"**{escape(row.iloc[0])}**" in bold
    assert next(phone, None) is None


def test_a_table_too_wide_for_a_phone_is_drawn_as_cards_and_one_that_fits_is_not():
    at = open_page("app_pages/activations.py")
    [(data, _)] = shown_tables(at)
    assert not table_fits(data, "narrow", lecture=False) and table_fits(
        data.iloc[:, :3], "narrow", lecture=False
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(87.0, "87"), (0.071, "0.071"), (7.10612, "7.1061"), (1200.5, "1,200.5"), (3e-9, "3e-09"), (0.0, "0"),
     (-0.25, "-0.25"), (2e15, "2e+15")],
)  # fmt: skip
def test_a_table_number_keeps_four_decimals_at_most_and_never_hides_a_small_value(value, text):
    assert table_number(value) == text
