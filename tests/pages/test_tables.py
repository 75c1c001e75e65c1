"""Every table is a static table that shows each of its columns and rows, at every width, with its
numbers written as ``table_number`` writes them.

The interactive grid kept each column as wide as its header on one line: every table of the app
ran past the page's 704 px on a laptop (840-1,992 px), hiding its right-hand columns, and on a
390-px phone the training page showed "7.1(" and a "final training loss" column with no numbers.
"""

from __future__ import annotations

import pandas as pd
import pytest

from explainer.ui import viewport, widgets
from explainer.ui.display import (
    TABLE_PARTS_KEY,
    escape,
    narrowest_table_px,
    row_label_columns,
    table_column_groups,
    table_fits,
    table_number,
    table_page_px,
    table_texts,
)

from .conftest import assert_clean, open_page, page_tables

PAGES_WITH_TABLES = [
    ("app_pages/home.py", {}),
    ("app_pages/activations.py", {"act": ["gelu_tanh", "relu", "hard_swish"]}),
    ("app_pages/training.py", {"section": "minibatch"}),
    ("app_pages/training.py", {"section": "clipping"}),
    ("app_pages/mlp.py", {"section": "summary"}),
    ("app_pages/initialization.py", {"section": "variance"}),
    ("app_pages/depth.py", {"section": "published", "preset": "cs231n_tanh"}),
    ("app_pages/recurrent.py", {"section": "adding", "train": "true", "iters": "200"}),
]


@pytest.mark.parametrize(("page", "query"), PAGES_WITH_TABLES)
def test_every_table_shows_every_column_and_row_with_its_numbers_on_a_laptop_and_on_a_phone(page, query):
    at = open_page(page, query, timeout=180)
    assert_clean(at)
    laptop = page_tables(at)
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
    phone_tables = iter(page_tables(at))
    cards = iter([static for static in at.table if static.proto.hide_header])
    bold = "\n".join(m.value for m in at.markdown)
    for data, shown in laptop:
        if len(data.columns) <= 2 or table_fits(data, "narrow", lecture=False):
            phone_data, phone_shown = next(phone_tables)
            assert phone_data.equals(data) and phone_shown.equals(shown)
            continue
        # Too wide for a phone even wrapped: one card per row, titled by the row labels (the
        # published claims' network and quantity: a network alone titled six cards alike), each
        # other column a line.
        labels = row_label_columns(table_texts(data))
        others = [column for column in data.columns if column not in labels]
        titles = []
        for _, row in shown.iterrows():
            card = next(cards).value
            assert card.iloc[:, 0].tolist() == [str(c) for c in others]
            assert card.iloc[:, 1].tolist() == row[others].tolist()
            titles.append("**" + " · ".join(escape(row[column]) for column in labels) + "**")
            assert titles[-1] in bold
        assert len(set(titles)) == len(titles), "each card's title tells its row from the others"
    assert next(phone_tables, None) is None and next(cards, None) is None
    assert all(static.proto.hide_index for static in at.table)


def test_a_table_too_wide_for_a_phone_is_drawn_as_cards_and_one_that_fits_is_not():
    at = open_page("app_pages/activations.py")
    [(data, _)] = page_tables(at)
    assert not table_fits(data, "narrow", lecture=False) and table_fits(
        data.iloc[:, :3], "narrow", lecture=False
    )


def test_a_table_too_wide_for_a_laptop_is_split_by_column_into_tables_that_fit_each_with_the_first_column():
    # The initializers' table: 11 columns, about 900 px at their narrowest in 14-px type, on a
    # 704-px page. Squeezed whole, its cells broke inside words ("sigm|oid", "0.|25").
    at = open_page("app_pages/initialization.py", {"section": "variance"})
    assert_clean(at)
    [block] = [b for b in blocks(at) if b.key.startswith(TABLE_PARTS_KEY)]
    parts = [t.value for t in block.table]
    [(whole, _)] = [t for t in page_tables(at) if "formula" in t[0].columns]
    page_px, type_px = table_page_px("regular", lecture=False)
    assert not table_fits(whole, "regular", lecture=False)
    assert len(parts) == len(table_column_groups(whole, page_px, type_px)) >= 2
    for part in parts:  # the initializer's name tells the rows apart: each part begins with it
        assert part.columns[0] == "initializer" and part["initializer"].equals(whole["initializer"])
        assert narrowest_table_px(part, type_px) <= page_px
    assert [c for part in parts for c in part.columns[1:]] == list(whole.columns[1:])


def test_in_lecture_mode_a_table_that_fits_a_laptop_is_split_for_the_larger_type():
    at = open_page("app_pages/mlp.py", {"section": "summary", "lecture": "1"})
    assert_clean(at)
    [(whole, shown)] = page_tables(at)
    assert not table_fits(whole, "regular", lecture=True) and table_fits(whole, "regular", lecture=False)
    [block] = [b for b in blocks(at) if b.key.startswith(TABLE_PARTS_KEY)]
    assert len(block.table) == 2 and list(shown.columns) == list(whole.columns)
    assert table_page_px("regular", lecture=True)[1] == widgets.LECTURE_ROOT_PX


@pytest.mark.parametrize(
    ("page_px", "counts"),
    [(704, [4, 4, 4]), (900, [6, 6]), (2000, [12]), (100, [1] * 12)],
)  # fmt: skip
def test_columns_are_split_into_as_few_tables_as_fit_the_widest_as_narrow_as_can_be(page_px, counts):
    frame = pd.DataFrame({f"column {i}": ["some longer text here", "x"] for i in range(13)})
    groups = table_column_groups(frame, page_px, 14)
    assert [len(g) - 1 for g in groups] == counts
    assert all(g[0] == "column 0" for g in groups)
    assert [c for g in groups for c in g[1:]] == list(frame.columns[1:])
    assert table_column_groups(frame[["column 0"]], 704, 14) == [["column 0"]]


def test_a_table_whose_first_column_repeats_repeats_the_columns_that_tell_its_rows_apart():
    # The published claims: a network has six quantities, so each part names both.
    texts = pd.DataFrame(
        {"network": ["Xavier"] * 2 + ["He"] * 2, "quantity": ["std 1", "std 5"] * 2, "median": ["0.5"] * 4}
    )
    assert row_label_columns(texts) == ["network", "quantity"]
    assert row_label_columns(texts.iloc[::2]) == ["network"]
    assert row_label_columns(pd.concat([texts, texts])) == ["network"]  # no run tells the rows apart
    frame = pd.DataFrame({"network": ["Xavier"] * 6 + ["He"] * 6, "quantity": [f"activation std at layer {i}" for i in range(6)] * 2,
                          **{f"our re-run {i}": [f"{i}.{j} to {i}.{j + 1}" for j in range(12)] for i in range(6)}})  # fmt: skip
    groups = table_column_groups(frame, 704, 14)
    assert len(groups) >= 2 and all(g[:2] == ["network", "quantity"] for g in groups)


def blocks(at) -> list:
    """Every keyed block of the page."""
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "key", None) and hasattr(child, "children"):
                found.append(child)
            walk(child)

    walk(at._tree)
    return found


@pytest.mark.parametrize(
    ("value", "text"),
    [(87.0, "87"), (0.071, "0.071"), (7.10612, "7.1061"), (1200.5, "1,200.5"), (3e-9, "3e-09"), (0.0, "0"),
     (-0.25, "-0.25"), (2e15, "2e+15")],
)  # fmt: skip
def test_a_table_number_keeps_four_decimals_at_most_and_never_hides_a_small_value(value, text):
    assert table_number(value) == text
