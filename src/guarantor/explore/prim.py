"""PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), for scenario discovery.

Given experiments ``X`` (one row per experiment, one column per uncertainty or lever) and a
boolean ``y`` marking the *cases of interest* (e.g. the peace broke down within 24 months), PRIM
finds a box of ``X`` in which cases of interest are dense:

1. **Peeling.** Starting from the whole space, repeatedly cut off a slice holding ``peel_alpha``
   of the box's experiments from the low or high end of one dimension, choosing the cut that
   leaves the highest density of cases. Every dimension and both ends are scored at once, as
   arrays. The sequence of boxes is the *peeling trajectory*: coverage falls as density rises.
2. **Selection.** From the trajectory, take the densest box whose coverage is at least
   ``min_coverage`` (the analyst's coverage/density trade-off; the whole trajectory is returned).
3. **Pasting.** Widen the chosen box's limits again, ``paste_alpha`` of its experiments at a
   time, while that raises its density.
4. **Covering.** For more boxes, remove the experiments of the boxes found and repeat.

``max_restricted`` bounds the number of dimensions a box may limit (restricted dimensions keep
boxes readable), and each restriction carries a quasi-p-value (see :class:`~.boxes.Box`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.errors import DataError, Problem
from guarantor.explore.boxes import BoolArray, Box, FloatArray, box_of, inside


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory and the boxes found."""

    trajectory: tuple[Box, ...]
    boxes: tuple[Box, ...]
    selected: int
    base_rate: float

    def to_dict(self, case: str = "cases of interest") -> dict[str, Any]:
        """JSON-ready data: boxes, and the trajectory as coverage/density/restricted rows."""
        return {
            "base_rate": self.base_rate,
            "boxes": [box.to_dict(case) for box in self.boxes],
            "selected_on_trajectory": self.selected,
            "trajectory": [
                {
                    "coverage": box.coverage,
                    "density": box.density,
                    "mass": box.mass,
                    "restricted": len(box.restricted),
                }
                for box in self.trajectory
            ],
        }


def check_inputs(X: Any, y: Any, names: Sequence[str]) -> tuple[FloatArray, BoolArray]:
    """Turn inputs into arrays; raise a :class:`DataError` naming every mismatch."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=bool)
    problems = []
    if X.ndim != 2 or X.shape[1] != len(names):
        problems.append(
            Problem(
                "experiments must be a table with one column per dimension",
                field="X",
                expected=f"shape (n, {len(names)})",
                received=str(X.shape),
            )
        )
    elif y.shape != (X.shape[0],):
        problems.append(
            Problem(
                "one case flag per experiment",
                field="y",
                expected=f"shape ({X.shape[0]},)",
                received=str(y.shape),
            )
        )
    elif X.shape[0] == 0 or X.shape[1] == 0:
        problems.append(
            Problem(
                "need at least one experiment and one dimension",
                field="X",
                expected="shape (n ≥ 1, d ≥ 1)",
                received=str(X.shape),
            )
        )
    elif not np.isfinite(X).all():
        problems.append(
            Problem("experiments must be finite numbers", field="X", received="nan/inf")
        )
    if problems:
        raise DataError(problems)
    return X, y


def _peel_candidates(
    X: FloatArray, y: BoolArray, alpha: float, allowed: BoolArray
) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Score every one-slice peel: densities and kept masks (2d candidates) and the new bounds."""
    low_cut, high_cut = np.quantile(X, [alpha, 1.0 - alpha], axis=0)
    keep_low = np.greater_equal(X, low_cut)
    ties = keep_low.all(axis=0)  # a tied minimum: peel the tied values themselves
    keep_low[:, ties] = X[:, ties] > low_cut[ties]
    keep_high = np.less_equal(X, high_cut)
    ties = keep_high.all(axis=0)
    keep_high[:, ties] = X[:, ties] < high_cut[ties]
    keep = np.concatenate([keep_low, keep_high], axis=1)
    kept = keep.sum(axis=0)
    density = np.where(kept > 0, (keep & y[:, None]).sum(axis=0) / np.maximum(kept, 1), -1.0)
    usable = (kept > 0) & (kept < X.shape[0]) & np.concatenate([allowed, allowed])
    density = np.where(usable, density, -1.0)
    doubled = np.concatenate([X, X], axis=1)
    d = X.shape[1]
    bounds = np.concatenate(
        [
            np.where(keep[:, :d], doubled[:, :d], np.inf).min(axis=0),
            np.where(keep[:, d:], doubled[:, d:], -np.inf).max(axis=0),
        ]
    )
    return density, keep, bounds


def _peel(
    X: FloatArray,
    y: BoolArray,
    names: Sequence[str],
    *,
    alpha: float,
    mass_min: float,
    max_restricted: int | None,
    total_cases: int,
    total: int,
) -> list[Box]:
    d = X.shape[1]
    lows, highs = np.full(d, -np.inf), np.full(d, np.inf)
    boxes = [box_of(X, y, names, lows, highs, total_cases=total_cases, total=total, p_values=False)]
    mask = np.ones(X.shape[0], dtype=bool)
    while True:
        restricted = np.isfinite(lows) | np.isfinite(highs)
        allowed = (
            restricted | (restricted.sum() < max_restricted)
            if max_restricted is not None
            else np.ones(d, dtype=bool)
        )
        Xi, yi = X[mask], y[mask]
        if yi.all():
            break
        density, keep, bounds = _peel_candidates(Xi, yi, alpha, allowed)
        kept = keep.sum(axis=0)
        score = np.where(kept / total >= mass_min, density, -1.0)
        best = int(np.lexsort((kept, score))[-1])  # highest density, then the larger box
        if score[best] < 0:
            break
        j = best % d
        if best < d:
            lows[j] = bounds[best]
        else:
            highs[j] = bounds[best]
        mask = inside(X, lows, highs)
        boxes.append(
            box_of(X, y, names, lows, highs, total_cases=total_cases, total=total, p_values=False)
        )
    return boxes


def _paste(
    X: FloatArray, y: BoolArray, box: Box, *, alpha: float, total_cases: int, total: int
) -> Box:
    lows, highs = box.lows.copy(), box.highs.copy()
    current = box
    while True:
        best: Box | None = None
        for j in range(X.shape[1]):
            others_lows, others_highs = lows.copy(), highs.copy()
            others_lows[j], others_highs[j] = -np.inf, np.inf
            along = inside(X, others_lows, others_highs)
            step = max(1, int(np.ceil(alpha * current.n_experiments)))
            for side in ("low", "high"):
                bound = lows[j] if side == "low" else highs[j]
                if not np.isfinite(bound):
                    continue
                values = X[along, j]
                outside = (
                    np.sort(values[values < bound])[::-1]
                    if side == "low"
                    else np.sort(values[values > bound])
                )
                if outside.size == 0:
                    continue
                new_lows, new_highs = lows.copy(), highs.copy()
                reach = outside[min(step, outside.size) - 1]
                if side == "low":
                    new_lows[j] = -np.inf if step >= outside.size else reach
                else:
                    new_highs[j] = np.inf if step >= outside.size else reach
                candidate = box_of(
                    X, y, box.names, new_lows, new_highs, total_cases=total_cases, total=total
                )
                if candidate.density > (best or current).density:
                    best = candidate
        if best is None:
            return current
        current, lows, highs = best, best.lows.copy(), best.highs.copy()


def _drop_insignificant(
    X: FloatArray,
    y: BoolArray,
    names: Sequence[str],
    box: Box,
    significance: float,
    *,
    total_cases: int,
    total: int,
) -> Box:
    """Remove, one at a time, the restriction with the largest quasi-p-value above the level."""
    current = box_of(X, y, names, box.lows, box.highs, total_cases=total_cases, total=total)
    while current.p_values:
        name, worst = max(current.p_values.items(), key=lambda item: item[1])
        if worst <= significance:
            break
        j = list(names).index(name)
        lows, highs = current.lows.copy(), current.highs.copy()
        lows[j], highs[j] = -np.inf, np.inf
        current = box_of(X, y, names, lows, highs, total_cases=total_cases, total=total)
    return current


def prim(
    X: Any,
    y: Any,
    names: Sequence[str],
    *,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    min_coverage: float = 0.5,
    max_restricted: int | None = None,
    max_boxes: int = 1,
    density_tolerance: float = 0.02,
    significance: float = 0.05,
) -> PrimResult:
    """Find boxes where cases of interest are dense (see the module docstring).

    Raises:
        DataError: the inputs do not match, or hold no case of interest.
    """
    X, y = check_inputs(X, y, names)
    if not 0 < peel_alpha < 0.5 or not 0 < paste_alpha < 0.5:
        raise DataError.single(
            "peel and paste alphas must lie in (0, 0.5)",
            field="peel_alpha",
            received=f"{peel_alpha}, {paste_alpha}",
        )
    total_cases, total = int(y.sum()), int(y.size)
    if total_cases == 0:
        raise DataError.single(
            "no experiment is a case of interest", field="case", expected="at least one"
        )
    boxes: list[Box] = []
    remaining = np.ones(total, dtype=bool)
    trajectory: list[Box] = []
    selected = 0
    for number in range(max_boxes):
        Xr, yr = X[remaining], y[remaining]
        if not yr.any():
            break
        peeled = _peel(
            Xr,
            yr,
            names,
            alpha=peel_alpha,
            mass_min=mass_min,
            max_restricted=max_restricted,
            total_cases=total_cases,
            total=total,
        )
        # coverage of the cases still uncovered, so that later boxes face the same trade-off
        needed = min_coverage * yr.sum()
        eligible = [i for i, box in enumerate(peeled) if box.n_cases >= needed] or [0]
        best_density = max(peeled[i].density for i in eligible)
        # densities within the tolerance count as equal: prefer the earlier, larger box
        choice = next(i for i in eligible if peeled[i].density >= best_density - density_tolerance)
        pasted = _paste(
            Xr, yr, peeled[choice], alpha=paste_alpha, total_cases=total_cases, total=total
        )
        found = _drop_insignificant(
            Xr, yr, names, pasted, significance, total_cases=total_cases, total=total
        )
        if not found.restricted:
            break
        if number == 0:
            trajectory, selected = peeled, choice
        boxes.append(found)
        remaining &= ~inside(X, found.lows, found.highs)
    return PrimResult(tuple(trajectory), tuple(boxes), selected, total_cases / total)
