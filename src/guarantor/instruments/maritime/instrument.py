"""The maritime instrument: escorts and mine hunters on the lane to Odesa, under the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from guarantor.instruments.base import InstrumentBase, pledged_columns
from guarantor.instruments.contract import (
    DataKind,
    EditorField,
    Effect,
    Handover,
    InstrumentModel,
    Lever,
    per_year_to_per_month_bn,
)
from guarantor.instruments.levers import pledge_lever, replaced
from guarantor.instruments.maritime.data import load_maritime
from guarantor.instruments.maritime.escorts import ESCORT_ROLES, cover_radius_km
from guarantor.instruments.maritime.flow import WORLD_PARAMETERS
from guarantor.instruments.maritime.issues import positions as _positions
from guarantor.instruments.maritime.model import assess as _assess
from guarantor.packages.schema import Commitment, Instrument, MaritimeSecurity, Package, magnitude

if TYPE_CHECKING:
    from guarantor.durability.calibration import Calibration
    from guarantor.section import Section
    from guarantor.theatre import Theatre


def _ships(commitment: MaritimeSecurity) -> float:
    return float(sum(magnitude(pledge.count) for pledge in commitment.ships))


def _doubled(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, MaritimeSecurity)
    more = tuple(p.model_copy(update={"count": 2 * magnitude(p.count)}) for p in commitment.ships)
    return replaced(commitment, ships=more)


def _outside(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, MaritimeSecurity)
    return replaced(commitment, in_black_sea=False) if commitment.in_black_sea else None


def _widest_cover(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    """Every escort pledge changed to the escort type that covers the widest circle."""
    assert isinstance(commitment, MaritimeSecurity)
    escorts = [t for t in theatre.data.platforms.ships if t.role in ESCORT_ROLES]
    response = np.array([WORLD_PARAMETERS["response_time_h"].value])
    best = max(escorts, key=lambda t: float(cover_radius_km(t, response)[0]))
    ids = {t.id for t in escorts}
    if all(p.type == best.id for p in commitment.ships if p.type in ids):
        return None  # mine hunters stay mine hunters: only escorts change type
    changed = tuple(
        p.model_copy(update={"type": best.id}) if p.type in ids else p for p in commitment.ships
    )
    return replaced(commitment, ships=changed)


class MaritimeInstrument(InstrumentBase):
    """Warships and mine-countermeasure vessels protecting the sea lane to Odesa."""

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """Sea probes answered, split over the commitments by ships; costs.

        The share of sea probes answered in each world is ``sea_probes_answered_share``: the
        part of the damage to shipping (attacks at sea, in port, mines) the package's escorts,
        minehunters and frigates off the ports prevent in that world.
        """
        members = [c for c in package.commitments if isinstance(c, MaritimeSecurity)]
        if not members:
            return Handover()
        per_ship = per_year_to_per_month_bn(calibration.costs.ship_usd_m_per_year.value)
        answered = section.metric("sea_probes_answered_share").value
        return Handover(
            pledged_columns(answered, {c.id: _ships(c) for c in members}, "sea", per_ship)
        )

    @property
    def levers(self) -> tuple[Lever, ...]:
        """Total ships, spread over the package's pledges."""
        return (
            pledge_lever(
                "ships",
                "warships and mine hunters for the Black Sea",
                "ships",
                kind=MaritimeSecurity,
                field="ships",
                instrument=Instrument.MARITIME_SECURITY,
                low=0,
                high=24,
                step=1,
            ),
        )

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Each settable field of a maritime-security commitment and what it moves."""
        kind = Instrument.MARITIME_SECURITY.value
        return (
            Effect(
                f"{kind}.ships.count",
                _doubled,
                ("sea", "escort_coverage_share"),
                1,
                "more escorts cover more of the lane",
            ),
            Effect(
                f"{kind}.ships.type",
                _widest_cover,
                ("sea", "escort_coverage_share"),
                1,
                "escorts that cover a wider circle (speed and weapons' reach) cover more lane",
            ),
            Effect(
                f"{kind}.in_black_sea",
                _outside,
                ("sea", "escort_coverage_share"),
                -1,
                "ships held outside the Black Sea escort nobody on the lane",
            ),
        )


INSTRUMENT: InstrumentModel = MaritimeInstrument(
    name="sea",
    title="Sea",
    reads=(Instrument.MARITIME_SECURITY,),
    model=_assess,
    world=WORLD_PARAMETERS,
    data_kinds=(DataKind("maritime data", "corridor", load_maritime),),
    issues=_positions,
    editor_fields={
        Instrument.MARITIME_SECURITY.value: (
            EditorField("ships", "ships", "pledges", unit="ships"),
        )
    },
)
"""The sea section from ``maritime/model.py``; its data is ``maritime/data.yaml`` (the corridor,
its record and Montreux's rules)."""
