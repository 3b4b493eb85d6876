"""The air instrument: fighters guarding Ukraine's skies, under the instrument contract."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from guarantor.instruments.air.data import WORLD_NAMES, load_data, shipped_data
from guarantor.instruments.air.issues import positions as _positions
from guarantor.instruments.air.model import assess as _assess
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
from guarantor.packages.schema import AirPolicing, Commitment, Instrument, Package, magnitude
from guarantor.sourcing import Quantity

if TYPE_CHECKING:
    from guarantor.durability.calibration import Calibration
    from guarantor.section import Section
    from guarantor.theatre import Theatre
    from guarantor.theatre.schema import AirBase


def _aircraft(commitment: AirPolicing) -> float:
    return float(sum(magnitude(pledge.count) for pledge in commitment.aircraft))


def _scaled(commitment: Commitment, field: str, factor: float) -> Commitment | None:
    assert isinstance(commitment, AirPolicing)
    pledges = getattr(commitment, field)
    if not pledges:
        return None
    bigger = tuple(p.model_copy(update={"count": magnitude(p.count) * factor}) for p in pledges)
    return replaced(commitment, **{field: bigger})


def _added_km(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, AirPolicing)
    return replaced(commitment, standoff_km=magnitude(commitment.standoff_km, 50.0) + 100.0)


def _slower(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, AirPolicing)
    return replaced(commitment, readiness_min=magnitude(commitment.readiness_min, 15.0) + 30.0)


def _from_kyiv(theatre: Theatre) -> Callable[[AirBase], float]:
    """A base's squared distance from Kyiv in degrees: the order the base effects pick by."""
    kyiv = theatre.place("kyiv")
    lon, lat = magnitude(kyiv.lon), magnitude(kyiv.lat)
    return lambda b: (magnitude(b.lon) - lon) ** 2 + (magnitude(b.lat) - lat) ** 2


def _farthest_base(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    """Every pledge moved to the listed base farthest from Kyiv."""
    assert isinstance(commitment, AirPolicing)
    far = max(theatre.data.places.air_bases, key=_from_kyiv(theatre))
    moved = tuple(p.model_copy(update={"base": far.id}) for p in commitment.aircraft)
    return replaced(commitment, aircraft=moved)


def _shortest_legs(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    """Every fighter pledge changed to the listed fighter type with the shortest combat radius."""
    assert isinstance(commitment, AirPolicing)
    fighters = [
        t
        for t in theatre.data.platforms.aircraft
        if t.role.value == "fighter" and t.combat_radius_km is not None
    ]
    short = min(fighters, key=lambda t: magnitude(t.combat_radius_km))
    changed = tuple(p.model_copy(update={"type": short.id}) for p in commitment.aircraft)
    return replaced(commitment, aircraft=changed)


def _tankers_nearest(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    """Every tanker pledge moved to the listed base nearest Kyiv."""
    assert isinstance(commitment, AirPolicing)
    if not commitment.tankers:
        return None
    near = min(theatre.data.places.air_bases, key=_from_kyiv(theatre))
    moved = tuple(p.model_copy(update={"base": near.id}) for p in commitment.tankers)
    return replaced(commitment, tankers=moved)


def _fastest_tanker(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    """Every tanker pledge changed to the listed tanker type with the highest cruise speed."""
    assert isinstance(commitment, AirPolicing)
    if not commitment.tankers:
        return None
    tankers = [t for t in theatre.data.platforms.aircraft if t.role.value == "tanker"]
    fastest = max(tankers, key=lambda t: magnitude(t.cruise_speed_kmh))
    changed = tuple(p.model_copy(update={"type": fastest.id}) for p in commitment.tankers)
    return replaced(commitment, tankers=changed)


def _more_stations(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    assert isinstance(commitment, AirPolicing)
    extra = [c.id for c in theatre.data.places.cities if c.id not in commitment.cap_stations]
    return replaced(commitment, cap_stations=(*commitment.cap_stations, *extra[:2]))


def _protect_more(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    assert isinstance(commitment, AirPolicing)
    extra = [c.id for c in theatre.data.places.cities if c.id not in commitment.protect]
    if not extra:
        return None
    return replaced(commitment, protect=(*commitment.protect, *extra))


class AirInstrument(InstrumentBase):
    """Fighters (and tankers) on alert and on patrol from bases in Poland and Romania."""

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """Air probes answered, per world, split over commitments by aircraft; costs.

        An air probe is a drone and missile raid: the share answered is the share of what gets
        past Ukraine's own layer that the package's fighters stop in the raid night the section
        assessed (``raid_answered_share``), so raid size, kill probabilities, sorties, fleets,
        ramps and geometry all reach the durability simulation through it.
        """
        members = [c for c in package.commitments if isinstance(c, AirPolicing)]
        if not members:
            return Handover()
        per_aircraft = per_year_to_per_month_bn(calibration.costs.aircraft_usd_m_per_year.value)
        answered = section.metric("raid_answered_share").value
        aircraft = {c.id: _aircraft(c) for c in members}
        return Handover(pledged_columns(answered, aircraft, "air", per_aircraft))

    @property
    def levers(self) -> tuple[Lever, ...]:
        """Total fighters and total tankers, spread over the package's pledges."""
        kind, instrument = AirPolicing, Instrument.AIR_POLICING
        return (
            pledge_lever(
                "aircraft",
                "fighters pledged for air policing",
                "aircraft",
                kind=kind,
                field="aircraft",
                instrument=instrument,
                low=0,
                high=240,
                step=6,
            ),
            pledge_lever(
                "tankers",
                "tankers pledged for air policing",
                "aircraft",
                kind=kind,
                field="tankers",
                instrument=instrument,
                low=0,
                high=16,
                step=1,
            ),
        )

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Each settable field of an air-policing commitment and what it moves."""
        kind = Instrument.AIR_POLICING.value
        return (
            Effect(
                f"{kind}.aircraft.count",
                lambda c, _: _scaled(c, "aircraft", 2.0),
                ("air", "cap_stations_sustained"),
                1,
                "more fighters hold more CAP stations around the clock",
            ),
            Effect(
                f"{kind}.aircraft.base",
                _farthest_base,
                ("air", "area_within_30_min_km2"),
                -1,
                "fighters based farther away reach less of Ukraine within 30 minutes",
            ),
            Effect(
                f"{kind}.aircraft.type",
                _shortest_legs,
                ("air", "area_within_60_min_km2"),
                -1,
                "a type with a shorter combat radius reaches less of Ukraine",
            ),
            Effect(
                f"{kind}.tankers.count",
                lambda c, _: _scaled(c, "tankers", 0.0),
                ("air", "cap_stations_sustained"),
                -1,
                "without tankers the stations beyond the fighters' own radius cannot be held",
            ),
            Effect(
                f"{kind}.tankers.base",
                _tankers_nearest,
                ("air", "tanker_aircraft_required"),
                -1,
                "tankers based nearer the stations spend less time in transit: fewer are needed",
            ),
            Effect(
                f"{kind}.tankers.type",
                _fastest_tanker,
                ("air", "tanker_aircraft_required"),
                -1,
                "a faster tanker flies more sorties a day: fewer are needed",
            ),
            Effect(
                f"{kind}.standoff_km",
                _added_km,
                ("air", "area_within_60_min_km2"),
                -1,
                "a wider stand-off from Russian airspace closes more of the sky",
            ),
            Effect(
                f"{kind}.readiness_min",
                _slower,
                ("air", "area_within_30_min_km2"),
                -1,
                "slower alert readiness leaves less area reached within 30 minutes",
            ),
            Effect(
                f"{kind}.cap_stations",
                _more_stations,
                ("air", "aircraft_required"),
                1,
                "each CAP station held around the clock needs more aircraft",
            ),
            Effect(
                f"{kind}.protect",
                _protect_more,
                ("air", "promised_population_protected_share_drone"),
                -1,
                "spreading the same fighters over more cities protects a smaller share",
            ),
        )


def _world_parameters() -> Mapping[str, Quantity]:
    """The air model's world parameters (``air/data.yaml``) and the warning model's.

    The intelligence model's warning parameters are listed too, so that the air model run
    alone computes the same warning as the intelligence section over the same worlds.
    """
    from guarantor.instruments.intelligence.data import WARNING_NAMES
    from guarantor.instruments.intelligence.data import shipped_data as intelligence

    own = {name: shipped_data().world[name] for name in WORLD_NAMES}
    warning = intelligence().world
    return own | {name: getattr(warning, name) for name in WARNING_NAMES}


INSTRUMENT: InstrumentModel = AirInstrument(
    name="air",
    title="Air",
    reads=(Instrument.AIR_POLICING,),
    model=_assess,
    world=_world_parameters,
    data_kinds=(DataKind("air data", "threats", load_data),),
    issues=_positions,
    needs=("intelligence",),
    editor_fields={
        Instrument.AIR_POLICING.value: (
            EditorField("aircraft", "fighters", "pledges", unit="aircraft"),
            EditorField("tankers", "tankers", "pledges", unit="aircraft"),
            EditorField("standoff_km", "stand-off from Russia", "number", unit="km"),
            EditorField("readiness_min", "alert readiness", "number", unit="min"),
        )
    },
)
"""The air section from ``air/model.py``; its data is ``air/data.yaml`` (threats, sortie and
world parameters). It needs the intelligence section: its warning time shortens the detection
delays."""
