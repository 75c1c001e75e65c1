"""The depth page's fixed text."""

from explainer.lessons.depth import prose as depth
from explainer.lessons.depth.settings import PHASE_SIZE


def test_section_7_speaks_of_the_table_below_only_when_one_is_shown():
    shown, waiting = depth.published_intro(True, 8), depth.published_intro(False, 8)
    assert "the table below sets each number" in shown and "once one is chosen" not in shown
    assert "once one is chosen, a table sets each number" in waiting and "the table below" not in waiting
    assert all("median and range over 8 seeds" in text for text in (shown, waiting))


def test_the_phase_text_gives_the_width_its_networks_are_measured_at():
    assert f"width and batch {PHASE_SIZE}," in depth.PHASE
