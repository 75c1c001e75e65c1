"""What every section reads off a run: the one-line description of its network and training."""

from explainer.lessons.training.runs import describe_setup
from explainer.nn.loop import train


def test_describe_setup_names_the_network_and_training():
    run = train("circles", "relu", (8, 8), "he_normal", learning_rate=0.1, batch_size=32, steps=10)
    assert describe_setup(run) == (
        "2 hidden layers × 8, He (Kaiming) normal, plain SGD at learning rate 0.1, batch 32, 10 steps, 240 training points"
    )
