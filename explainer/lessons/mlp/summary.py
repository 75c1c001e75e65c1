"""The MLP comparison page's sentences: what the summary of ``fit_mlps`` says, written from its numbers."""

from __future__ import annotations

import math

import pandas as pd

from ...datasets import Dataset

REACHED = 0.9  # the test accuracy whose first epoch the sentences compare ("reaches 0.90 at epoch k")
# Layer updates are compared over the first epochs, while every net is still learning: a net that
# has converged moves little, and over all epochs that would look like a layer that cannot learn.
EARLY_EPOCHS = 10
# A test accuracy at most this far above chance counts as "at chance" in the sentences.
AT_CHANCE_MARGIN = 0.1


def _join(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _loss_value(loss: float) -> str:
    """A loss with three decimals, or two significant digits below 0.001 (never "0.000" for a loss above 0)."""
    return f"{loss:.3f}" if loss >= 1e-3 or loss == 0 else f"{loss:.1e}"


def against_chance(accuracy: float, chance: float) -> str:
    """How a test accuracy compares with chance, from the two values as printed (two decimals):
    "0.08 below chance (0.50)", "equal to chance (0.50)" or "0.06 above chance (0.50)"."""
    gap = round(accuracy, 2) - round(chance, 2)
    if abs(gap) < 0.005:
        return f"equal to chance ({chance:.2f})"
    return f"{abs(gap):.2f} {'above' if gap > 0 else 'below'} chance ({chance:.2f})"


def comparison_sentences(summary: pd.DataFrame, settings: dict, entry: Dataset) -> list[str]:
    """Sentences a learner reads beside ``MLPComparison.summary``, each written from the numbers in
    it: which net diverged, which is at chance, which stalls or overshoots, when each first reaches
    ``REACHED`` test accuracy, which first layer moves least, and how many ReLU units died.
    ``settings`` needs chance_accuracy and hidden_layers; ``entry`` is the dataset."""
    out: list[str] = []
    chance = settings["chance_accuracy"]
    rows = list(summary.itertuples(index=False))
    healthy = [r for r in rows if not r.diverged]

    for r in rows:
        if r.diverged:
            out.append(
                f"{r.label} diverged at epoch {r.diverged_epoch}: its loss or weights overflowed to "
                f"infinity or NaN, so its results stop at epoch {r.epochs}. A smaller learning rate "
                "avoids it."
            )

    for r in healthy:
        at_chance = r.test_accuracy <= chance + AT_CHANCE_MARGIN
        versus = against_chance(r.test_accuracy, chance)
        if r.activation == "identity" and at_chance and not entry.linearly_separable:
            out.append(
                f"identity reaches {r.test_accuracy:.2f} test accuracy on {entry.key}, {versus}, the "
                "accuracy of always answering the larger class. Without a nonlinearity the layers "
                f"compose to one linear map, and no straight line separates the two classes of {entry.key}."
            )
        elif r.activation == "identity" and entry.linearly_separable and not at_chance:
            out.append(
                f"identity reaches {r.test_accuracy:.2f} test accuracy on {entry.key}: a straight "
                "line is all this dataset needs, so a linear model suffices."
            )
        elif at_chance:
            verdict = (
                f"at most {AT_CHANCE_MARGIN:.2f} better than"
                if round(r.test_accuracy, 2) > round(chance, 2)
                else "no better than"
            )
            out.append(
                f"{r.label} reaches {r.test_accuracy:.2f} test accuracy on {entry.key}, {versus}: "
                f"{verdict} always answering the larger class."
            )

    # A net "learned" if its training loss fell to under half its starting value.
    learned = [r for r in healthy if r.final_loss < 0.5 * r.initial_loss]
    best = min(learned, key=lambda r: r.final_loss, default=None)
    for r in healthy:
        if r.activation == "identity" and not entry.linearly_separable:
            continue  # already explained: linearity, not training, holds it back
        ratio = r.final_loss / r.initial_loss
        if ratio > 1.1:
            out.append(
                f"{r.label}'s training loss rose from {r.initial_loss:.3f} to {r.final_loss:.3f} "
                f"over {r.epochs} epochs: its steps overshoot, so the learning rate is too high for it."
            )
        elif ratio > 0.9:
            contrast = (
                f", while {best.label}'s fell from {best.initial_loss:.3f} to {_loss_value(best.final_loss)}"
                if best is not None
                else ""
            )
            out.append(
                f"{r.label} stalls: after {r.epochs} epochs its training loss is {r.final_loss:.3f}, "
                f"{ratio:.0%} of where it started{contrast}."
            )

    reached = sorted((r for r in healthy if not pd.isna(r.epochs_to_reach)), key=lambda r: r.epochs_to_reach)
    if reached and len(healthy) > 1:
        parts = [f"epoch {reached[0].epochs_to_reach} with {reached[0].label}"]
        parts += [f"{r.epochs_to_reach} with {r.label}" for r in reached[1:]]
        never = [r.label for r in healthy if pd.isna(r.epochs_to_reach)]
        tail = f"; {_join(never)} never {'does' if len(never) == 1 else 'do'}" if never else ""
        out.append(f"Test accuracy first reaches {REACHED:.2f} at {_join(parts)}{tail}.")

    movers = [r for r in healthy if r.activation != "identity" and r.first_layer_update > 0]
    if len(settings["hidden_layers"]) >= 2 and len(movers) >= 2:
        slow = min(movers, key=lambda r: r.first_layer_update)
        fast = max(movers, key=lambda r: r.first_layer_update)
        ratio = fast.first_layer_update / slow.first_layer_update
        if ratio >= 3.0:
            own = slow.output_layer_update / slow.first_layer_update
            own_clause = f" and {own:,.0f}× less than its own output layer" if own >= 3.0 else ""
            out.append(
                f"The first layer moves least in the {slow.label} net: over the first "
                f"{EARLY_EPOCHS} epochs its weights change by {slow.first_layer_update:.1e} of their "
                f"size per epoch (median), {ratio:,.0f}× less than in the {fast.label} net "
                f"({fast.first_layer_update:.1e}){own_clause}."
            )

    for r in rows:
        if r.activation == "relu" and not math.isnan(r.dead_fraction):
            if r.dead_fraction == 0.0:
                out.append("No ReLU unit is dead: every hidden unit is active for some training point.")
            else:
                revived = (
                    " Fewer than at initialisation: a dead unit gets no gradient itself, but one in "
                    "layer 2 or deeper comes back when the layers before it change its inputs."
                    if round(100 * r.dead_fraction) < round(100 * r.dead_fraction_initial)
                    else ""
                )
                out.append(
                    f"{r.dead_fraction:.0%} of ReLU's hidden units are dead at epoch {r.epochs}, "
                    f"against {r.dead_fraction_initial:.0%} at initialisation: they output 0 for every "
                    f"training point, so no gradient reaches their incoming weights.{revived}"
                )
    return out
