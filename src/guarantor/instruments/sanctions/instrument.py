"""The sanctions instrument: Russia's oil revenue and the snapback, under the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from guarantor.instruments.base import InstrumentBase
from guarantor.instruments.contract import (
    DataKind,
    EditorField,
    Effect,
    Handover,
    InstrumentModel,
    Lever,
)
from guarantor.instruments.levers import level_lever, replaced
from guarantor.instruments.sanctions.issues import positions as _positions
from guarantor.instruments.sanctions.model import assess as _assess
from guarantor.instruments.sanctions.schema import WORLD_PARAMETERS, load_data
from guarantor.packages.schema import (
    Commitment,
    Instrument,
    Package,
    SanctionsLevel,
    SanctionsSnapback,
)

if TYPE_CHECKING:
    from guarantor.durability.calibration import Calibration
    from guarantor.section import Section
    from guarantor.theatre import Theatre

_PEACE_LADDER = (SanctionsLevel.RELIEF, SanctionsLevel.STATUS_QUO, SanctionsLevel.TIGHTER)
"""Levels that hold while the peace holds, mildest first (``full_snapback`` relieves in peace)."""


def _harsher(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, SanctionsSnapback)
    if commitment.level not in _PEACE_LADDER[:-1]:
        return None
    return replaced(commitment, level=_PEACE_LADDER[_PEACE_LADDER.index(commitment.level) + 1])


def _automatic(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, SanctionsSnapback)
    return None if commitment.automatic else replaced(commitment, automatic=True)


class SanctionsInstrument(InstrumentBase):
    """Sanctions on Russian oil, and whether they snap back after a violation."""

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """The sanctions threat: the expected share of oil revenue lost in a violation's first year.

        The share already weighs the snapback's lag month by month and the chance it is decided
        (``model.assess``); the lag itself is in ``snapback_lag_months`` for a kernel that wants it.
        """
        del package, calibration
        threat = np.clip(section.metric("sanctions_threat").value, 0.0, 1.0)
        return Handover(world={"sanctions_threat": np.asarray(threat, dtype=np.float64)})

    @property
    def levers(self) -> tuple[Lever, ...]:
        """The sanctions level."""
        return (
            level_lever(
                "sanctions",
                "sanctions on Russian oil",
                kind=SanctionsSnapback,
                field="level",
                levels=SanctionsLevel,
                choices=tuple(SanctionsLevel),
                added=lambda level: SanctionsSnapback(
                    id="lever-sanctions",
                    actor="EU",
                    instrument=Instrument.SANCTIONS_SNAPBACK,
                    level=level,
                ),
            ),
        )

    @property
    def effects(self) -> tuple[Effect, ...]:
        """The level and whether the snapback is automatic."""
        kind = Instrument.SANCTIONS_SNAPBACK.value
        return (
            Effect(
                f"{kind}.level",
                _harsher,
                ("sanctions", "revenue_usd_bn_per_month"),
                -1,
                "harsher sanctions while the peace holds cut Russia's oil revenue",
            ),
            Effect(
                f"{kind}.automatic",
                _automatic,
                ("sanctions", "violation_cost_usd_bn_per_month"),
                1,
                "an automatic snapback needs no vote, so it is enforced for certain and sooner",
            ),
            Effect(
                f"{kind}.automatic",
                _automatic,
                ("sanctions", "snapback_lag_months"),
                -1,
                "an automatic snapback skips the proposal and the vote: only the legal act remains",
            ),
        )


INSTRUMENT: InstrumentModel = SanctionsInstrument(
    name="sanctions",
    title="Sanctions",
    reads=(Instrument.SANCTIONS_SNAPBACK,),
    model=_assess,
    world=WORLD_PARAMETERS,
    data_kinds=(DataKind("sanctions data", "levels", load_data),),
    issues=_positions,
    editor_fields={
        Instrument.SANCTIONS_SNAPBACK.value: (
            EditorField("level", "level", "choice", choices=tuple(SanctionsLevel)),
            EditorField("automatic", "automatic snapback", "flag"),
        )
    },
)
"""The sanctions section from ``sanctions/model.py``; its data is ``sanctions/data.yaml``
(exports, levels, the budget and the revenue record)."""
