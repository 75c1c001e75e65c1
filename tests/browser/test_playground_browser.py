"""The Playground in real Chromium: play sends frames (the update counter climbs several times a
second), pause stops them, and a scene's link restores its controls."""

import re
import time

import pytest

from explainer.ui import playground as page_module

from .conftest import Visit, shot, wait_idle

COUNTER = '[data-testid="stMarkdownContainer"] p:has-text("updates ·")'
PLAY = ".st-key-pg_play button"


def updates(page) -> int:
    text = page.locator(COUNTER).first.inner_text()
    return int(re.search(r"([\d,]+) updates", text).group(1).replace(",", ""))


@pytest.mark.browser
def test_play_sends_frames_and_pause_stops_them(server, visit: Visit):
    page = visit.open(f"{server.url}/playground")
    assert updates(page) == 0
    page.locator(PLAY).click()
    page.locator(PLAY).filter(has_text="Pause").wait_for(timeout=10_000)
    seen, start = [], time.monotonic()
    while time.monotonic() - start < 2.0:
        seen.append(updates(page))
        page.wait_for_timeout(50)
    frames = len(set(seen))
    print(f"frames seen in 2 s: {frames}; updates {seen[0]} → {seen[-1]}")
    assert seen[-1] > seen[0] and frames >= 4, seen
    assert seen == sorted(seen)
    page.locator(PLAY).click()
    page.locator(PLAY).filter(has_text="Play").wait_for(timeout=30_000)
    wait_idle(page)
    paused = updates(page)
    page.wait_for_timeout(1_500)
    assert updates(page) == paused > seen[-1] - page_module.STEPS_PER_FRAME
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "playground-paused")


@pytest.mark.browser
def test_every_pause_click_during_play_pauses(server, visit: Visit):
    """Pause clicked at different moments of the frames, six times: each one pauses. (One click's
    trigger can reach the page twice; with a toggle, one pause in eight played on.)"""
    page = visit.open(f"{server.url}/playground")
    for trial in range(6):
        page.locator(PLAY).click()
        page.locator(PLAY).filter(has_text="Pause").wait_for(timeout=10_000)
        page.wait_for_timeout(700 + 130 * trial)
        page.locator(PLAY).click()
        page.locator(PLAY).filter(has_text="Play").wait_for(timeout=10_000)
        wait_idle(page)
        paused = updates(page)
        page.wait_for_timeout(600)
        assert updates(page) == paused, f"pause {trial} did not stop the frames"


@pytest.mark.browser
def test_a_scene_link_restores_its_controls(server, visit: Visit):
    scene = "he_vs_xavier_depth_8"
    page = visit.open(f"{server.url}/playground?preset={scene}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert f"preset={scene}" in page.url
    layers = page.locator(".st-key-layers input")
    assert layers.input_value() == "8"
    for i in range(1, 9):
        assert page.locator(f".st-key-u{i} input").input_value() == "8"
    assert page.locator(".st-key-act input").input_value() == "ReLU"
    assert page.locator(".st-key-init input").input_value() == "He (Kaiming) normal"
    assert page.locator(".st-key-u9").count() == 0
    shot(page, "playground-scene")


@pytest.mark.browser
def test_a_classroom_link_hides_the_controls_it_names(server, visit: Visit):
    page = visit.open(f"{server.url}/playground?hide=features&hide=layers&layers=1")
    assert page.locator('[data-testid="stException"]').count() == 0
    for key in ("feat", "layers", "u1"):
        assert page.locator(f".st-key-{key}").count() == 1 and not page.locator(f".st-key-{key}").is_visible()
    assert page.locator(".st-key-lr").is_visible() and page.locator(".st-key-pg_play").is_visible()
    assert page.locator(".st-key-pg_hidden_features").count() == 1
