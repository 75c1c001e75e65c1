"""The initialization page's tables as a learner reads them (the variance check, the gains, the
three distributions, the N(0, 1) heatmap row and its story), beside their full-precision data."""

from __future__ import annotations

import math

import pandas as pd

from ...activations import ACTIVATIONS
from ...initializers import INITIALIZERS, closed_form
from ...nn.statistics import HEALTHY_DECADES
from .sentences import formula_text


def variance_display(table: pd.DataFrame, activation_label: str) -> pd.DataFrame:
    """The variance table as a learner reads it: the check beside the formula, 4 significant
    digits, the largest possible |w| (uniform limit a, truncation point, or unbounded)."""
    sig = lambda v: "" if pd.isna(v) else f"{v:.4g}"
    # 0 / 0 where every sampled w² is the same (an orthogonal 1 × 1 is ±1): no gap at all.
    gap = ((table["empirical_variance"] - table["variance"]).abs() / table["standard_error"]).fillna(0.0)
    largest = [
        f"a = {b:.4g}" if not pd.isna(b) else (f"{t:.4g} (cut)" if not pd.isna(t) else "unbounded")
        for b, t in zip(table["bound"], table["truncated_at"], strict=True)
    ]
    # An orthonormal matrix's entries are at most 1 in size (each column has norm 1).
    largest = [
        "1 (WᵀW = I)" if k == "orthogonal" else text for k, text in zip(table["key"], largest, strict=True)
    ]
    return pd.DataFrame(
        {
            "initializer": table["label"],
            "formula": [formula_text(k) for k in table["key"]],
            "σ²": table["variance"].map(sig),
            "sampled σ²": table["empirical_variance"].map(sig),
            "gap in std. errors": gap.map("{:.1f}".format),
            "within 5": table["agrees"].map({True: "✓", False: "✗"}),
            "weights drawn": [
                f"{n:,}" if k == 1 else f"{n:,} ({k:,} matrices)"
                for n, k in zip(table["sample_size"], table["matrices"], strict=True)
            ],
            "std σ": table["std"].map(sig),
            "largest |w|": largest,
            f"forward ×/layer, {activation_label}": table["forward_factor"].map(sig),
            f"backward ×/layer, {activation_label}": table["backward_factor"].map(sig),
        }
    )


def _gain_text(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "—"
    form = closed_form(value)
    return f"{form} ≈ {value:.4g}" if form and not form.isdigit() else f"{value:.4g}"


def gains_display(gains: pd.DataFrame) -> pd.DataFrame:
    """The gains table as a learner reads it (exact forms beside decimals; — where PyTorch has none)."""
    return pd.DataFrame(
        {
            "activation": gains["label"],
            "PyTorch calculate_gain": [_gain_text(v) for v in gains["torch_gain"]],
            "forward gain 1/√E[f(z)²]": [_gain_text(v) for v in gains["forward_gain"]],
            "backward gain 1/√E[f′(z)²]": [_gain_text(v) for v in gains["backward_gain"]],
            "E[f(z)]": gains["mean"].map(lambda v: f"{v + 0.0:.3f}" if abs(v) >= 5e-4 else "0.000"),
            "χ at PyTorch's gain": ["—" if pd.isna(v) else f"{v:.3g}" for v in gains["torch_chi"]],
        }
    )


def gain_sentences(gains: pd.DataFrame) -> dict[str, str]:
    """Activation key → the gains table's sentence about it."""
    return dict(zip(gains["key"], gains["sentence"], strict=True))


def every_gain_in_words(gains: pd.DataFrame) -> str:
    """A Markdown list: each activation's label in bold, then its gain sentence."""
    return "\n".join(f"- **{ACTIVATIONS[key].label}.** {text}" for key, text in gain_sentences(gains).items())


def distribution_display(summary: pd.DataFrame) -> pd.DataFrame:
    """``distribution_comparison(...).summary`` as a learner reads it."""
    return pd.DataFrame(
        {
            "initializer": summary["label"],
            "σ²": summary["variance"].map("{:.4g}".format),
            "sampled σ²": summary["empirical_variance"].map("{:.4g}".format),
            "largest |w| drawn": summary["max_abs"].map("{:.4g}".format),
            "largest |w| possible": ["unbounded" if math.isinf(b) else f"{b:.4g}" for b in summary["bound"]],
            "share beyond 2σ": summary["beyond_2std"].map("{:.2%}".format),
            "kurtosis E[w⁴]/σ⁴": summary["kurtosis"].map("{:.3f}".format),
        }
    )


def heatmap_row(grid: pd.DataFrame, init: str) -> pd.DataFrame:
    """The heatmap rows of initializer ``init``."""
    return grid[grid["init"] == init]


def heatmap_cell(grid: pd.DataFrame, init: str, activation: str) -> pd.Series:
    """The heatmap cell of one initializer and activation."""
    return grid[(grid["init"] == init) & (grid["activation"] == activation)].iloc[0]


def row_display(grid: pd.DataFrame, init: str) -> pd.DataFrame:
    """One initializer's heatmap row, one line per activation: both log10 ratios (✓ within one
    decade), the saturated share of the last layer, and whether the cell is healthy (outlined)."""
    row = heatmap_row(grid, init)
    mark = lambda text, kept: f"{text} {'✓' if kept else '✗'}"
    # The heatmaps' "within one decade", not a second copy of it.
    within = {
        d: (row[f"{d}_status"] == "ok") & (row[f"{d}_log10"].abs() <= HEALTHY_DECADES)
        for d in ("forward", "backward")
    }
    return pd.DataFrame(
        {
            "activation": row["activation_label"],
            "log10 Var h_L ÷ Var h_1": list(map(mark, row["forward_text"], within["forward"])),
            "log10 Var ∂h_1 ÷ Var ∂h_L": list(map(mark, row["backward_text"], within["backward"])),
            "saturated, layer L": row["saturated_fraction"].map("{:.0%}".format),
            "healthy": row["healthy"].map({True: "✓", False: "✗"}),
        }
    )


def story_display(story: pd.DataFrame) -> pd.DataFrame:
    """``standard_normal_story`` as a learner reads it."""
    return pd.DataFrame(
        {
            "activation": story["label"],
            "weights": story["init"].map({key: entry.label for key, entry in INITIALIZERS.items()}),
            "layer-1 pre-act. std": story["preact_std_1"].map("{:.3g}".format),
            "last-layer std": story["activation_std_last"].map("{:.3g}".format),
            "saturated, last layer": story["saturated_last"].map("{:.0%}".format),
            "log10 grad. std, 1 ÷ L": story["grad_log10_ratio"].map("{:+.1f}".format),
        }
    )


def story_sentences(story: pd.DataFrame) -> str:
    """The sentences of ``standard_normal_story``'s N(0, 1) rows as a Markdown list (the table
    holds the rest)."""
    return "\n".join(f"- {s}" for s in story.loc[story["init"] == "standard_normal", "sentence"])
