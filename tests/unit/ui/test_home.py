"""The home page's one setting: the chain of step 2."""

from explainer.ui import home as page


def test_the_chain_slider_keeps_its_link_range_and_default():
    chain = page.PARAMS["chain"]
    assert (chain.widget, chain.low, chain.high, chain.default) == ("slider", 2, 30, 10)
    assert page.SCENES == {}
