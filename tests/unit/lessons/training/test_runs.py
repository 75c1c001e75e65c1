"""What every section reads off a run: the one-line description of its network and training."""

import pandas as pd

from explainer.lessons.training.runs import describe_setup
from explainer.nn.loop import train


def test_describe_setup_names_the_network_and_training():
    run = train("circles", "relu", (8, 8), "he_normal", learning_rate=0.1, batch_size=32, steps=10)
    assert describe_setup(run) == (
        "2 hidden layers × 8, He (Kaiming) normal, plain SGD at learning rate 0.1, batch 32, 10 steps, 240 training points"
    )


def test_each_section_trained_through_a_remembering_trainer_gives_the_same_runs_and_retrains_one():
    """The page passes a cached ``train`` (``trainer``): every run must be the one ``train`` gives,
    and a run whose arguments were seen before is not trained again, so a setting that changes
    one run of a section costs one run."""
    from explainer.lessons.training.batchnorm import batchnorm_comparison
    from explainer.lessons.training.clipping import clipping_comparison
    from explainer.lessons.training.dying import dying_relu
    from explainer.lessons.training.gradients import gradient_comparison

    seen: dict[tuple, object] = {}

    def remembering(progress=None, **kwargs):
        key = tuple(sorted(kwargs.items()))
        if key not in seen:
            seen[key] = train(**kwargs, progress=progress)
        return seen[key]

    sections = {
        # section, then how many runs each of the values 0.05, 0.2, 0.05 trains anew
        "clipping": (
            lambda t, v: clipping_comparison("circles", steps=40, value_threshold=v, trainer=t),
            [3, 1, 0],
        ),
        "dying": (lambda t, v: dying_relu("circles", steps=40, learning_rate=v, trainer=t), [3, 1, 0]),
        "gradients": (
            lambda t, v: gradient_comparison(
                "moons", ("tanh", "relu"), (8,) * 3, steps=30, learning_rate=v, trainer=t
            ),
            [2, 2, 0],
        ),
        "batch norm": (
            lambda t, v: batchnorm_comparison(
                "circles", "tanh", (8,) * 3, steps=30, learning_rate=v, trainer=t
            ),
            [2, 2, 0],
        ),
    }
    for name, (section, new_runs) in sections.items():
        for value, expected in zip((0.05, 0.2, 0.05), new_runs, strict=True):
            before = len(seen)
            direct, remembered = section(train, value), section(remembering, value)
            assert len(seen) - before == expected, name
            runs, reference = (
                getattr(remembered, "comparison", remembered),
                getattr(direct, "comparison", direct),
            )
            for table in ("history", "layers", "steps", "summary"):
                pd.testing.assert_frame_equal(
                    getattr(runs, table), getattr(reference, table), check_exact=True
                )
            assert remembered.sentences == direct.sentences


def test_a_trainer_with_train_all_gets_every_run_at_once_and_progress_counts_each_runs_steps():
    from explainer.lessons.training.runs import compare_runs

    batches, fractions = [], []

    class AllAtOnce:
        def __call__(self, **kwargs):
            raise AssertionError("compare_runs called the trainer run by run")

        def train_all(self, calls):
            batches.append([call["learning_rate"] for call in calls])
            for call in calls:  # both runs half done, as two workers report
                call["progress"](0.5)
            runs = [train(**{**call, "progress": None}) for call in calls]
            for call in calls:
                call["progress"](1.0)
            return runs

    common = dict(dataset="circles", hidden_layers=(4,), init="he_normal", batch_size=32)
    plans = [("slow", {**common, "activation": "tanh", "learning_rate": 0.1, "steps": 30}),
             ("fast", {**common, "activation": "relu", "learning_rate": 0.5, "steps": 10})]  # fmt: skip
    comparison = compare_runs(plans, fractions.append, AllAtOnce())
    assert batches == [[0.1, 0.5]]
    assert list(comparison.runs) == ["slow", "fast"]
    # Each run's share of the steps: 30 of 40, then 10 of 40.
    assert fractions == [0.5 * 30 / 40, 0.5, 30 / 40 + 0.5 * 10 / 40, 1.0]
    direct = compare_runs(plans)
    pd.testing.assert_frame_equal(comparison.history, direct.history, check_exact=True)
