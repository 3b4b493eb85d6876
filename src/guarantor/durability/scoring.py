"""Scores of survival forecasts against what happened: Brier, base rate, C, reliability.

The Brier score is taken over the forecasts whose outcome is known (a case watched for less than
a horizon, and still at peace, is not scored there), with 95 % intervals from resampling cases
(:data:`BOOTSTRAP` times); Harrell's C ranks the cases' durations by forecast risk; the
reliability table sets predicted against observed by decile, and :func:`reliability_svg` draws
it. :func:`cohen_kappa` measures how much two codings of a field agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.durability.cases import Case
from guarantor.durability.fitting import HORIZONS_MONTHS

FloatArray = NDArray[np.float64]
BOOTSTRAP = 2000


def observed_outcomes(cases: Sequence[Case]) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Held (1) or not (0) at each horizon, and whether that outcome is known yet."""
    held = np.array([[float(case.held_for(h)) for h in HORIZONS_MONTHS] for case in cases])
    known = np.array([[case.known_at(h) for h in HORIZONS_MONTHS] for case in cases], dtype=bool)
    return held.reshape(len(cases), len(HORIZONS_MONTHS)), known.reshape(held.shape[0], -1)


def base_rates(cases: Sequence[Case]) -> FloatArray:
    """Share of ``cases`` that held at each horizon, among those whose outcome is known."""
    held, known = observed_outcomes(cases)
    counts = np.maximum(known.sum(axis=0), 1)
    return np.asarray((held * known).sum(axis=0) / counts, dtype=np.float64)


def harrell_c(risk: FloatArray, months: FloatArray, failed: NDArray[np.bool_]) -> float:
    """Harrell's concordance: of usable pairs, the share where the earlier failure had more risk.

    A pair is usable when the case with the shorter time failed (the other outlasted it); ties in
    risk count a half. 0.5 is chance, 1 a perfect ordering.
    """
    concordant = usable = 0.0
    for i in range(risk.size):
        if not failed[i]:
            continue
        later = months > months[i]
        usable += later.sum()
        concordant += (risk[i] > risk[later]).sum() + 0.5 * (risk[i] == risk[later]).sum()
    return float(concordant / usable) if usable else math.nan


@dataclass(frozen=True)
class Scores:
    """Brier scores of a set of forecasts and of the base rate, with bootstrap intervals."""

    brier: float
    brier_base_rate: float
    brier_interval: tuple[float, float]
    base_rate_interval: tuple[float, float]
    skill: float  # 1 − Brier / base rate's Brier
    skill_interval: tuple[float, float]
    difference_interval: tuple[float, float]  # base rate's Brier − Brier (> 0: better)
    by_horizon: tuple[tuple[float, float], ...]  # (Brier, base rate's Brier) per horizon
    harrell_c: float
    reliability: tuple[dict[str, float], ...]
    n_cases: int
    n_forecasts: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        years = [h // 12 for h in HORIZONS_MONTHS]
        return {
            "brier": self.brier,
            "brier_95": list(self.brier_interval),
            "brier_base_rate": self.brier_base_rate,
            "brier_base_rate_95": list(self.base_rate_interval),
            "skill": self.skill,
            "skill_95": list(self.skill_interval),
            "base_rate_minus_brier_95": list(self.difference_interval),
            "by_horizon": [
                {"years": y, "brier": b, "brier_base_rate": r}
                for y, (b, r) in zip(years, self.by_horizon, strict=True)
            ],
            "harrell_c": self.harrell_c,
            "reliability": list(self.reliability),
            "n_cases": self.n_cases,
            "n_forecasts": self.n_forecasts,
        }


def reliability_table(
    predicted: FloatArray, observed: FloatArray, *, bins: int = 10
) -> tuple[dict[str, float], ...]:
    """Predicted against observed by decile of the prediction (equal-count bins)."""
    order = np.argsort(predicted, kind="stable")
    rows = []
    for index, chunk in enumerate(np.array_split(order, min(bins, predicted.size))):
        if chunk.size == 0:
            continue
        rows.append(
            {
                "bin": float(index + 1),
                "n": float(chunk.size),
                "predicted_low": float(predicted[chunk].min()),
                "predicted_high": float(predicted[chunk].max()),
                "mean_predicted": float(predicted[chunk].mean()),
                "observed_share": float(observed[chunk].mean()),
            }
        )
    return tuple(rows)


def score(
    cases: Sequence[Case], predicted: FloatArray, base: FloatArray, *, seed: int = 0
) -> Scores:
    """Brier (known outcomes only), base rate, case-bootstrap intervals, C and reliability."""
    held, known = observed_outcomes(cases)
    error = np.where(known, (predicted - held) ** 2, 0.0)
    error_base = np.where(known, (base - held) ** 2, 0.0)
    counts = known.sum(axis=1).astype(np.float64)

    def briers(rows: NDArray[np.intp]) -> tuple[float, float]:
        n = max(counts[rows].sum(), 1.0)
        return float(error[rows].sum() / n), float(error_base[rows].sum() / n)

    everyone = np.arange(len(cases))
    brier, brier_base = briers(everyone)
    rng = np.random.default_rng(seed)
    draws = np.array([briers(rng.integers(0, len(cases), len(cases))) for _ in range(BOOTSTRAP)])
    skill_draws = 1.0 - draws[:, 0] / np.maximum(draws[:, 1], 1e-12)

    def interval(values: FloatArray) -> tuple[float, float]:
        low, high = np.percentile(values, [2.5, 97.5])
        return float(low), float(high)

    per_horizon = tuple(
        (
            float(error[:, j].sum() / max(known[:, j].sum(), 1)),
            float(error_base[:, j].sum() / max(known[:, j].sum(), 1)),
        )
        for j in range(len(HORIZONS_MONTHS))
    )
    months = np.array([case.months.value for case in cases])
    failed = np.array([not case.held for case in cases], dtype=bool)
    return Scores(
        brier=brier,
        brier_base_rate=brier_base,
        brier_interval=interval(draws[:, 0]),
        base_rate_interval=interval(draws[:, 1]),
        skill=1.0 - brier / brier_base if brier_base > 0 else math.nan,
        skill_interval=interval(skill_draws),
        difference_interval=interval(draws[:, 1] - draws[:, 0]),
        by_horizon=per_horizon,
        harrell_c=harrell_c(1.0 - predicted[:, -1], months, failed),
        reliability=reliability_table(predicted[known], held[known]),
        n_cases=len(cases),
        n_forecasts=int(known.sum()),
    )


def reliability_svg(rows: Sequence[dict[str, float]], *, title: str = "Reliability") -> str:
    """A reliability diagram as a small standalone SVG (no script, no external resources).

    Each decile of the forecasts is a dot at (mean predicted, observed share), its area scaled
    by the number of forecasts; the diagonal is perfect calibration.
    """
    size, pad = 320, 40
    span = size - 2 * pad

    def x(p: float) -> float:
        return pad + p * span

    def y(p: float) -> float:
        return size - pad - p * span

    largest = max((row["n"] for row in rows), default=1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="{title}">',
        f'<text x="{size / 2}" y="20" text-anchor="middle" font-size="13">{title}</text>',
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#888"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#bbb" '
        'stroke-dasharray="4 3"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{x(tick)}" y="{size - pad + 14}" text-anchor="middle" '
            f'font-size="10">{tick:.1f}</text>'
        )
        parts.append(
            f'<text x="{pad - 6}" y="{y(tick) + 3}" text-anchor="end" font-size="10">'
            f"{tick:.1f}</text>"
        )
    parts.append(
        f'<text x="{size / 2}" y="{size - 6}" text-anchor="middle" font-size="11">'
        "predicted P(peace holds)</text>"
    )
    parts.append(
        f'<text x="12" y="{size / 2}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 12 {size / 2})">observed share held</text>'
    )
    points = " ".join(f"{x(r['mean_predicted']):.1f},{y(r['observed_share']):.1f}" for r in rows)
    if points:
        parts.append(f'<polyline points="{points}" fill="none" stroke="#1f5fa8"/>')
    for row in rows:
        radius = 3.0 + 6.0 * math.sqrt(row["n"] / largest)
        parts.append(
            f'<circle cx="{x(row["mean_predicted"]):.1f}" cy="{y(row["observed_share"]):.1f}" '
            f'r="{radius:.1f}" fill="#1f5fa8" fill-opacity="0.7"><title>decile '
            f"{int(row['bin'])}: predicted {row['mean_predicted']:.2f}, observed "
            f"{row['observed_share']:.2f}, n={int(row['n'])}</title></circle>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two codings of one field (1 full agreement, 0 chance)."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    chance = sum((first.count(v) / n) * (second.count(v) / n) for v in labels)
    return 1.0 if chance >= 1.0 else float((observed - chance) / (1.0 - chance))
