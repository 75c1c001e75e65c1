"""Pictures for charts: a grid of values drawn as one PNG per panel instead of one rectangle per
cell. A browser draws a picture in milliseconds; thousands of rectangles (and the expressions
that place them) cost it a large part of a second on every rerun."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from .theme import half_spacing, hex_rgb

PICTURE_COLUMNS = ("left", "right", "bottom", "top", "url")


def png_data_url(pixels: np.ndarray) -> str:
    """A data URL of an 8-bit RGB PNG of ``pixels`` (rows × columns × 3, top row first)."""
    height, width, _ = pixels.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, width * 3)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes()))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def ramp_colors(values: np.ndarray, stops: Sequence[float], colors: Sequence[str]) -> np.ndarray:
    """RGB bytes (``values.shape`` + (3,)) of ``values`` on a colour scale that puts ``colors`` at
    ``stops`` (ascending) and interpolates in RGB between them, as a Vega scale with
    ``interpolate="rgb"`` does; values outside the stops take the end colours."""
    v = np.asarray(values, dtype=float)
    rgb = np.array([hex_rgb(color) for color in colors])
    channels = [np.interp(v, stops, rgb[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=-1)).astype(np.uint8)


def grid_pictures(
    rows: pd.DataFrame,
    panel: str,
    value: str,
    stops: Sequence[float],
    colors: Sequence[str],
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """One picture per ``panel`` of ``rows`` (x0, x1 on an evenly spaced grid, and ``value``): a
    PNG with one pixel per grid cell in ``ramp_colors``, and the square it covers (the grid ± half
    a step). Columns: ``panel``, the ``keep`` columns (each panel's first value) and
    PICTURE_COLUMNS, panels in their first-seen order."""
    pictures = []
    for key, cells in rows.groupby(panel, sort=False):
        x0, x1 = np.unique(cells["x0"].to_numpy()), np.unique(cells["x1"].to_numpy())
        half_x, half_y = half_spacing(pd.Series(x0)), half_spacing(pd.Series(x1))
        column = np.searchsorted(x0, cells["x0"].to_numpy())
        row = len(x1) - 1 - np.searchsorted(x1, cells["x1"].to_numpy())  # the top row first
        pixels = np.full((len(x1), len(x0), 3), 255, dtype=np.uint8)
        pixels[row, column] = ramp_colors(cells[value].to_numpy(), stops, colors)
        pictures.append(
            {
                panel: key,
                **{column: cells[column].iloc[0] for column in keep},
                "left": float(x0[0] - half_x),
                "right": float(x0[-1] + half_x),
                "bottom": float(x1[0] - half_y),
                "top": float(x1[-1] + half_y),
                "url": png_data_url(pixels),
            }
        )
    return pd.DataFrame(pictures, columns=[panel, *keep, *PICTURE_COLUMNS])


def picture_marks(
    base: alt.Chart, x_scale: alt.Scale, y_scale: alt.Scale, tooltip: list, clip: bool = False
) -> alt.Chart:
    """``base`` drawing each row's picture (``url``) over its square, ``left``–``right`` on the
    x₀ axis and ``bottom``–``top`` on x₁, pixels unsmoothed (a cell stays a cell)."""
    return base.mark_image(aspect=False, smooth=False, clip=clip).encode(
        x=alt.X("left:Q", title="x₀", scale=x_scale),
        x2="right:Q",
        y=alt.Y("bottom:Q", title="x₁", scale=y_scale),
        y2="top:Q",
        url="url:N",
        tooltip=tooltip,
    )


def colour_key(field: str, color: alt.Color, ends: Sequence[float] = (0.0, 1.0)) -> alt.Chart:
    """A layer that draws nothing and carries ``color``'s legend: the pictures' colour scale,
    which no mark of theirs encodes."""
    values = alt.Data(values=[{field: end} for end in ends])
    return alt.Chart(values).mark_point(opacity=0).encode(color=color)
