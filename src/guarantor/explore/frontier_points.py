"""The deter-vs-sign frontier as data: its points, the frontier itself, and the levers' trades.

A :class:`FrontierPoint` is one candidate package (the shipped package it started from, its
lever settings, P(hold 10 y) and P(all sign) over the same worlds); a
:class:`DeterSignFrontier` holds the non-dominated points, the shipped packages as written and
every candidate assessed, and says which frontier point covers each shipped package and how each
lever moves along the frontier. :mod:`~guarantor.explore.frontier` finds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.errors import DataError
from guarantor.explore.search_space import lever_order
from guarantor.explore.variants import LEVERS, LeverValue, apply_levers
from guarantor.packages import Package

HOLD = "durability.held_120m"
"""The deterrence outcome: 1 where the peace holds 120 months."""
SIGN = "acceptability.package_signed"
"""The signature outcome: 1 where Ukraine and Russia accept and nobody vetoes."""


def _text(value: LeverValue) -> str:
    return value if isinstance(value, str) else f"{value:g}"


@dataclass(frozen=True)
class FrontierPoint:
    """One candidate: where it started, its levers, and its two outcomes over the same worlds.

    ``levers`` are the settings applied to the shipped package ``start`` (empty for the package
    as written); ``changed`` those of them that differ from the package as written; ``settings``
    every lever as it reads off the candidate (for a table with one column per lever).
    """

    start: str
    levers: Mapping[str, LeverValue]
    changed: Mapping[str, LeverValue]
    settings: Mapping[str, LeverValue]
    p_hold_10y: float
    p_signed: float
    as_written: bool = False

    @property
    def label(self) -> str:
        """``sky-shield-2025`` as written, else ``sky-shield-2025[nato_track=renounced, ...]``."""
        if not self.changed:
            return self.start
        text = ", ".join(f"{name}={_text(value)}" for name, value in self.changed.items())
        return f"{self.start}[{text}]"

    def package(self, start: Package) -> Package:
        """The candidate package, rebuilt from the package it started from."""
        if start.name != self.start:
            raise DataError.single(
                "a frontier point is rebuilt from the package it started from",
                field="start",
                expected=self.start,
                received=start.name,
            )
        return apply_levers(start, self.levers) if self.levers else start

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "label": self.label,
            "start": self.start,
            "as_written": self.as_written,
            "levers": dict(self.levers),
            "changed": dict(self.changed),
            "settings": dict(self.settings),
            "p_hold_10y": self.p_hold_10y,
            "p_signed": self.p_signed,
        }


@dataclass(frozen=True)
class DeterSignFrontier:
    """The non-dominated packages between deterring and being signed, and how they were found.

    ``points`` are sorted from the most signable to the most deterring; ``shipped`` are the
    shipped packages as written (the reference points); ``candidates`` every package assessed
    (the shipped ones first); ``searched`` names, per shipped package, the levers its search
    turned.
    """

    points: tuple[FrontierPoint, ...]
    shipped: tuple[FrontierPoint, ...]
    candidates: tuple[FrontierPoint, ...]
    worlds: int
    seed: int
    population: int
    generations: int
    evaluations: int
    seconds: float
    searched: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def dominating(self, reference: FrontierPoint) -> FrontierPoint:
        """The frontier point that equals or dominates ``reference`` (the nearest such)."""
        covering = [
            point
            for point in self.points
            if point.p_hold_10y >= reference.p_hold_10y and point.p_signed >= reference.p_signed
        ]
        if not covering:  # cannot happen: the shipped packages are in the pool
            raise ValueError(f"no frontier point covers {reference.label}")
        return min(
            covering,
            key=lambda p: (p.p_hold_10y - reference.p_hold_10y) + (p.p_signed - reference.p_signed),
        )

    def trades(self) -> list[dict[str, Any]]:
        """How each lever moves along the frontier, from the most signable point onwards.

        For each lever whose setting varies along the frontier: Spearman's rank correlation of
        its setting (amount, or rung on its ladder) with P(hold 10 y) over the frontier points.
        Along the frontier P(all sign) falls as P(hold) rises, so a positive correlation means
        the lever buys deterrence at the price of signature.
        """
        rows: list[tuple[float, dict[str, Any]]] = []
        hold = np.array([point.p_hold_10y for point in self.points])
        for name, lever in LEVERS.items():
            values = [point.settings.get(name) for point in self.points]
            if any(value is None for value in values) or len(self.points) < 3:
                continue
            order = np.array([lever_order(value, lever) for value in values if value is not None])
            if np.ptp(order) == 0 or np.ptp(hold) == 0:
                continue
            rho = _spearman(order, hold)
            first, last = values[0], values[-1]
            row = {
                "lever": name,
                "rho_with_hold": rho,
                "most_signable": None if first is None else _text(first),
                "most_deterring": None if last is None else _text(last),
            }
            rows.append((-abs(rho), row))
        return [row for _, row in sorted(rows, key=lambda item: item[0])]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: points, reference points, settings and the levers' trades."""
        return {
            "outcomes": {"deters": HOLD, "signed": SIGN},
            "worlds": self.worlds,
            "seed": self.seed,
            "population": self.population,
            "generations": self.generations,
            "evaluations": self.evaluations,
            "seconds": round(self.seconds, 3),
            "searched": {name: list(levers) for name, levers in self.searched.items()},
            "points": [point.to_dict() for point in self.points],
            "shipped": [
                {**point.to_dict(), "covered_by": self.dominating(point).label}
                for point in self.shipped
            ],
            "trades": self.trades(),
            "candidates": [
                {key: point.to_dict()[key] for key in ("label", "start", "p_hold_10y", "p_signed")}
                for point in self.candidates
            ],
        }


def _spearman(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    from scipy.stats import rankdata

    rx, ry = rankdata(x), rankdata(y)
    return float(np.corrcoef(rx, ry)[0, 1])
