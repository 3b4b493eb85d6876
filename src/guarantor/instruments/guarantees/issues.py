"""Where guarantees on paper put a package on the issue dimensions: the NATO path, the US role.

Both are ladders (:func:`guarantor.instruments.issues.ladder`): each level of the package
language's ``NatoTrack`` and ``BackstopLevel`` is a point on the 0-1 scale, flagged with the
range of its spacing. The ends are the ends of the scale by definition; the rungs between follow
the statements named in each assumption. Bilateral treaties touch no dimension the actors'
statements speak to (they weigh in the durability model through their credibility).
"""

from __future__ import annotations

from guarantor.instruments.contract import IssuePosition
from guarantor.instruments.issues import ladder
from guarantor.packages.schema import NatoMembership, Package, UsBackstop
from guarantor.sourcing import Quantity


def _q(value: float, low: float, high: float, why: str) -> Quantity:
    return Quantity(value=value, low=low, high=high, unit="1", assumption=why)


NATO_LEVELS: dict[str, Quantity] = {
    "membership": _q(0.0, 0.0, 0.0, "end of the scale by definition"),
    "invitation": _q(
        0.25, 0.15, 0.35, "ladder spacing: an invitation is a quarter of the way from membership"
    ),
    "open_door": _q(
        0.5,
        0.4,
        0.6,
        "the Washington Summit's 'irreversible path' without an invitation (11 Jul 2024) "
        "sits mid-scale",
    ),
    "renounced": _q(1.0, 1.0, 1.0, "end of the scale by definition"),
}
"""The NATO track on the ``nato`` dimension (0 membership, 1 renounced)."""

US_LEVELS: dict[str, Quantity] = {
    "article5_like": _q(0.0, 0.0, 0.0, "end of the scale by definition"),
    "air_support": _q(0.2, 0.1, 0.3, "equal spacing of the BackstopLevel ladder"),
    "enablers": _q(0.4, 0.3, 0.5, "equal spacing of the BackstopLevel ladder"),
    "monitoring": _q(0.6, 0.5, 0.7, "equal spacing of the BackstopLevel ladder"),
    "political": _q(0.8, 0.7, 0.9, "equal spacing of the BackstopLevel ladder"),
    "none": _q(1.0, 1.0, 1.0, "end of the scale by definition"),
}
"""The US backstop on the ``us_commitment`` dimension (0 Article-5-like, 1 no US role)."""


def positions(package: Package) -> tuple[IssuePosition, ...]:
    """The package's NATO track and US backstop as points on their dimensions."""
    tracks = [(c.id, c.track.value) for c in package.commitments if isinstance(c, NatoMembership)]
    backstops = [(c.id, c.level.value) for c in package.commitments if isinstance(c, UsBackstop)]
    return (
        *ladder("nato", NATO_LEVELS, tracks, "the strongest NATO track the package sets"),
        *ladder("us_commitment", US_LEVELS, backstops, "the strongest US backstop it sets"),
    )
