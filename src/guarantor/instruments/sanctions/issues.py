"""Where the sanctions commitments put a package on the ``sanctions`` dimension (a ladder).

0 is full, automatic snapback, 1 sanctions lifted (Putin's demand of 14 June 2024). An automatic
snapback counts as the ladder's ``full_snapback`` end; a snapback that needs a new decision sits
at its level.
"""

from __future__ import annotations

from guarantor.instruments.contract import IssuePosition
from guarantor.instruments.issues import ladder
from guarantor.packages.schema import Package, SanctionsSnapback
from guarantor.sourcing import Quantity


def _q(value: float, low: float, high: float, why: str) -> Quantity:
    return Quantity(value=value, low=low, high=high, unit="1", assumption=why)


LEVELS: dict[str, Quantity] = {
    "full_snapback": _q(0.0, 0.0, 0.1, "snapback of every sanction; 0.1 when not automatic"),
    "tighter": _q(0.25, 0.15, 0.35, "ladder spacing of SanctionsLevel"),
    "status_quo": _q(0.5, 0.4, 0.6, "ladder spacing of SanctionsLevel"),
    "relief": _q(1.0, 1.0, 1.0, "end of the scale by definition"),
}
"""The sanctions level on the ``sanctions`` dimension."""


def positions(package: Package) -> tuple[IssuePosition, ...]:
    """The strongest sanctions level the package sets."""
    chosen = [
        (c.id, c.level.value) for c in package.commitments if isinstance(c, SanctionsSnapback)
    ]
    return ladder("sanctions", LEVELS, chosen, "the strongest sanctions level the package sets")
