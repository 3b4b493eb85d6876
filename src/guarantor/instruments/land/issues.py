"""Where land commitments put a package on the issue dimensions: troops, monitors, army cap.

* ``foreign_troops``: troops inside Ukraine (reassurance forces and instructors stationed there;
  forces in neighbouring NATO states do not count, as Merz's offer of 6 January 2026 was framed
  to avoid), on a scale that is 1 at none and 0 at a full deterrence force of 100,000 (IISS's
  large option is a 60,000-100,000 corps, April 2025; Zelensky floated 200,000, February 2025).
* ``monitors``: ceasefire monitors, 1 at none and 0 at 6,000 (CSIS's estimate of a minimal
  monitoring mission, range 3,000-10,000; the OSCE mission peaked near 1,300).
* ``army_cap``: the cap on Ukraine's army between 800,000 (0; the 20-point draft of 24 December
  2025) and 85,000 (1; Russia's Istanbul proposal of 15 April 2022); a cap written with a range
  (Istanbul's 85,000-250,000) keeps that range.
"""

from __future__ import annotations

from guarantor.instruments.contract import IssuePosition
from guarantor.instruments.issues import scale
from guarantor.packages.schema import (
    ArmyCap,
    ForceLocation,
    MonitoringMission,
    Package,
    ReassuranceForce,
    TrainingMission,
    magnitude,
)
from guarantor.sourcing import Quantity

FULL_FORCE = Quantity(
    value=100_000,
    low=60_000,
    high=200_000,
    unit="troops",
    assumption="a force at which the position is 0: IISS's large option is a 60,000-100,000 "
    "corps (Apr 2025); Zelensky floated 200,000 (Feb 2025)",
)
FULL_MONITORING = Quantity(
    value=6_000,
    low=3_000,
    high=10_000,
    unit="people",
    assumption="CSIS puts a minimal monitoring mission at about 6,000 (the OSCE SMM peaked near "
    "1,300 on a far shorter line)",
)
CAP_NONE, CAP_ISTANBUL = 800_000.0, 85_000.0
"""Army sizes at 0 (the 20-point draft) and 1 (Russia's Istanbul 2022 proposal) on ``army_cap``."""


def _cap_position(troops: float) -> float:
    return min(1.0, max(0.0, (CAP_NONE - troops) / (CAP_NONE - CAP_ISTANBUL)))


def positions(package: Package) -> tuple[IssuePosition, ...]:
    """Troops inside Ukraine, monitors and the tightest cap on Ukraine's army."""
    inside = [
        c
        for c in package.commitments
        if isinstance(c, ReassuranceForce | TrainingMission)
        and c.location is ForceLocation.INSIDE_UKRAINE
    ]
    troops = sum(
        magnitude(c.troops) if isinstance(c, ReassuranceForce) else magnitude(c.instructors)
        for c in inside
    )
    monitors = [c for c in package.commitments if isinstance(c, MonitoringMission)]
    found = [
        *scale(
            "foreign_troops",
            troops,
            FULL_FORCE,
            [c.id for c in inside],
            f"{troops:,.0f} foreign troops and instructors inside Ukraine",
        ),
        *scale(
            "monitors",
            sum(magnitude(c.monitors) for c in monitors),
            FULL_MONITORING,
            [c.id for c in monitors],
            f"{sum(magnitude(c.monitors) for c in monitors):,.0f} ceasefire monitors"
            + (" (armed)" if any(c.armed for c in monitors) else ""),
        ),
    ]
    caps = [c for c in package.commitments if isinstance(c, ArmyCap)]
    if caps:
        tightest = min(caps, key=lambda c: magnitude(c.troops))
        value = magnitude(tightest.troops)
        low, high = (
            tightest.troops.range
            if isinstance(tightest.troops, Quantity) and tightest.troops.low is not None
            else (value, value)
        )
        position = Quantity(
            value=_cap_position(value),
            low=_cap_position(high),
            high=_cap_position(low),
            unit="1",
            assumption=f"a cap of {value:,.0f} ({low:,.0f}-{high:,.0f}) between 800,000 "
            "(20-point draft, 24 Dec 2025) and 85,000 (Russia's Istanbul proposal, 15 Apr 2022)",
        )
        found.append(
            IssuePosition(
                "army_cap",
                position,
                tuple(c.id for c in caps),
                f"Ukraine's army capped at {value:,.0f} troops",
            )
        )
    return tuple(found)
