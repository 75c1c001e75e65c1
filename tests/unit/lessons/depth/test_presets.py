"""The presets: only numbers their sources print are published, each within the range of our
eight seeds, and the table and sentences that set the two side by side."""

import functools

import pytest

from explainer.lessons.depth.presets import PRESETS, claims_table, describe_preset, preset_results


@functools.cache
def _preset(key):
    return preset_results(key)


# Every number a "published" column may hold, as its source prints it (CS231n 2016 lecture 5
# slides: activation stds; Klambauer et al. 2017 Theorem 1: the fixed point (0, 1)).


PRINTED = {
    ("cs231n_tanh", "W = 0.01·randn", "activation std, layer 1"): 0.213081,
    ("relu_xavier_vs_he", "He, 30 layers", "activation std, layer 1"): 0.825232,
    ("relu_xavier_vs_he", "He, 30 layers", "activation std, layer 5"): 0.834092,
    ("relu_xavier_vs_he", "He, 30 layers", "activation std, layer 10"): 0.844523,
    ("selu_lecun_depth100", "SELU, LeCun normal", "activation mean, layer 100"): 0.0,
    ("selu_lecun_depth100", "SELU, LeCun normal", "activation std, layer 100"): 1.0,
}


def test_a_published_column_holds_only_numbers_the_source_prints_with_where():
    published = {
        (key, c.run, c.quantity): c.published
        for key, preset in PRESETS.items()
        for c in preset.claims
        if c.published is not None
    }
    assert published == PRINTED
    for preset in PRESETS.values():
        for c in preset.claims:
            assert (c.published is None) == (not c.where) == (not c.published_text), c
        assert "REFERENCE" not in preset.source + preset.note + preset.title


@pytest.mark.parametrize("key", ["cs231n_tanh", "relu_xavier_vs_he", "selu_lecun_depth100"])
def test_every_printed_number_lies_within_the_range_of_our_eight_seeds(key):
    claims, layers = _preset(key)
    printed = claims[claims["published"].notna()]
    assert len(printed) and printed["agrees"].map(lambda a: a is True).all(), printed.to_string()
    assert set(layers["run"]) == {run.label for run in PRESETS[key].runs}


def test_preset_results_gives_median_and_range_over_eight_seeds_and_agreement_only_where_printed():
    claims, _ = _preset("cs231n_tanh")
    assert (claims["seeds"] == "0–7").all()
    assert ((claims["low"] <= claims["median"]) & (claims["median"] <= claims["high"])).all()
    assert (claims["low"] < claims["high"]).all()  # every number here moves with the seed
    unpublished = claims[claims["published"].isna()]
    assert unpublished["agrees"].map(lambda a: a is None).all()
    assert not claims.drop(columns=["published", "agrees"]).isna().any().any()


def test_glorot_tanh_scene_reproduces_fig_7_and_the_sigmoid_scene_says_it_does_not_hold():
    tanh, _ = _preset("glorot_bengio_tanh")
    ratio = tanh[tanh["metric"] == "grad_ratio"].set_index("run")["median"]
    assert ratio["standard U[±1/√n]"] < 0.2 and 0.3 < ratio["normalized (Glorot)"] < 1.0
    assert {r.activation for r in PRESETS["glorot_bengio_tanh"].runs} == {"tanh"}
    assert {r.width for r in PRESETS["glorot_bengio_tanh"].runs} == {1000}
    assert "our re-run with tanh agrees" in " ".join(describe_preset("glorot_bengio_tanh", tanh))
    sigmoid, _ = _preset("glorot_bengio_sigmoid")
    text = " ".join(describe_preset("glorot_bengio_sigmoid", sigmoid))
    assert "our re-run with sigmoid does not show it" in text
    assert "for tanh" in text


def test_claims_table_keeps_our_re_run_in_its_own_columns_and_shows_a_share_as_a_percentage():
    claims, _ = _preset("cs231n_tanh")
    table = claims_table(claims)
    assert list(table.columns) == [
        "network",
        "quantity",
        "published",
        "where printed",
        "our re-run: median (seeds 0–7)",
        "our re-run: range",
        "agrees",
    ]
    printed = table[table["published"] != "—"]
    assert printed["published"].tolist() == ["0.213081"]
    assert (printed["agrees"] == "✓").all() and (table.loc[table["published"] == "—", "agrees"] == "—").all()
    row = table[table["quantity"].str.startswith("saturated")].iloc[0]
    assert row["our re-run: median (seeds 0–7)"].endswith("%") and row["published"] == "—"
