"""Reading a built chart's Vega-Lite spec in tests: its inline rows and its layers."""

import altair as alt


def spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as Vega-Lite JSON (a dict)."""
    return chart.to_dict()


def rows(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """The rows of each inline dataset, in the order Altair lists them."""
    return list(spec(chart).get("datasets", {}).values())


def layers(chart_spec: dict) -> list[dict]:
    """The layers of a layered chart, or of the layered panel a facet repeats."""
    return chart_spec.get("layer") or chart_spec["spec"]["layer"]
