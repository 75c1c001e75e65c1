"""The training page's PARAMS and scenes: the URL names links use, the explainer's defaults and presets.

That every default and scene value is one its widget accepts is checked for every page in
test_widgets.py."""

import pandas as pd
import pytest

from explainer import TRAINING_PRESETS
from explainer.lessons.training.scenes import SCENE_DEFAULTS
from explainer.ui import training as page

URL_NAMES = [
    "data",
    "seed",
    "trials",
    "sg_at",
    "budget",
    "lr1",
    "acts",
    "depth",
    "init",
    "lr",
    "steps",
    "lr_ok",
    "lr_hi",
    "bn_act",
    "bn_depth",
    "bn_lr",
    "gain",
    "clip_v",
    "clip_n",
    "patience",
    "es_noise",
    "es_steps",
]


def _as_widget_value(value):
    return list(value) if isinstance(value, tuple) else value


def test_the_url_names_are_the_ones_links_in_the_wild_use_in_page_order():
    assert list(page.PARAMS) == URL_NAMES


def test_every_explainer_setting_has_one_url_name_and_its_default_is_the_explainers():
    assert set(page.URL_KEYS) == set(SCENE_DEFAULTS)
    assert sorted(page.URL_KEYS.values()) == sorted(URL_NAMES)
    for name, default in SCENE_DEFAULTS.items():
        assert page.PARAMS[page.URL_KEYS[name]].default == _as_widget_value(default), name


def test_every_scene_is_its_published_preset_under_url_names_and_sets_every_widget():
    assert list(page.SCENES) == list(TRAINING_PRESETS)
    for name, preset in TRAINING_PRESETS.items():
        scene = dict(page.SCENES[name])
        assert scene.pop("section") == page.SECTION_LABELS[preset["section"]]  # the tab it opens
        assert set(scene) == set(page.PARAMS), name
        assert scene == {page.URL_KEYS[s]: _as_widget_value(v) for s, v in preset["settings"].items()}
        assert page.SCENE_LABELS[name] == preset["label"]
        assert page.SCENE_DESCRIPTIONS[name] == preset["description"]


def test_learning_rates_are_one_two_three_five_per_decade_as_a_link_writes_them():
    written = [f"{rate:g}" for rate in page.LEARNING_RATES]
    assert written == [
        *("0.001", "0.002", "0.003", "0.005", "0.01", "0.02", "0.03", "0.05"),
        *("0.1", "0.2", "0.3", "0.5", "1", "2", "3", "5", "10"),
    ]
    assert all(float(w) == rate for w, rate in zip(written, page.LEARNING_RATES, strict=True))


def test_every_learning_rate_and_steps_control_offers_the_same_steps():
    rates = {key for key, p in page.PARAMS.items() if p.options == page.LEARNING_RATES}
    assert rates == {"lr1", "lr", "lr_ok", "lr_hi", "bn_lr"}
    assert page.PARAMS["steps"].options == page.PARAMS["es_steps"].options == page.STEPS


def test_the_section_trainer_remembers_its_last_runs_and_hands_out_copies(monkeypatch):
    from explainer.nn.loop import train

    trained = []

    def counting(**kwargs):
        trained.append(kwargs["learning_rate"])
        return train(**kwargs)

    monkeypatch.setattr(page, "train", counting)
    trainer = page.SectionTrainer(entries=2)
    common = dict(
        dataset="circles", activation="relu", hidden_layers=(4,), init="he_normal", batch_size=32, steps=5
    )
    first = trainer(**common, learning_rate=0.1)
    first.history.loc[0, "train_loss"] = 99.0  # a caller changing its copy
    again = trainer(**common, learning_rate=0.1)
    assert trained == [0.1] and again.history.loc[0, "train_loss"] != 99.0
    pd.testing.assert_frame_equal(again.history, train(**common, learning_rate=0.1).history, check_exact=True)
    trainer(**common, learning_rate=0.2)
    trainer(**common, learning_rate=0.3)  # the third: the least recently used (0.1) is forgotten
    trainer(**common, learning_rate=0.3)
    trainer(**common, learning_rate=0.1)
    assert trained == [0.1, 0.2, 0.3, 0.1]
    trainer.clear()
    trainer(**common, learning_rate=0.1)
    assert trained == [0.1, 0.2, 0.3, 0.1, 0.1]


def test_the_section_trainer_reads_a_stored_run_from_the_store_once(monkeypatch, tmp_path):
    from explainer import store
    from explainer.nn.loop import train

    monkeypatch.setenv(store.STORE_ENV, str(tmp_path))
    common = dict(
        dataset="circles", activation="tanh", hidden_layers=(4,), init="glorot_normal", batch_size=32, steps=5
    )
    key = tuple(sorted({**common, "learning_rate": 0.1}.items()))
    stored_run = train(**common, learning_rate=0.1)
    store.put(page._stored_run, stored_run, key)
    reads = []
    real_load = store.load
    monkeypatch.setattr(store, "load", lambda *args: reads.append(args) or real_load(*args))
    monkeypatch.setattr(page, "train", lambda **kwargs: pytest.fail(f"trained {kwargs} the store holds"))
    trainer = page.SectionTrainer(entries=2)
    first = trainer(**common, learning_rate=0.1)
    again = trainer(**common, learning_rate=0.1)
    assert len(reads) == 1  # the second came from memory
    for run in (first, again):
        pd.testing.assert_frame_equal(run.history, stored_run.history, check_exact=True)
