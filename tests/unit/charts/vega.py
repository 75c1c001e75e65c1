"""Reading a built chart's Vega-Lite spec in tests: its inline rows, its layers and its pictures."""

import base64
import io

import altair as alt
import numpy as np


def spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as Vega-Lite JSON (a dict)."""
    return chart.to_dict()


def rows(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """The rows of each inline dataset, in the order Altair lists them."""
    return list(spec(chart).get("datasets", {}).values())


def layers(chart_spec: dict) -> list[dict]:
    """The layers of a layered chart, or of the layered panel a facet repeats."""
    return chart_spec.get("layer") or chart_spec["spec"]["layer"]


def decode_png(url: str) -> np.ndarray:
    """The pixels of a data URL PNG (rows × columns × RGB), decoded by Pillow (an independent decoder)."""
    from PIL import Image

    assert url.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))
