"""One-click reproductions of published depth experiments (CS231n, He et al., Klambauer et al.,
Glorot & Bengio): the networks, the numbers their sources print, our re-run over eight seeds, and
the table and sentences that set the two side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ...activations import ACTIVATIONS
from ...nn.checks import check_network
from ...nn.engine import _parallel
from ...nn.statistics import HEALTHY_DECADES, NetworkRun, _sci, network_run
from .profiles import _log10_rows


@dataclass(frozen=True)
class PresetRun:
    """One network of a preset: what ``layer_statistics`` is called with."""

    label: str
    activation: str
    init: str
    depth: int
    width: int
    batch: int


@dataclass(frozen=True)
class Claim:
    """One number of a preset's table: measured on every seed of ``PRESET_SEEDS`` and, where the
    cited source prints it, beside the printed value.

    ``metric``: a ``layer_statistics`` column read at ``layer``; "input_grad_std"; "variance_factor"
    (geometric-mean factor per layer of the pre-activation variance from layer 1 to ``layer``);
    "grad_factor" (the same for grad_std, from the top down to the input); "grad_ratio"
    (grad_std at layer 1 / at the top). ``published`` is the value exactly as the source prints it
    (``published_text``) at ``where`` (slide, table, figure or equation); None for a number of our
    re-run alone. A published value agrees when it lies within the range of our seeds, widened by
    ``abs_tol`` or ``rel_tol`` × |published| (for a value the source derives for an infinitely
    wide network, which a finite one only approaches).
    """

    run: str
    quantity: str
    metric: str
    layer: int | None = None
    published: float | None = None
    published_text: str = ""
    where: str = ""
    rel_tol: float = 0.0
    abs_tol: float = 0.0


@dataclass(frozen=True)
class Preset:
    """A one-click reproduction of a published experiment. ``contrast`` names two runs whose
    gradient ratios (layer 1 ÷ top, the "grad_ratio" claims) a sentence compares, with what the
    source found (``finding``)."""

    key: str
    title: str
    source: str
    runs: tuple[PresetRun, ...]
    claims: tuple[Claim, ...]
    note: str = ""
    contrast: tuple[str, str] | None = None
    finding: str = ""


PRESET_SEEDS = tuple(range(8))  # our re-runs: every number is shown as median and range over these

_CS231N_SLIDES = "CS231n 2016, lecture 5, slides 53–64"
_CS231N = (
    f"{_CS231N_SLIDES}: 10 tanh layers of 500 units, input 1000 × 500 N(0, 1). The slides print "
    "per-layer activation means and stds only; every other number here is our numpy re-run."
)
_KLAMBAUER = "Klambauer et al. 2017, Theorem 1"
_GLOROT_SETUP = (
    "Glorot & Bengio 2010 (AISTATS): 5 hidden layers of 1000, the standard U[−1/√n, 1/√n] init against "
    "their normalized init (Glorot uniform). Here: N(0, 1) inputs, a batch of 256, the gradient at the "
    "top N(0, 1) — the paper trained on Shapeset; its Fig. 7 shows the gradients as histograms, with no "
    "number to quote."
)


def _layers(run: str, what: str, metric: str, layers: Sequence[int]) -> tuple[Claim, ...]:
    """Our re-run's ``metric`` at each of ``layers``: "activation std, layer 5"."""
    return tuple(Claim(run, f"{what}, layer {layer}", metric, layer) for layer in layers)


def _input_gradient(run: str) -> Claim:
    return Claim(run, "gradient std at the input", "input_grad_std")


def _glorot_preset(activation: str, title: str, note: str, finding: str) -> Preset:
    """Glorot & Bengio's two initializations on 5 layers of 1000 units of ``activation``."""
    standard, normalized = "standard U[±1/√n]", "normalized (Glorot)"
    return Preset(
        f"glorot_bengio_{activation}",
        title,
        _GLOROT_SETUP,
        (
            PresetRun(standard, activation, "torch_linear_default", 5, 1000, 256),
            PresetRun(normalized, activation, "glorot_uniform", 5, 1000, 256),
        ),
        tuple(
            claim
            for run in (standard, normalized)
            for claim in (
                Claim(run, "gradient std, layer 1 ÷ layer 5", "grad_ratio"),
                *_layers(run, "activation std", "activation_std", (1, 5)),
            )
        ),
        note=note,
        contrast=(standard, normalized),
        finding=finding,
    )


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "cs231n_tanh",
            "CS231n: 10 tanh layers with W·0.01, W·1.0 and Xavier",
            _CS231N,
            (
                PresetRun("W = 0.01·randn", "tanh", "small_normal", 10, 500, 1000),
                PresetRun("W = 1.0·randn", "tanh", "standard_normal", 10, 500, 1000),
                PresetRun("Xavier: randn/√n", "tanh", "lecun_normal", 10, 500, 1000),
            ),
            (
                Claim(
                    "W = 0.01·randn",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.213081,
                    "0.213081",
                    _CS231N_SLIDES,
                ),
                *_layers("W = 0.01·randn", "activation std", "activation_std", (5, 10)),
                _input_gradient("W = 0.01·randn"),
                *_layers("W = 1.0·randn", "activation std", "activation_std", (10,)),
                *_layers("W = 1.0·randn", "saturated units (|f′| < 0.01)", "saturated_fraction", (10,)),
                _input_gradient("W = 1.0·randn"),
                Claim("W = 1.0·randn", "gradient growth per layer", "grad_factor"),
                *_layers("Xavier: randn/√n", "activation std", "activation_std", (1, 5, 10)),
                _input_gradient("Xavier: randn/√n"),
            ),
            note="The slides say the W·1.0 gradients 'will be all zero' because units saturate; in our re-run "
            "the gradient reaching the input grows instead — the local derivatives are near 0, but the "
            "weights are large.",
        ),
        Preset(
            "relu_xavier_vs_he",
            "ReLU: Xavier vs He through 30 layers",
            "He et al. 2015 (arXiv:1502.01852), Fig. 3: a 30-layer ReLU net initialized with Xavier stalls, "
            "with theirs (He) it converges — a training curve, with no per-layer number. Their derivation "
            "(Sec. 2.2) multiplies the pre-activation variance by ½·n·Var[w] per layer: ½ with Xavier, 1 with He. "
            f"The He layers 1, 5 and 10 are also on {_CS231N_SLIDES} (10 layers of 500, input 1000 × 500: "
            "the first 10 layers of this network, drawn the same way); every other number is our numpy "
            "re-run.",
            (
                PresetRun("Xavier, 30 layers", "relu", "lecun_normal", 30, 500, 1000),
                PresetRun("He, 30 layers", "relu", "he_normal", 30, 500, 1000),
            ),
            (
                *_layers("Xavier, 30 layers", "activation std", "activation_std", (1, 5, 10, 30)),
                Claim("Xavier, 30 layers", "pre-activation variance factor per layer", "variance_factor", 30),
                _input_gradient("Xavier, 30 layers"),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.825232,
                    "0.825232",
                    _CS231N_SLIDES,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 5",
                    "activation_std",
                    5,
                    0.834092,
                    "0.834092",
                    _CS231N_SLIDES,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    0.844523,
                    "0.844523",
                    _CS231N_SLIDES,
                ),
                *_layers("He, 30 layers", "activation std", "activation_std", (30,)),
                Claim("He, 30 layers", "pre-activation variance factor per layer", "variance_factor", 30),
                _input_gradient("He, 30 layers"),
            ),
        ),
        Preset(
            "selu_lecun_depth100",
            "SELU + LeCun normal at depth 100",
            "Klambauer et al. 2017 (arXiv:1706.02515), Theorem 1: SELU with weights of std √(1/n) has the "
            "stable, attracting fixed point (mean, variance) = (0, 1), derived for infinitely wide layers; "
            "a network of 256 units approaches it.",
            (PresetRun("SELU, LeCun normal", "selu", "lecun_normal", 100, 256, 256),),
            (
                Claim(
                    "SELU, LeCun normal",
                    "activation mean, layer 100",
                    "activation_mean",
                    100,
                    0.0,
                    "0",
                    _KLAMBAUER,
                    abs_tol=0.05,
                ),
                Claim(
                    "SELU, LeCun normal",
                    "activation std, layer 100",
                    "activation_std",
                    100,
                    1.0,
                    "1 (variance 1)",
                    _KLAMBAUER,
                    rel_tol=0.05,
                ),
            ),
        ),
        _glorot_preset(
            "sigmoid",
            "Glorot & Bengio with sigmoid: where normalized init does not keep the gradient",
            "This scene shows sigmoid, which the paper found unsuited to deep networks (its mean of 0.5 drives "
            "the top layer into saturation); the paper's finding about the gradients is for tanh — see the "
            "tanh scene.",
            "Glorot & Bengio's Fig. 7 (tanh) shows normalized init keeping the back-propagated gradients "
            "alike across layers",
        ),
        _glorot_preset(
            "tanh",
            "Glorot & Bengio: 5 tanh layers, U[±1/√n] vs normalized init (their Fig. 7)",
            "",
            "Glorot & Bengio's Fig. 7 (tanh) shows normalized init keeping the back-propagated gradients "
            "alike across layers, and the standard init shrinking them toward the input",
        ),
    )
}


def _measure(claim: Claim, frame: pd.DataFrame, run: NetworkRun) -> float:
    if claim.metric == "input_grad_std":
        return run.input_grad_std
    if claim.metric == "variance_factor":
        last = claim.layer or len(frame)
        ratio = (frame["preact_std"].iloc[last - 1] / frame["preact_std"].iloc[0]) ** 2
        return float(ratio ** (1.0 / (last - 1)))
    if claim.metric == "grad_factor":
        decades = run.input_grad_log10 - float(frame["grad_log10"].iloc[-1])
        return float(10 ** (decades / len(frame)))
    if claim.metric == "grad_ratio":
        return float(10 ** (frame["grad_log10"].iloc[0] - frame["grad_log10"].iloc[-1]))
    return float(frame[claim.metric].iloc[(claim.layer or len(frame)) - 1])


def _tolerance_text(claim: Claim) -> str:
    if claim.published is None:
        return ""
    if claim.abs_tol:
        return f"range of our seeds ± {claim.abs_tol:g}"
    if claim.rel_tol:
        return f"range of our seeds ± {claim.rel_tol:.0%}"
    return "within the range of our seeds"


def preset_results(key: str, seeds: Sequence[int] = PRESET_SEEDS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run a preset on every seed of ``seeds``: (claims, layers).

    ``claims``: one row per number — ``run``, ``quantity``, ``published`` (the value the source
    prints, or None for a number of our re-run alone), ``published_text`` and ``where`` (where the
    source prints it; "" if nowhere), ``median``, ``low`` and ``high`` (median and range of our
    measurement over the seeds), ``metric`` (``Claim.metric``), ``seeds`` (as text: "0–7"),
    ``tolerance`` (text; "" if unpublished) and
    ``agrees`` (the published value within the range of our seeds, widened by the claim's
    tolerance; None where nothing is published). ``layers``: the ``layer_statistics`` of every run
    on the first seed, stacked with a ``run`` column, for the charts. The networks run on two
    threads with one BLAS thread each (see ``variance_travel``).
    """
    try:
        preset = PRESETS[key]
    except KeyError:
        raise ValueError(f"Unknown preset {key!r}; expected one of {sorted(PRESETS)}") from None
    seeds = [check_network(1, 1, 1, seed)[3] for seed in seeds]
    if not seeds:
        raise ValueError("preset_results needs at least one seed.")
    jobs = [(run, seed) for seed in seeds for run in preset.runs]

    def measure(job: tuple[PresetRun, int]) -> tuple[NetworkRun, list[float]]:
        r, seed = job
        run = network_run(r.activation, r.depth, r.width, r.init, 1.0, r.batch, seed)
        return run, [_measure(c, run.layers, run) for c in preset.claims if c.run == r.label]

    with threadpool_limits(limits=1, user_api="blas"):
        found = dict(zip(jobs, _parallel(measure, jobs, 2), strict=True))
    rows = []
    for r in preset.runs:
        values = np.array([found[(r, seed)][1] for seed in seeds], dtype=np.float64)
        for claim, column in zip((c for c in preset.claims if c.run == r.label), values.T, strict=False):
            low, high = float(column.min()), float(column.max())
            agrees = None
            if claim.published is not None:
                slack = max(claim.abs_tol, claim.rel_tol * abs(claim.published))
                agrees = low - slack <= claim.published <= high + slack
            rows.append(
                {
                    "run": claim.run,
                    "quantity": claim.quantity,
                    "published": claim.published,
                    "published_text": claim.published_text,
                    "where": claim.where,
                    "median": float(np.median(column)),
                    "low": low,
                    "high": high,
                    "metric": claim.metric,
                    "seeds": _seed_text(seeds),
                    "tolerance": _tolerance_text(claim),
                    "agrees": agrees,
                }
            )
    order = {(c.run, c.quantity): i for i, c in enumerate(preset.claims)}
    rows.sort(key=lambda row: order[(row["run"], row["quantity"])])
    claims = pd.DataFrame(rows)
    claims["published"] = claims["published"].astype(object).where(claims["published"].notna(), None)
    claims["agrees"] = claims["agrees"].astype(object)
    first = seeds[0]
    layers = pd.concat(
        [found[(r, first)][0].layers.assign(run=r.label) for r in preset.runs], ignore_index=True
    )
    return claims, layers


def _seed_text(seeds: Sequence[int]) -> str:
    """Seeds as a learner reads them: "0–7" when consecutive, else a list."""
    seeds = list(seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(map(str, seeds))


def describe_preset(key: str, claims: pd.DataFrame) -> list[str]:
    """Sentences from ``preset_results``' claims: how many numbers the source prints and how many
    of those lie within our seeds' range, and for a preset with a ``contrast`` its two gradient
    ratios set against the source's finding."""
    preset = PRESETS[key]
    seeds = claims["seeds"].iloc[0]
    printed = claims[claims["published"].notna()]
    ours = len(claims) - len(printed)
    if len(printed):
        agreed = int(printed["agrees"].astype(bool).sum())
        widened = (printed["tolerance"] != _tolerance_text(Claim("", "", "", published=1.0))).any()
        n = len(printed)
        if n == 1:
            found = f"it lies {'within' if agreed else 'outside'}"
        elif agreed == n:
            found = f"all {n} lie within"
        else:
            found = f"{agreed} of them lie within"
        head = (
            f"{n} of the {len(claims)} numbers {'is' if n == 1 else 'are'} printed in the source, and {found} "
            f"the range of our re-run over seeds {seeds}"
            + (" (widened by the tolerance shown)." if widened else ".")
        )
        if ours:
            head += f" The other {ours} are our re-run alone: median and range over the same seeds."
    else:
        head = f"The source prints none of these numbers: all {len(claims)} are our re-run (seeds {seeds})."
    sentences = [head]
    if preset.contrast is not None:
        ratios = claims[claims["metric"] == "grad_ratio"].set_index("run")["median"]
        standard, normalized = preset.contrast
        before, after = float(ratios[standard]), float(ratios[normalized])
        label = ACTIVATIONS[preset.runs[0].activation].label
        result = (
            f"our re-run with {label} agrees: the {normalized} init brings it within a factor "
            f"{_sci(max(after, 1 / after))} of 1."
            if abs(math.log10(after)) < min(abs(math.log10(before)), HEALTHY_DECADES)
            else f"our re-run with {label} does not show it: the gradient still shrinks "
            f"{_sci(1 / after)}-fold toward the input with the {normalized} init."
        )
        sentences.append(
            f"Layer 1 receives {_sci(before)} of the top layer's gradient with the {standard} init and "
            f"{_sci(after)} with the {normalized} init (medians). {preset.finding}; {result}"
        )
    if preset.note:
        sentences.append(preset.note)
    return sentences


def preset_profile(layers: pd.DataFrame) -> pd.DataFrame:
    """The activation std per layer of each network of a preset (``preset_results``' layers), for
    a chart of log10 values: columns ``layer``, ``series`` (the network), ``log10``, ``text``."""
    frames = []
    for run, rows in layers.groupby("run", sort=False):
        std = rows["activation_std"].to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            frames.append(_log10_rows(rows["layer"], np.where(std > 0, np.log10(std), -math.inf), run))
    return pd.concat(frames, ignore_index=True)


def claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """``preset_results``' claims as a learner reads them: network, quantity, the published value
    and where it is printed ("—" where the source prints none), our re-run's median and range
    over the seeds, and agrees (✓ or ✗; "—" where there is nothing published to agree with)."""
    # A row with a published value shows ours to 6 digits, as many as the slides print.
    style = [
        "%" if m == "saturated_fraction" else ("6" if p is not None else "")
        for m, p in zip(claims["metric"], claims["published"], strict=True)
    ]
    show = lambda v, how: f"{v:.1%}" if how == "%" else (f"{v:.6g}" if how == "6" else _sci(v))
    seeds = claims["seeds"].iloc[0] if len(claims) else ""
    return pd.DataFrame(
        {
            "network": claims["run"],
            "quantity": claims["quantity"],
            "published": [text or "—" for text in claims["published_text"]],
            "where printed": [where or "—" for where in claims["where"]],
            f"our re-run: median (seeds {seeds})": [
                show(v, how) for v, how in zip(claims["median"], style, strict=True)
            ],
            "our re-run: range": [
                f"{show(lo, how)} to {show(hi, how)}"
                for lo, hi, how in zip(claims["low"], claims["high"], style, strict=True)
            ],
            "agrees": ["—" if a is None else ("✓" if a else "✗") for a in claims["agrees"]],
        }
    )
