"""What a package can actually field: pledges checked against fleets and base ramps.

A pledge above a nation's fleet of that type, or aircraft above a base's ramp capacity, is
flagged, not refused; the model then works with what can be fielded. A commitment whose actor
does not fly a type (a host nation pledging allied fighters from its bases) is checked against
the pooled fleets of the nations ``air/data.yaml`` lists for that type. Pledges over a limit are
scaled down in proportion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

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


def fielded(pledges: AirPledges, data: AirData, counts: FloatArray | None = None) -> Fielded:
    """Check fighter pledges (or ``counts`` in their place) against fleets and ramps.

    Fleets first (by actor and type, or pooled), then ramps (by base) on what the fleets allow.
    """
    fighters = pledges.fighters
    amount = np.array([f.count for f in fighters], np.float64) if counts is None else counts
    actors = {c.id: c.actor for c in pledges.commitments}
    fleets: dict[tuple[str, str], float] = {}
    for row in data.inventories:
        fleets[(row.nation, row.type)] = float(row.aircraft.value)
    pooled: dict[str, float] = defaultdict(float)
    for (_, kind), size in fleets.items():
        pooled[kind] += size
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, pledge in enumerate(fighters):
        actor = actors.get(pledge.commitment, "")
        owner = actor if (actor, pledge.kind.id) in fleets else "pooled"
        groups[(owner, pledge.kind.id)].append(i)
    scale = np.ones(len(fighters))
    checks: list[dict[str, Any]] = []
    for (owner, kind), rows in groups.items():
        limit = fleets.get((owner, kind)) if owner != "pooled" else pooled.get(kind)
        if limit is None:
            continue
        asked = float(amount[rows].sum())
        if asked > limit > 0:
            scale[rows] = limit / asked
        elif asked > 0 and limit <= 0:
            scale[rows] = 0.0
        checks.append(
            {
                "check": "fleet" if owner != "pooled" else "pooled fleet",
                "subject": f"{kind} of {owner}" if owner != "pooled" else f"{kind} (coalition)",
                "pledged": round(asked, 2),
                "limit": limit,
                "fieldable": round(min(asked, limit), 2),
                "flagged": asked > limit + 1e-9,
            }
        )
    after = amount * scale
    ramps = {row.base: float(row.aircraft.value) for row in data.ramps}
    bases: dict[str, list[int]] = defaultdict(list)
    for i, pledge in enumerate(fighters):
        bases[pledge.base.id].append(i)
    for base, rows in bases.items():
        limit = ramps.get(base)
        if limit is None:
            continue
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
            }
        )
    return Fielded(np.asarray(after, np.float64), tuple(checks))


def with_counts(pledges: AirPledges, counts: FloatArray) -> AirPledges:
    """The same pledges with fighter counts replaced (what can be fielded)."""
    fighters = tuple(
        replace(pledge, count=float(count))
        for pledge, count in zip(pledges.fighters, counts, strict=True)
    )
    return replace(pledges, fighters=fighters)
