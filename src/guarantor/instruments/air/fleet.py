"""What a package can actually field: pledges checked against what nations can deploy, and ramps.

A pledge is checked against what its nation can keep committed of that type
(:mod:`guarantor.coalition`): from its own bases, the fleet times the home share; from a base
abroad, the fleet times the expeditionary share over the rotation ratio. A commitment whose actor
does not fly the type (a host nation pledging allied fighters from its bases) is checked against
what the coalition's other flyers of the type could sustain abroad beyond their own pledges.
Pledges over a limit are flagged with the figure, not refused, and scaled down in proportion;
then bases' ramps cap what the fleets allow.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.coalition import CoalitionData, Deployable, aircraft
from guarantor.coalition import shipped_data as coalition_data
from guarantor.instruments.air.data import AirData
from guarantor.instruments.air.pledges import AirPledges

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Fielded:
    """Aircraft each fighter pledge can field, and the checks behind it."""

    counts: FloatArray
    """Fieldable aircraft per fighter pledge (pledges order)."""
    checks: tuple[dict[str, Any], ...]
    """One row per limit checked: what, against which limit, pledged, fieldable, flagged."""

    @property
    def flagged(self) -> tuple[dict[str, Any], ...]:
        """The checks whose limit the pledge exceeds."""
        return tuple(row for row in self.checks if row["flagged"])


def fielded(
    pledges: AirPledges,
    data: AirData,
    counts: FloatArray | None = None,
    *,
    coalition: CoalitionData | None = None,
) -> Fielded:
    """Check fighter pledges (or ``counts`` in their place) against what nations can deploy.

    Nations first (by actor and type, at home or abroad, or pooled), then ramps (by base) on
    what the nations allow.
    """
    coalition = coalition or coalition_data()
    fighters = pledges.fighters
    amount = np.array([f.count for f in fighters], np.float64) if counts is None else counts
    actors = {c.id: c.actor for c in pledges.commitments}
    groups: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for i, pledge in enumerate(fighters):
        actor = actors.get(pledge.commitment, "")
        home = pledge.base.country == actor
        if aircraft(actor, pledge.kind.id, data=coalition) is None:
            groups[("pooled", pledge.kind.id, False)].append(i)
        else:
            groups[(actor, pledge.kind.id, home)].append(i)
    own: dict[tuple[str, str], float] = defaultdict(float)
    for (owner, kind, _), rows in groups.items():
        if owner != "pooled":
            own[(owner, kind)] += float(amount[rows].sum())
    scale = np.ones(len(fighters))
    checks: list[dict[str, Any]] = []
    for (owner, kind, home), rows in groups.items():
        asked = float(amount[rows].sum())
        if owner == "pooled":
            limit, low, high, how = _pooled(kind, own, coalition)
            subject = f"{kind} (coalition)"
            line = (
                f"{asked:,.0f} {kind} pledged by nations that do not fly it; the coalition's "
                f"other flyers could sustain about {limit:,.0f} more abroad ({low:,.0f}-"
                f"{high:,.0f}): {how}"
            )
        else:
            figure = aircraft(owner, kind, at_home=home, data=coalition)
            assert figure is not None
            limit, low, high = figure.quantity, figure.low, figure.high
            subject = f"{kind} of {owner}"
            line = figure.describe(asked)
        if asked > limit > 0:
            scale[rows] = limit / asked
        elif asked > 0 and limit <= 0:
            scale[rows] = 0.0
        checks.append(
            {
                "check": "deployable" if owner != "pooled" else "pooled deployable",
                "subject": subject,
                "pledged": round(asked, 2),
                "limit": round(limit, 2),
                "limit_low": round(low, 2),
                "limit_high": round(high, 2),
                "fieldable": round(min(asked, limit), 2),
                "flagged": asked > limit + 1e-9,
                "derivation": line,
            }
        )
    after = amount * scale
    ramps = {row.base: float(row.aircraft.value) for row in data.ramps}
    bases: dict[str, list[int]] = defaultdict(list)
    for i, pledge in enumerate(fighters):
        bases[pledge.base.id].append(i)
    for base, rows in bases.items():
        ramp = ramps.get(base)
        if ramp is None:
            continue
        limit = ramp
        asked = float(after[rows].sum())
        if asked > limit > 0:
            after[rows] = after[rows] * (limit / asked)
        checks.append(
            {
                "check": "ramp",
                "subject": base,
                "pledged": round(asked, 2),
                "limit": limit,
                "fieldable": round(min(asked, limit), 2),
                "flagged": asked > limit + 1e-9,
                "derivation": f"{asked:,.0f} fighters at {base}, whose ramp takes {limit:,.0f}",
            }
        )
    return Fielded(np.asarray(after, np.float64), tuple(checks))


def _pooled(
    kind: str, own: dict[tuple[str, str], float], coalition: CoalitionData
) -> tuple[float, float, float, str]:
    """What the coalition's flyers of ``kind`` could sustain abroad beyond their own pledges."""
    figures: list[Deployable] = []
    for actor in coalition.contributors():
        figure = aircraft(actor, kind, data=coalition)
        if figure is not None:
            figures.append(figure)
    spare = [(f, max(f.quantity - own.get((f.actor, kind), 0.0), 0.0)) for f in figures]
    limit = sum(s for _, s in spare)
    low = sum(max(f.low - own.get((f.actor, kind), 0.0), 0.0) for f in figures)
    high = sum(max(f.high - own.get((f.actor, kind), 0.0), 0.0) for f in figures)
    how = ", ".join(f"{f.actor} {s:,.0f}" for f, s in spare if s > 0) or "no flyer has any spare"
    return limit, low, high, how


def with_counts(pledges: AirPledges, counts: FloatArray) -> AirPledges:
    """The same pledges with fighter counts replaced (what can be fielded)."""
    fighters = tuple(
        replace(pledge, count=float(count))
        for pledge, count in zip(pledges.fighters, counts, strict=True)
    )
    return replace(pledges, fighters=fighters)
