"""The intelligence instrument: the contract object for ``intelligence_sharing`` commitments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from guarantor.errors import DataError, Problem
from guarantor.instruments.base import InstrumentBase, step_up, switched_on
from guarantor.instruments.contract import (
    DataKind,
    EditorField,
    Effect,
    Handover,
    InstrumentModel,
    Lever,
    LeverValue,
)
from guarantor.instruments.intelligence.data import WORLD_NAMES, load_data, shipped_data
from guarantor.instruments.intelligence.model import SUSPENDING_PROVIDER
from guarantor.instruments.intelligence.model import assess as _assess
from guarantor.instruments.levers import apportion, level_lever, replaced
from guarantor.packages.schema import (
    AewOrbit,
    Commitment,
    Instrument,
    IntelligenceLevel,
    IntelligenceSharing,
    Package,
    SharingUse,
    magnitude,
)
from guarantor.sourcing import Quantity

if TYPE_CHECKING:
    from guarantor.durability.calibration import Calibration
    from guarantor.section import Section
    from guarantor.theatre import Theatre

DEFAULT_ORBIT = ("e3a-nato", "poland-east")
"""The orbit a lever or an effect adds where a commitment has none: NATO's E-3A over Poland."""


def _more_orbits(commitment: Commitment, _: Theatre) -> Commitment | None:
    """Twice the orbits on every AEW pledge, or a NATO E-3A orbit over Poland where none."""
    assert isinstance(commitment, IntelligenceSharing)
    if not commitment.aew:
        kind, station = DEFAULT_ORBIT
        return replaced(commitment, aew=(AewOrbit(type=kind, station=station, orbits=1),))
    more = tuple(p.model_copy(update={"orbits": 2.0 * magnitude(p.orbits)}) for p in commitment.aew)
    return replaced(commitment, aew=more)


def _orbits_lever() -> Lever:
    kind = Instrument.INTELLIGENCE_SHARING

    def apply(package: Package, value: LeverValue) -> tuple[Commitment, ...]:
        commitments = list(package.commitments)
        slots = [
            (index, number, magnitude(pledge.orbits))
            for index, c in enumerate(commitments)
            if isinstance(c, IntelligenceSharing)
            for number, pledge in enumerate(c.aew)
        ]
        if not slots:
            first = next(
                (i for i, c in enumerate(commitments) if isinstance(c, IntelligenceSharing)), None
            )
            if first is None:
                raise DataError(
                    [
                        Problem(
                            f"package {package.name!r} has no {kind.value} commitment for lever "
                            "'aew_orbits'",
                            field="levers.aew_orbits",
                            expected=f"a package with a {kind.value} commitment",
                            received=package.name,
                        )
                    ]
                )
            type_id, station = DEFAULT_ORBIT
            orbit = AewOrbit(type=type_id, station=station, orbits=float(value))
            commitments[first] = replaced(commitments[first], aew=(orbit,))
            return tuple(commitments)
        amounts = apportion([weight for *_, weight in slots], float(value), integer=False)
        for (index, number, _), amount in zip(slots, amounts, strict=True):
            commitment = commitments[index]
            assert isinstance(commitment, IntelligenceSharing)
            pledges = list(commitment.aew)
            pledges[number] = pledges[number].model_copy(update={"orbits": amount})
            commitments[index] = replaced(commitment, aew=tuple(pledges))
        return tuple(commitments)

    def read(package: Package) -> LeverValue:
        return float(
            sum(
                magnitude(p.orbits)
                for c in package.commitments
                if isinstance(c, IntelligenceSharing)
                for p in c.aew
            )
        )

    return Lever(
        "aew_orbits",
        "continuous AEW orbits over Poland and Romania",
        "orbits",
        apply,
        read,
        low=0,
        high=6,
        step=1,
    )


def _providers_lever() -> Lever:
    def apply(package: Package, value: LeverValue) -> tuple[Commitment, ...]:
        if value == "all":
            return package.commitments
        return tuple(
            c
            for c in package.commitments
            if not (isinstance(c, IntelligenceSharing) and c.actor == SUSPENDING_PROVIDER)
        )

    def read(package: Package) -> LeverValue:
        us = any(
            isinstance(c, IntelligenceSharing) and c.actor == SUSPENDING_PROVIDER
            for c in package.commitments
        )
        return "all" if us else "without_us"

    return Lever(
        "intelligence_providers",
        "the package's intelligence providers, or all but the United States",
        "level",
        apply,
        read,
        choices=("all", "without_us"),
    )


def _added(field: str) -> object:
    def add(level: object) -> Commitment:
        values = {"level": IntelligenceLevel.OPERATIONAL, "use": SharingUse.WITHIN_UKRAINE}
        values[field] = level  # type: ignore[assignment]
        return IntelligenceSharing(
            id=f"lever-intelligence-{field}",
            actor=SUSPENDING_PROVIDER,
            instrument=Instrument.INTELLIGENCE_SHARING,
            imagery=True,
            signals=True,
            **values,
        )

    return add


def _targeting(section: Section, name: str) -> np.ndarray:
    return np.asarray(section.metric(name).value, np.float64)


class IntelligenceInstrument(InstrumentBase):
    """Intelligence shared with Ukraine: AEW orbits, imagery, signals, targeting support."""

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """Attribution (with and without the US feed), the feed's pause, targeting support.

        Ukraine's strength factor is the targeting multiplier averaged over the expected share
        of time the US feed is suspended; the durability simulation draws the pause's month in
        each world and uses ``attribution_suspended`` while it lasts.
        """
        del calibration, package
        share = _targeting(section, "us_feed_suspended_share")
        factor = _targeting(section, "targeting_factor")
        without = _targeting(section, "targeting_factor_without_us")
        return Handover(
            world={
                "attribution": _targeting(section, "attribution_probability"),
                "attribution_suspended": _targeting(section, "attribution_without_us"),
                "suspension_per_year": _targeting(section, "us_suspension_per_year"),
                "suspension_months": _targeting(section, "suspension_months"),
                "defender_strength_factor": factor * (1.0 - share) + without * share,
            }
        )

    @property
    def levers(self) -> tuple[Lever, ...]:
        """AEW orbits, the level and use of sharing, and the providers (with or without the US)."""
        return (
            _orbits_lever(),
            level_lever(
                "sharing_level",
                "how fresh and detailed shared intelligence is",
                kind=IntelligenceSharing,
                field="level",
                levels=IntelligenceLevel,
                choices=tuple(IntelligenceLevel),
                added=_added("level"),  # type: ignore[arg-type]
            ),
            level_lever(
                "sharing_use",
                "what Ukraine may use shared intelligence for",
                kind=IntelligenceSharing,
                field="use",
                levels=SharingUse,
                choices=tuple(SharingUse),
                added=_added("use"),  # type: ignore[arg-type]
            ),
            _providers_lever(),
        )

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Each settable field of an intelligence-sharing commitment and what it moves."""
        kind = Instrument.INTELLIGENCE_SHARING.value
        return (
            Effect(
                f"{kind}.level",
                step_up("level", tuple(IntelligenceLevel)),
                ("intelligence", "targeting_factor"),
                1,
                "fresher, more detailed intelligence supports Ukraine's targeting more",
            ),
            Effect(
                f"{kind}.level",
                step_up("level", tuple(IntelligenceLevel)),
                ("intelligence", "attribution_probability"),
                1,
                "fresher imagery and signals attribute more probes in time",
            ),
            Effect(
                f"{kind}.use",
                step_up("use", tuple(SharingUse)),
                ("intelligence", "targeting_factor"),
                1,
                "fewer restrictions on its use let Ukraine strike more of what it sees",
            ),
            Effect(
                f"{kind}.imagery",
                switched_on("imagery"),
                ("intelligence", "attribution_probability"),
                1,
                "shared satellite imagery attributes probes national means miss",
            ),
            Effect(
                f"{kind}.signals",
                switched_on("signals"),
                ("durability", "credibility_end"),
                1,
                "attributed probes can be answered, and answers build credibility",
            ),
            Effect(
                f"{kind}.aew",
                _more_orbits,
                ("intelligence", "warning_time_min"),
                1,
                "AEW orbits see low-flying threats beyond the ground radar's horizon",
            ),
            Effect(
                f"{kind}.aew",
                _more_orbits,
                ("air", "threat_paths_reached_share"),
                1,
                "earlier detection puts more of each threat's path within the fighters' reach",
            ),
        )


def _world_parameters() -> Mapping[str, Quantity]:
    """The intelligence model's world parameters (``intelligence/data.yaml``), read on first use."""
    world = shipped_data().world
    return {name: getattr(world, name) for name in WORLD_NAMES}


INSTRUMENT: InstrumentModel = IntelligenceInstrument(
    name="intelligence",
    title="Intelligence",
    reads=(Instrument.INTELLIGENCE_SHARING,),
    model=_assess,
    world=_world_parameters,
    data_kinds=(DataKind("intelligence data", "aew_types", load_data),),
    takes_rng=False,
    editor_fields={
        Instrument.INTELLIGENCE_SHARING.value: (
            EditorField(
                "level",
                "level",
                "choice",
                default="operational",
                choices=tuple(IntelligenceLevel),
            ),
            EditorField(
                "use",
                "may be used",
                "choice",
                default="within_ukraine",
                choices=tuple(SharingUse),
            ),
            EditorField("imagery", "satellite imagery", "flag", default=False),
            EditorField("signals", "signals intelligence", "flag", default=False),
        )
    },
)
"""The intelligence section from ``intelligence/model.py`` (deterministic: it takes no ``rng``);
its data is ``intelligence/data.yaml`` (AEW types, stations, levels, world parameters).
Intelligence sharing sits on none of the bargaining model's issue dimensions: no positions."""
