"""Section 4: batch norm rescues a deep sigmoid and a deep tanh net, and reports both modes."""

from explainer.lessons.training.batchnorm import batchnorm_comparison
from explainer.lessons.training.scenes import PRESETS


def test_batch_norm_rescues_the_deep_sigmoid_net_and_reports_both_modes():
    comparison = batchnorm_comparison("circles", steps=300)
    s = comparison.summary.set_index("run")
    assert s.loc["with batch norm", "final_loss"] < 0.5 < s.loc["without batch norm", "final_loss"]
    gap = comparison.runs["with batch norm"].history["output_gap"]
    assert (gap >= 0).all() and gap.max() > 0
    assert "inference mode" in comparison.sentences[-1]


def test_preset_tanh_batchnorm_trains_better_with_batch_norm():
    settings = PRESETS["tanh_batchnorm"]["settings"]
    comparison = batchnorm_comparison(
        "circles", "tanh", (32,) * settings["bn_depth"], learning_rate=settings["bn_learning_rate"]
    )
    s = comparison.summary.set_index("run")
    assert s.loc["with batch norm", "final_loss"] < 0.5 * s.loc["without batch norm", "final_loss"]
