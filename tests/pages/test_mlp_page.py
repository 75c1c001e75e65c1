"""The MLP comparison page: every control and preset, the chart data, the issue's claims, bad links.

Most tests open the page with SMALL settings (100 points, one hidden layer of 4 units, 10 epochs),
so each run trains in well under a second; the claims about circles use the page's defaults.
The page's four sections are tabs of which only the open one is drawn: the helpers below open the
tab that holds what they read, as a person clicks it.
"""

import base64
import io
import json

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from explainer.charts import mlp as charts
from explainer.datasets import DATASETS
from explainer.lessons.mlp import budget as mlp_budget
from explainer.lessons.mlp import tables
from explainer.sklearn_mlp import PRESETS, SKLEARN_ACTIVATIONS
from explainer.ui import display
from explainer.ui import mlp as page

from .conftest import (
    assert_clean,
    chart_frames,
    each_section,
    open_page,
    presenter_points,
    show_section,
    trainings_counted,
)

PAGE = "app_pages/mlp.py"
SMALL = {"n": "100", "epochs": "10", "depth": "1", "width": "4"}
TIMEOUT = 60


# The section whose chart has a column: the boundaries' pictures and points, the curves, the
# heatmaps of layer updates and gradients, the dead units.
SECTION_OF_COLUMN = {
    "url": "boundaries",
    "loss": "curves",
    "test_accuracy": "curves",
    "relative_update": "layers",
    "gradient_norm": "layers",
    "dead_fraction": "summary",
}


def open_mlp(query: dict | None = None):
    return open_page(PAGE, query, timeout=TIMEOUT)


def show(at, section: str):
    return show_section(at, page.SECTION_LABELS, section)


def frame_with(at, column: str) -> pd.DataFrame:
    """The data of the one chart whose data has ``column``, its tab opened."""
    show(at, SECTION_OF_COLUMN[column])
    [frame] = [f for f in chart_frames(at) if column in f.columns]
    return frame


def every_section(at, read):
    """``read(at)`` with each tab open in turn, in the page's order."""
    return [read(shown) for _, shown in each_section(at, page.SECTION_LABELS)]


def pictures(at) -> pd.DataFrame:
    """The boundary chart's pictures, one row per panel, with each picture's ``cells`` (its
    pixels, one per grid cell: rows × columns)."""
    frame = frame_with(at, "url")
    frame = frame[frame["url"].notna()].reset_index(drop=True)
    return frame.assign(cells=[picture_shape(url) for url in frame["url"]])


def picture_shape(url: str) -> tuple[int, int]:
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    return image.height, image.width


def points(at) -> pd.DataFrame:
    frame = frame_with(at, "url")
    return frame[frame["split"].notna()]


def datasets(at) -> list[pd.DataFrame]:
    """Every dataset of every chart in every tab, separately (a chart may carry several, e.g. grid
    and points)."""
    return [
        convert_arrow_bytes_to_pandas_df(d.data.data)
        for charts_drawn in every_section(at, lambda shown: shown.get("vega_lite_chart"))
        for element in charts_drawn
        for d in element.proto.datasets
    ]


def widget(at, kind: str, key: str):
    return getattr(at, kind)(key=key)


def summary(at) -> pd.DataFrame:
    return show(at, "summary").table[0].value.set_index("activation")


def link_warning(at) -> str:
    [warning] = [w.value for w in at.warning if "could not be used" in w.value]
    return warning


def shown_text(at) -> str:
    """The text of the open tab and of everything above the tabs."""
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error])


def texts(at) -> str:
    """The page's text, every tab opened in turn."""
    return "\n".join(every_section(at, shown_text))


@pytest.fixture
def small():
    at = open_mlp(SMALL)
    assert_clean(at)
    return at


# --- the claims, on the page's own data -------------------------------------------


def test_with_the_defaults_identity_stays_at_chance_on_circles_while_relu_and_tanh_pass_095():
    at = open_mlp()
    assert_clean(at)
    table = summary(at)
    assert table.loc["identity", "test acc"] <= 0.6
    assert table.loc["ReLU", "test acc"] >= 0.95 and table.loc["tanh", "test acc"] >= 0.95
    # 0.42 is below chance, and the sentence says so with the gap between the printed numbers.
    assert "identity reaches 0.42 test accuracy on circles, 0.08 below chance (0.50)" in texts(at)
    # Adam's relative updates are not gradients: sigmoid's first layer moves 3× more than its output
    # layer while its gradient is over 10× smaller, and the page says which shows the vanishing.
    [sigmoid] = [t for t in texts(at).split("\n- ") if t.startswith("**sigmoid**")]
    assert "3× more than its output layer" in sigmoid and "smaller than the output layer's" in sigmoid
    assert "the vanishing gradient shows in the gradient norms, not in Adam's updates" in texts(at)
    # The straight-line claim is measured: the identity net's log-odds are a plane to rounding.
    assert "its boundary is a straight line, however many layers it has — 2 here" in texts(at)
    assert set(pictures(at)["activation"]) == set(SKLEARN_ACTIVATIONS)
    assert pictures(at)["cells"].tolist() == [(50, 50)] * 4
    assert points(at)["split"].value_counts().to_dict() == {"train": 375, "test": 125}
    history = frame_with(at, "test_accuracy").dropna(subset=["epoch"])
    assert history.groupby("label")["epoch"].max().to_dict() == {
        "identity": 200,
        "sigmoid": 200,
        "tanh": 200,
        "ReLU": 200,
    }
    assert not [w for w in at.warning if "ConvergenceWarning" in w.value or "Stochastic" in w.value]


def test_deep_sigmoid_preset_shows_the_first_layers_barely_moving_and_sigmoid_stalling():
    at = open_mlp({"preset": "deep_sigmoid_stalls"})
    assert_clean(at)
    updates = frame_with(at, "relative_update")
    early = updates[updates["epoch"] <= 10].groupby(["label", "layer"])["relative_update"].median()
    # Over the first ten epochs the sigmoid net's first layer moves over 100× less than its output layer.
    assert early[("sigmoid", 9)] >= 100 * early[("sigmoid", 1)]
    assert early[("ReLU", 1)] >= 100 * early[("sigmoid", 1)]
    assert any(t.startswith("sigmoid stalls") for t in texts(at).split("\n- "))
    assert summary(at).loc["sigmoid", "test acc"] <= 0.6


# --- every control ------------------------------------------------------------------------


def test_small_settings_open_on_the_boundaries_and_every_tab_draws_its_section(small):
    assert [h.value for h in small.header] == ["1. Decision boundaries"]
    assert len(chart_frames(small)) == 1
    headers = every_section(small, lambda shown: [h.value for h in shown.header])
    assert headers == [[label] for label in page.SECTION_LABELS.values()]
    # boundaries, curves, layer updates, dead ReLU units: one chart a tab
    assert every_section(small, lambda shown: len(chart_frames(shown))) == [1, 1, 1, 1]
    downloads = every_section(small, lambda shown: [b.key for b in shown.get("download_button")])
    assert sorted(key for keys in downloads for key in keys) == sorted(
        f"download_{name}"
        for name in (
            "mlp_boundaries",
            "mlp_points",
            "mlp_history",
            "mlp_layer_updates",
            "mlp_summary",
            "mlp_dead_units",
        )
    )
    for frame in datasets(small):
        assert not frame.isna().any().any()


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [("selectbox", "data", "xor"), ("slider", "noise", 0.3), ("number_input", "seed", 3)],
)
def test_data_controls_change_the_points(small, kind, key, value):
    before = points(small)[["x0", "x1"]].to_numpy()
    widget(small, kind, key).set_value(value).run()
    assert_clean(small)
    after = points(small)[["x0", "x1"]].to_numpy()
    assert before.shape == after.shape and not (before == after).all()


def test_dataset_choice_shows_its_description(small):
    small.selectbox(key="data").set_value("spiral").run()
    assert DATASETS["spiral"].description in texts(small)


def test_points_slider_sets_the_number_of_points_and_the_batch_choices(small):
    small.slider(key="n").set_value(300).run()
    assert len(points(small)) == 300
    assert small.select_slider(key="batch").options == ["8", "16", "32", "64", "128"]


def test_depth_slider_adds_layers_to_the_heatmap(small):
    small.slider(key="depth").set_value(3).run()
    assert sorted(set(frame_with(small, "relative_update")["layer"])) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("slider", "width", 8),
        ("button_group", "solver", "sgd"),
        ("select_slider", "lr", 0.1),
        ("select_slider", "batch", 16),
    ],
)
def test_network_and_training_controls_change_the_learning_curves(small, kind, key, value):
    before = frame_with(small, "loss")["loss"].to_numpy()
    widget(small, kind, key).set_value(value).run()
    assert_clean(small)
    after = frame_with(small, "loss")["loss"].to_numpy()
    assert len(before) == len(after) and not (before == after).all()


def test_batch_size_sets_the_steps_per_epoch(small):
    small.select_slider(key="batch").set_value(16).run()
    assert "An epoch is 5 minibatch steps here" in texts(small)  # ceil(75 / 16)


def test_epochs_slider_sets_how_long_every_net_trains(small):
    small.slider(key="epochs").set_value(30).run()
    history = frame_with(small, "test_accuracy").dropna(subset=["epoch"])
    assert history.groupby("label")["epoch"].max().eq(30).all()
    assert (summary(small)["epochs"] == 30).all()


def test_activation_choice_sets_the_panels_and_rows(small):
    small.pills(key="act").set_value(["relu", "sigmoid"]).run()
    assert list(summary(small).index) == ["ReLU", "sigmoid"]  # in the order chosen
    assert pictures(small)["activation"].tolist() == ["relu", "sigmoid"]
    assert summary(small).loc["sigmoid", "scikit-learn"] == "logistic"


def test_choosing_no_activation_says_what_to_do(small):
    small.pills(key="act").set_value([]).run()
    assert_clean(small)
    for shown in every_section(small, lambda shown: shown):
        assert "Choose at least one activation" in shown.info[0].value
        assert not chart_frames(shown)


def test_gradient_norms_appear_only_when_asked_and_are_labelled_private(small):
    assert "private `_backprop` method" in texts(small)
    assert not [f for f in chart_frames(show(small, "layers")) if "gradient_norm" in f.columns]
    show(small, "boundaries")  # the switch is set in a closed tab, as a link sets it
    small.toggle(key="grads").set_value(True).run()
    gradients = frame_with(small, "gradient_norm")
    assert (gradients["gradient_norm"] > 0).all() and set(gradients["layer"]) == {1, 2}
    assert "gradient norm at the output layer divided by the one at the first layer" in texts(small)


def test_lecture_mode_enlarges_charts_folds_prose_and_the_presenter_view_adds_notes():
    at = open_mlp({**SMALL, "lecture": "1", "presenter": "1", "section": "layers"})
    assert_clean(at)
    labels = [e.label for e in at.expander]
    assert "How to read the heatmap" in labels and "Presenter notes" not in labels
    assert "accuracy" in (presenter_points(at) or "")
    for element in at.get("vega_lite_chart"):
        assert json.loads(element.proto.spec)["config"]["axis"]["labelFontSize"] == 18


# --- caching and progress -----------------------------------------------------------------


def test_returning_to_a_setting_reuses_the_cached_result_and_leaves_no_progress_bar(small, monkeypatch):
    import explainer.sklearn_mlp as sklearn_mlp

    calls: list[dict] = []
    real = sklearn_mlp.fit_mlps_stream

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(sklearn_mlp, "fit_mlps_stream", counted)
    small.slider(key="epochs").set_value(20).run()
    small.slider(key="epochs").set_value(10).run()
    small.slider(key="epochs").set_value(20).run()
    assert_clean(small)
    assert len(calls) == 1 and calls[0]["epochs"] == 20
    assert not small.get("progress")


def test_an_activation_taken_away_or_added_back_trains_no_net_and_one_added_trains_it_alone(
    small, monkeypatch
):
    """A lecturer hides the identity net: nothing retrains, and the other nets' numbers stay. With
    a new seed, hiding tanh and showing it again trains nothing, and adding identity trains that
    net alone: the page keeps each net of a comparison on its own."""
    before = summary(small)
    trained = trainings_counted(monkeypatch)
    small.pills(key="act").set_value(["sigmoid", "tanh", "relu"]).run()
    assert_clean(small)
    fewer = summary(small)
    assert trained == [] and not small.get("progress")
    assert list(fewer.index) == [label for label in before.index if label != before.index[0]]
    pd.testing.assert_frame_equal(fewer.drop(columns="fit s"), before.drop(columns="fit s").iloc[1:])
    # With another seed every net is new; then taking one away and adding it back trains nothing.
    small.number_input(key="seed").set_value(7).run()
    assert trained == [("sigmoid", "tanh", "relu")]
    small.pills(key="act").set_value(["sigmoid", "relu"]).run()
    small.pills(key="act").set_value(["sigmoid", "tanh", "relu"]).run()
    small.pills(key="act").set_value(["identity", "sigmoid", "tanh", "relu"]).run()
    assert_clean(small)
    assert trained == [("sigmoid", "tanh", "relu"), ("identity",)]


def test_the_page_caches_are_bounded():
    assert page.comparison._info.max_entries == page.COMPARISON_CACHE_ENTRIES <= 32
    # Built charts share one bounded cache with every other page's.
    assert display._chart_spec._info.max_entries == display.CHART_SPEC_ENTRIES <= 256


def test_a_setting_beyond_the_time_budget_trains_fewer_epochs_and_says_so(monkeypatch):
    monkeypatch.setattr(mlp_budget, "SECONDS_BUDGET", 0.1)
    at = open_mlp({**SMALL, "epochs": "100"})
    assert_clean(at)
    budget = mlp_budget.epoch_budget(4, 1, 100, 64, int(SMALL["width"]))
    assert budget < 100
    assert any(f"each net trains for {budget} epochs" in w.value for w in at.warning)
    assert (summary(at)["epochs"] == budget).all()


# --- presets ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_link_and_explicit_link_values_win(name):
    at = open_mlp({"preset": name, "epochs": "10", "n": "100"})
    assert_clean(at)
    assert not [w for w in at.warning if "could not be used" in w.value]
    scene = page.SCENES[name]
    assert at.selectbox(key="preset").value == name
    assert at.slider(key="depth").value == scene["depth"] and at.slider(key="width").value == scene["width"]
    assert at.pills(key="act").value == scene["act"]
    assert at.select_slider(key="lr").value == scene["lr"]
    assert at.slider(key="epochs").value == 10 and at.slider(key="n").value == 100
    assert PRESETS[name]["description"] in texts(at)


def test_picking_the_dying_relu_preset_sets_its_widgets_and_kills_units(small):
    small.selectbox(key="preset").set_value("dying_relu").run()
    assert_clean(small)
    assert small.select_slider(key="lr").value == 0.3 and small.slider(key="depth").value == 3
    assert list(summary(small).index) == ["ReLU"]
    dead = summary(small).loc["ReLU", "dead units"]
    assert int(dead.rstrip("%")) >= 50
    units = frame_with(small, "dead_fraction")
    assert units["epoch"].max() == 200


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named", "used"),
    [
        ({"n": "0"}, "`n` = `0` is below the minimum 100", ("slider", "n", 100)),
        ({"n": "10000000"}, "`n` = `10000000` is above the maximum 2,000", ("slider", "n", 2000)),
        ({"lr": "0"}, "`lr` = `0` is below the minimum 0.0001", ("select_slider", "lr", 0.0001)),
        ({"lr": "100"}, "`lr` = `100` is above the maximum 10", ("select_slider", "lr", 10.0)),
        ({"batch": "100000"}, "`batch` = `100000` is above the maximum 64", ("select_slider", "batch", 64)),
        ({"depth": "99"}, "`depth` = `99` is above the maximum 12", ("slider", "depth", 12)),
        ({"width": "-3"}, "`width` = `-3` is below the minimum 1", ("slider", "width", 1)),
        ({"epochs": "nan"}, "`epochs` = `nan` is not a number", ("slider", "epochs", 200)),
        ({"seed": "1e400"}, "`seed` = `1e400` is above the maximum 9,999", ("number_input", "seed", 9999)),
        ({"data": "ring"}, "`data` = `ring` is not one of the options", ("selectbox", "data", "circles")),
        ({"act": ["gelu", "relu"]}, "`act` = `gelu, relu` includes `gelu`", ("pills", "act", ["relu"])),
        (
            {"solver": "lbfgs"},
            "`solver` = `lbfgs` is not one of the options",
            ("button_group", "solver", "adam"),
        ),
        (
            {"preset": "nope"},
            "`preset` = `nope` is not one of the options",
            ("selectbox", "preset", "custom"),
        ),
        ({"zzz": "1"}, "`zzz`: not a setting of this page", None),
    ],
)
def test_a_bad_link_value_is_clamped_or_replaced_with_one_warning(query, named, used):
    base = {**SMALL, "act": "relu"}
    at = open_mlp({**base, **query})
    assert_clean(at)
    assert named in link_warning(at)
    if used:
        kind, key, value = used
        assert widget(at, kind, key).value == value
    assert at.get("vega_lite_chart"), "the page still trains and draws"


def test_a_diverging_net_shows_the_epoch_it_diverged_at_never_nan():
    at = open_mlp(
        {"solver": "sgd", "lr": "1", "act": ["identity", "relu"], "n": "200", "epochs": "30", "depth": "2"}
    )
    assert_clean(at)
    [warning] = [w.value for w in at.warning if "diverged at epoch" in w.value]
    k = int(warning.split("diverged at epoch ")[1].split(":")[0])
    assert warning.startswith(f"identity diverged at epoch {k}")
    assert summary(at).loc["identity", "diverged"] == f"epoch {k}"
    assert summary(at).loc["identity", "epochs"] == k - 1 and summary(at).loc["ReLU", "epochs"] == 30
    assert "nan" not in texts(at).lower().replace("infinity or nan", "")
    assert "nan" not in show(at, "summary").table[0].value.to_string().lower()
    for frame in datasets(at):
        assert not frame.isna().any().any()
    titles = pictures(at).set_index("activation")["title"]
    assert titles["identity"].endswith(f"diverged at epoch {k}")


def test_a_changed_private_backprop_reaches_the_page_as_a_note_not_a_traceback(monkeypatch):
    from sklearn.neural_network import MLPClassifier

    original = MLPClassifier._backprop

    def changed(self, X, y, *rest):
        # scikit-learn's own training passes boolean targets; the page's call, float ones.
        if y.dtype != bool:
            raise TypeError("_backprop() takes 6 positional arguments but 8 were given")
        return original(self, X, y, *rest)

    monkeypatch.setattr(MLPClassifier, "_backprop", changed)
    at = open_mlp({**SMALL, "grads": "1"})
    assert_clean(at)
    assert any("Per-layer gradient norms are unavailable" in i.value for i in at.info)
    show(at, "layers")
    assert any("Per-layer gradient norms are unavailable" in i.value for i in at.info)
    assert any("No gradient norms" in i.value for i in at.info)
    assert not [f for f in chart_frames(at) if "gradient_norm" in f.columns]
    assert summary(at).loc["ReLU", "epochs"] == 10


def test_input_the_library_refuses_shows_its_reason_not_a_traceback(monkeypatch):
    import explainer.sklearn_mlp as sklearn_mlp

    def refuse(*args, **kwargs):
        raise ValueError("Unknown dataset 'ring'; expected one of [...]")

    monkeypatch.setattr(sklearn_mlp, "fit_mlps_stream", refuse)
    at = open_mlp(SMALL)
    assert_clean(at)
    assert "These settings were not trained. Unknown dataset 'ring'" in at.error[0].value
    assert not chart_frames(at)


@pytest.mark.parametrize(
    "query",
    [
        {"n": "inf", "lr": "1e400", "seed": "-1"},
        {"data": "ÇİRCLES😀", "solver": ""},
        {"act": ["x" * 10_000, "relu"]},
        {"noise": "NaN", "depth": "3.7", "grads": "maybe"},
        {"preset": ["dying_relu", "linear_vs_nonlinear"], "batch": ["8", "16"]},
        {"lecture": "yes", "preset": "DEEP SIGMOID STALLS", "epochs": "10", "n": "100"},
    ],
    ids=["numbers", "unicode", "ten-kilobytes", "not-numbers", "repeated", "preset-by-label"],
)
def test_a_hostile_link_never_raises_and_the_page_still_trains(query):
    at = open_mlp({**SMALL, **query})
    assert_clean(at)
    assert at.get("vega_lite_chart") and show(at, "summary").table


# --- training as it goes ------------------------------------------------------------------


@pytest.fixture
def every_snapshot_drawn(monkeypatch):
    """Every snapshot drawn as a frame, however fast training is; the epochs of the frames drawn."""
    monkeypatch.setattr(page, "FIRST_FRAME_SECONDS", 0.0)
    monkeypatch.setattr(page, "FRAME_SECONDS", 0.0)
    epochs: list[int] = []
    real = page._Frames._frame

    def recorded(self, snapshot):
        epochs.append(snapshot.epoch)
        real(self, snapshot)

    monkeypatch.setattr(page._Frames, "_frame", recorded)
    return epochs


def test_a_move_to_a_new_value_draws_the_nets_as_they_train_then_the_page_the_cache_gives(
    small, every_snapshot_drawn
):
    import explainer.sklearn_mlp as sklearn_mlp

    small.slider(key="epochs").set_value(20).run()
    assert_clean(small)
    assert every_snapshot_drawn == list(range(1, 20))
    # The run ends with the open tab complete, the frames replaced by it.
    assert [h.value for h in small.header] == ["1. Decision boundaries"]
    assert not small.get("progress")
    streamed = {"charts": chart_frames(small), "summary": summary(small)}
    show(small, "boundaries")
    assert (streamed["summary"]["epochs"] == 20).all() and pictures(small)["cells"].tolist() == [(50, 50)] * 4
    # Back and forth: the same setting again comes from the cache, drawing no frame, the same numbers.
    small.slider(key="epochs").set_value(10).run()
    small.slider(key="epochs").set_value(20).run()
    assert every_snapshot_drawn == list(range(1, 20))
    pd.testing.assert_frame_equal(summary(small), streamed["summary"])
    for cached, fresh in zip(chart_frames(show(small, "boundaries")), streamed["charts"], strict=True):
        pd.testing.assert_frame_equal(cached, fresh)
    # And the numbers are fit_mlps' own for these settings.
    direct = sklearn_mlp.fit_mlps(
        "circles",
        page.PARAMS["act"].default,
        (4,),
        epochs=20,
        n_samples=100,
        noise=page.PARAMS["noise"].default,
    )
    history = frame_with(small, "test_accuracy").dropna(subset=["epoch"])
    assert history["loss"].tolist() == direct.history["loss"].tolist()
    # Each panel's picture is the one fit_mlps' own grid makes: the same colour in every cell.
    titles = dict(zip(pictures(small)["activation"], pictures(small)["title"], strict=True))
    expected = charts.boundary_pictures(tables.titled_grid(direct.grid, titles))
    assert pictures(small)["url"].tolist() == expected["url"].tolist()


def test_a_trainings_frames_and_its_final_chart_build_each_spec_once(
    small, every_snapshot_drawn, monkeypatch
):
    """Building a chart's spec costs the server tens of milliseconds holding the GIL: the frames
    of a training (19 here) and its final chart share the boundaries' one spec, and the curves'
    one per set of loss ticks, not one per frame."""
    import functools

    builds: dict[str, list] = {"panels": [], "curves": []}

    def counted(kind, build):
        @functools.wraps(build)
        def counting(*args, **kwargs):
            builds[kind].append(kwargs.get("loss_ticks"))
            return build(*args, **kwargs)

        return counting

    monkeypatch.setattr(charts, "probability_panels", counted("panels", charts.probability_panels))
    monkeypatch.setattr(charts, "learning_curves", counted("curves", charts.learning_curves))
    display._chart_spec.clear()
    small.slider(key="epochs").set_value(20).run()
    assert_clean(small)
    assert len(every_snapshot_drawn) == 19
    assert len(builds["panels"]) == 1
    assert 1 <= len(builds["curves"]) == len(set(builds["curves"])) < 19
    show(small, "curves")
    assert len(set(builds["curves"])) == len(builds["curves"])


def test_while_training_the_page_says_which_epoch_and_claims_no_final_number(
    small, every_snapshot_drawn, monkeypatch
):
    import explainer.sklearn_mlp as sklearn_mlp

    real = sklearn_mlp.fit_mlps_stream

    def stopped(*args, **kwargs):
        # The snapshots, then a refusal where the comparison would come: the last frame stays.
        for item in real(*args, **kwargs):
            if isinstance(item, sklearn_mlp.MLPComparison):
                raise ValueError("stopped before the end for this test")
            yield item

    monkeypatch.setattr(sklearn_mlp, "fit_mlps_stream", stopped)
    small.slider(key="epochs").set_value(20).run()
    assert_clean(small)
    [bar] = small.get("progress")
    assert bar.proto.text == "Training 4 networks for 20 epochs: epoch 19 of 20" and bar.proto.value == 95
    assert [h.value for h in small.header] == ["Decision boundaries", "Learning curves"]
    # Each panel's title is its net's test accuracy at that epoch, read from the curves drawn.
    history = frame_with(small, "test_accuracy").dropna(subset=["epoch"])
    assert history["epoch"].max() == 19
    now = history[history["epoch"] == 19].set_index("label")["test_accuracy"]
    assert set(pictures(small)["title"]) == {
        f"{label}: test accuracy {a:.2f} at epoch 19" for label, a in now.items()
    }
    assert pictures(small)["cells"].tolist() == [(25, 25)] * 4  # a coarser grid while training
    assert not small.table  # no summary
    assert "The panels and curves show the nets as they train" in texts(small)
    assert "Training loss after the last epoch" not in texts(small)
