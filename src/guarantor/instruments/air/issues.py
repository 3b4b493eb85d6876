"""Where air policing puts a package on the ``foreign_aircraft`` dimension.

Foreign fighters guarding Ukraine's sky from bases in Poland and Romania: 1 at none, 0 at the
Sky Shield plan's 120 fighters (The Guardian, 5-6 March 2025), whose range 60-200 spans half the
plan to the largest air-policing force discussed. Tankers do not count; every fighter pledged
counts whether or not it flies a standing patrol.
"""

from __future__ import annotations

from guarantor.instruments.contract import IssuePosition
from guarantor.instruments.issues import scale
from guarantor.packages.schema import AirPolicing, Package, magnitude
from guarantor.sourcing import Quantity

FULL_SHIELD = Quantity(
    value=120,
    low=60,
    high=200,
    unit="aircraft",
    assumption="Sky Shield's 120 fighters (The Guardian, 5-6 Mar 2025) as a full air shield; "
    "range from half the plan to the largest force discussed",
)


def positions(package: Package) -> tuple[IssuePosition, ...]:
    """The fighters the package puts over Ukraine."""
    members = [c for c in package.commitments if isinstance(c, AirPolicing)]
    fighters = sum(magnitude(p.count) for c in members for p in c.aircraft)
    return scale(
        "foreign_aircraft",
        fighters,
        FULL_SHIELD,
        [c.id for c in members],
        f"{fighters:,.0f} foreign fighters guarding Ukraine's sky",
    )
