"""Boxes: the readable answer of scenario discovery ("fails when resolve < 0.35 and ...")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def inside(X: FloatArray, lows: FloatArray, highs: FloatArray) -> BoolArray:
    """Which rows of ``X`` lie in the box (bounds inclusive; infinite bounds are no limit)."""
    return np.all((lows <= X) & (highs >= X), axis=1)  # type: ignore[no-any-return]


def _number(value: float) -> str:
    return f"{value:.3g}"


@dataclass(frozen=True)
class Box:
    """A box in the space of uncertainties (and levers), with how well it captures the cases.

    ``coverage`` is the share of all cases of interest that fall in the box, ``density`` the share
    of the box's experiments that are cases of interest, ``mass`` the share of all experiments in
    the box. ``p_values`` holds, for each restricted dimension, the quasi-p-value of that
    restriction: the binomial probability of seeing at least the box's cases in its experiments if
    the density were that of the box with the restriction removed (as in EMA Workbench).
    """

    names: tuple[str, ...]
    lows: FloatArray
    highs: FloatArray
    coverage: float
    density: float
    mass: float
    n_experiments: int
    n_cases: int
    p_values: dict[str, float] = field(default_factory=dict)

    @property
    def restricted(self) -> tuple[str, ...]:
        """The dimensions the box limits."""
        return tuple(
            name
            for name, low, high in zip(self.names, self.lows, self.highs, strict=True)
            if np.isfinite(low) or np.isfinite(high)
        )

    def limits(self) -> dict[str, tuple[float | None, float | None]]:
        """The limits on each restricted dimension (``None`` for an open side)."""
        result: dict[str, tuple[float | None, float | None]] = {}
        for name, low, high in zip(self.names, self.lows, self.highs, strict=True):
            if np.isfinite(low) or np.isfinite(high):
                result[name] = (
                    float(low) if np.isfinite(low) else None,
                    float(high) if np.isfinite(high) else None,
                )
        return result

    def conditions(self) -> list[str]:
        """The box as conditions, one per restricted dimension, e.g. ``resolve ≤ 0.35``."""
        words = []
        for name, (low, high) in self.limits().items():
            if low is not None and high is not None:
                words.append(f"{_number(low)} ≤ {name} ≤ {_number(high)}")
            elif low is not None:
                words.append(f"{name} ≥ {_number(low)}")
            else:
                words.append(f"{name} ≤ {_number(high)}")  # type: ignore[arg-type]
        return words

    def describe(self, case: str = "cases of interest") -> str:
        """One readable sentence."""
        where = " and ".join(self.conditions()) or "everywhere"
        return (
            f"{case} in {self.density:.0%} of experiments when {where} "
            f"(covers {self.coverage:.0%} of all such cases; {self.mass:.0%} of experiments)"
        )

    def to_dict(self, case: str = "cases of interest") -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "limits": {name: list(bounds) for name, bounds in self.limits().items()},
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "n_experiments": self.n_experiments,
            "n_cases": self.n_cases,
            "p_values": self.p_values,
            "text": self.describe(case),
        }


def box_of(
    X: FloatArray,
    y: BoolArray,
    names: Sequence[str],
    lows: FloatArray,
    highs: FloatArray,
    *,
    total_cases: int | None = None,
    total: int | None = None,
    p_values: bool = True,
) -> Box:
    """Measure a box against the data (coverage, density, mass, quasi-p-values)."""
    from scipy.stats import binom

    mask = inside(X, lows, highs)
    n_box = int(mask.sum())
    cases = int(y[mask].sum())
    total_cases = int(y.sum()) if total_cases is None else total_cases
    total = y.size if total is None else total
    quasi_p: dict[str, float] = {}
    for j, name in enumerate(names if p_values else ()):
        if not (np.isfinite(lows[j]) or np.isfinite(highs[j])):
            continue
        wider_lows, wider_highs = lows.copy(), highs.copy()
        wider_lows[j], wider_highs[j] = -np.inf, np.inf
        wider = inside(X, wider_lows, wider_highs)
        rate = float(y[wider].mean()) if wider.any() else 0.0
        quasi_p[name] = float(binom.sf(cases - 1, n_box, rate)) if n_box else 1.0
    return Box(
        tuple(names),
        lows.copy(),
        highs.copy(),
        coverage=cases / total_cases if total_cases else 0.0,
        density=cases / n_box if n_box else 0.0,
        mass=n_box / total if total else 0.0,
        n_experiments=n_box,
        n_cases=cases,
        p_values=quasi_p,
    )
