"""Where maritime security puts a package on the ``black_sea_warships`` dimension.

Warships and mine-countermeasure vessels in the Black Sea: 1 at none, 0 at a full escort force
of 12 ships (range 6-20: the 2024 Black Sea mine-countermeasures task group had 4 ships; a
convoy escort for the Odesa lane needs several escort groups). Ships that stay outside the Black
Sea do not count.
"""

from __future__ import annotations

from guarantor.instruments.contract import IssuePosition
from guarantor.instruments.issues import scale
from guarantor.packages.schema import MaritimeSecurity, Package, magnitude
from guarantor.sourcing import Quantity

FULL_ESCORT = Quantity(
    value=12,
    low=6,
    high=20,
    unit="ships",
    assumption="a full escort force for the Odesa lane; the 2024 MCM task group had 4 ships",
)


def positions(package: Package) -> tuple[IssuePosition, ...]:
    """The warships the package puts in the Black Sea."""
    members = [c for c in package.commitments if isinstance(c, MaritimeSecurity) and c.in_black_sea]
    ships = sum(magnitude(p.count) for c in members for p in c.ships)
    return scale(
        "black_sea_warships",
        ships,
        FULL_ESCORT,
        [c.id for c in members],
        f"{ships:,.0f} warships in the Black Sea",
    )
