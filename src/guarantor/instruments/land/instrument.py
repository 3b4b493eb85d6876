"""The land instrument: forces, monitors, trainers, arms and army caps, under the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from guarantor.instruments.base import InstrumentBase, switched_on
from guarantor.instruments.contract import (
    CommitmentColumns,
    DataKind,
    EditorField,
    Effect,
    Handover,
    InstrumentModel,
    Lever,
    per_year_to_per_month_bn,
    spread,
)
from guarantor.instruments.land.data import WORLD_PARAMETERS, load_data
from guarantor.instruments.land.issues import positions as _positions
from guarantor.instruments.land.model import assess as _assess
from guarantor.instruments.levers import amount_lever, replaced
from guarantor.packages.schema import (
    ArmsSupply,
    ArmyCap,
    Commitment,
    ForceLocation,
    ForceMission,
    Instrument,
    MonitoringMission,
    Package,
    ReassuranceForce,
    TrainingMission,
    magnitude,
)

if TYPE_CHECKING:
    from guarantor.durability.calibration import Calibration
    from guarantor.section import Section
    from guarantor.theatre import Theatre


def _weight(c: ReassuranceForce, calibration: Calibration) -> float:
    """Peacekeeping weight per troop (calibration ``capacity``): line > hubs > next door."""
    capacity = calibration.capacity
    if c.location is ForceLocation.NEIGHBOURING_NATO:
        return capacity.neighbouring_share_of_robust.value
    if c.mission is ForceMission.LINE_HOLDING:
        return 1.0
    return capacity.reassurance_share_of_robust.value


def _scaled(commitment: Commitment, field: str, factor: float) -> Commitment | None:
    value = getattr(commitment, field)
    if value is None:
        return None
    return replaced(commitment, **{field: magnitude(value) * factor})


def _more_hubs(commitment: Commitment, theatre: Theatre) -> Commitment | None:
    assert isinstance(commitment, ReassuranceForce)
    extra = [h.id for h in theatre.data.places.hubs if h.id not in commitment.hubs]
    extra += [c.id for c in theatre.data.places.cities if c.id not in commitment.hubs]
    return replaced(commitment, hubs=(*commitment.hubs, *extra[:2]))


def _to_the_line(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, ReassuranceForce)
    if commitment.mission is ForceMission.LINE_HOLDING:
        return None
    return replaced(commitment, mission=ForceMission.LINE_HOLDING)


def _out_of_ukraine(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, ReassuranceForce | TrainingMission)
    if commitment.location is ForceLocation.NEIGHBOURING_NATO:
        return None
    return replaced(commitment, location=ForceLocation.NEIGHBOURING_NATO)


def _no_hub_route(commitment: Commitment, _: Theatre) -> Commitment | None:
    assert isinstance(commitment, ArmsSupply)
    return replaced(commitment, via=()) if commitment.via else None


class LandInstrument(InstrumentBase):
    """Troops, monitors, trainers and arms on land, and caps on Ukraine's army."""

    def handover(self, section: Section, package: Package, calibration: Calibration) -> Handover:
        """The line's strength against the threat, tripwires in place, ground answers, costs.

        ``defender_strength_factor`` is the strength at the line (Ukraine's army as its caps
        leave it, plus the package's troops at the line) against 2025's (800,000 against the
        grouping of today), divided by Russia's rebuild beyond today's grouping. A force inside
        Ukraine carries the calibration's tripwire credibility in the share of a battlegroup
        per sector that the troops inside Ukraine man in each world.
        """
        capacity, costs = calibration.capacity, calibration.costs
        line = section.metric("line_coverage_share").value
        n = line.size
        tripwire = (
            calibration.credibility.tripwire_force.value * section.metric("tripwire_share").value
        )
        answer_per_force = capacity.ground_answer_per_robust_force.value
        forces = [c for c in package.commitments if isinstance(c, ReassuranceForce)]
        weights = {
            c.id: min(1.0, magnitude(c.troops) / capacity.troops_for_robust_force.value)
            * _weight(c, calibration)
            for c in forces
        }
        force_share = spread(line, weights) if forces else {}
        per_troop = per_year_to_per_month_bn(costs.troop_usd_m_per_year.value)
        per_monitor = per_year_to_per_month_bn(costs.monitor_usd_m_per_year.value)
        tripwire_needed = np.maximum(section.metric("troops_required_tripwire").value, 1.0)
        columns: dict[str, CommitmentColumns] = {}
        for c in package.commitments:
            force = np.zeros(n)
            credibility = np.zeros(n)
            if isinstance(c, ReassuranceForce):
                force = force_share[c.id]
                if c.location is ForceLocation.INSIDE_UKRAINE:
                    credibility = tripwire
                cost = magnitude(c.troops) * per_troop
            elif isinstance(c, MonitoringMission):
                if c.armed:  # armed monitors can answer small ground probes themselves
                    share = min(1.0, magnitude(c.monitors) / capacity.troops_for_robust_force.value)
                    force = np.full(n, share * capacity.reassurance_share_of_robust.value)
                cost = magnitude(c.monitors) * per_monitor
            elif isinstance(c, TrainingMission):
                instructors = magnitude(c.instructors)
                if c.location is ForceLocation.INSIDE_UKRAINE:  # trainers in reach of strikes
                    base = calibration.credibility.tripwire_force.value
                    credibility = base * np.minimum(1.0, instructors / tripwire_needed)
                cost = instructors * per_troop
            elif isinstance(c, ArmsSupply):
                cost = magnitude(c.usd_bn_per_year) / 12.0
            elif isinstance(c, ArmyCap):
                cost = 0.0
            else:
                continue
            answer = np.zeros((n, 3))
            answer[:, 2] = force * answer_per_force
            columns[c.id] = CommitmentColumns(
                answer, force, np.asarray(credibility, np.float64), np.full(n, cost)
            )
        world = {
            "monitoring_share": section.metric("monitoring_coverage_share").value,
            "defender_strength_factor": section.metric("defender_strength_factor").value,
        }
        return Handover(columns, world)

    @property
    def levers(self) -> tuple[Lever, ...]:
        """Troops, monitors, instructors and money for arms."""
        return (
            amount_lever(
                "troops",
                "reassurance-force troops",
                "troops",
                kind=ReassuranceForce,
                field="troops",
                instrument=Instrument.REASSURANCE_FORCE,
                integer=True,
                low=0,
                high=60000,
                step=2500,
            ),
            amount_lever(
                "monitors",
                "ceasefire monitors",
                "people",
                kind=MonitoringMission,
                field="monitors",
                instrument=Instrument.MONITORING_MISSION,
                integer=True,
                low=0,
                high=10000,
                step=500,
            ),
            amount_lever(
                "instructors",
                "instructors training Ukraine's forces",
                "people",
                kind=TrainingMission,
                field="instructors",
                instrument=Instrument.TRAINING_MISSION,
                integer=True,
                low=0,
                high=6000,
                step=500,
            ),
            amount_lever(
                "arms_usd_bn",
                "arms and money for arms",
                "USD bn/yr",
                kind=ArmsSupply,
                field="usd_bn_per_year",
                instrument=Instrument.ARMS_SUPPLY,
                integer=False,
                low=0,
                high=80,
                step=5,
            ),
        )

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Each settable field of the land commitments and what it moves."""
        force, monitors = Instrument.REASSURANCE_FORCE.value, Instrument.MONITORING_MISSION.value
        training, arms = Instrument.TRAINING_MISSION.value, Instrument.ARMS_SUPPLY.value
        cap = Instrument.ARMY_CAP.value
        return (
            Effect(
                f"{force}.troops",
                lambda c, _: _scaled(c, "troops", 2.0),
                ("land", "troops_sustainable"),
                1,
                "more troops pledged, more kept on station",
            ),
            Effect(
                f"{force}.mission",
                _to_the_line,
                ("land", "line_coverage_share"),
                1,
                "a force holding the line covers line; one at hubs does not",
            ),
            Effect(
                f"{force}.location",
                _out_of_ukraine,
                ("durability", "credibility_end"),
                -1,
                "a force outside Ukraine is no tripwire",
            ),
            Effect(
                f"{force}.hubs",
                _more_hubs,
                ("land", "smallest_hub_garrison_troops"),
                -1,
                "spreading a force over more hubs thins each garrison",
            ),
            Effect(
                f"{monitors}.monitors",
                lambda c, _: _scaled(c, "monitors", 2.0),
                ("land", "monitoring_coverage_share"),
                1,
                "more monitors watch more line",
            ),
            Effect(
                f"{monitors}.technical_means",
                switched_on("technical_means"),
                ("land", "monitoring_coverage_share"),
                1,
                "UAVs and cameras extend each monitor's reach",
            ),
            Effect(
                f"{monitors}.armed",
                switched_on("armed"),
                ("durability", "p_hold_horizon"),
                1,
                "armed monitors are a small peacekeeping force: the offensive's odds fall",
            ),
            Effect(
                f"{training}.instructors",
                # halved, not doubled: the sites bind in most worlds, fewer instructors bind in
                # many more, so the test does not hang on a few lucky draws
                lambda c, _: _scaled(c, "instructors", 0.5),
                ("land", "trainees_per_year"),
                -1,
                "fewer instructors train fewer soldiers",
            ),
            Effect(
                f"{training}.trainees_per_year",
                lambda c, _: _scaled(c, "trainees_per_year", 2.0),
                ("land", "trainees_per_year"),
                1,
                "a larger stated throughput",
            ),
            Effect(
                f"{training}.location",
                _out_of_ukraine,
                ("durability", "credibility_end"),
                -1,
                "trainers outside Ukraine are no tripwire",
            ),
            Effect(
                f"{arms}.usd_bn_per_year",
                lambda c, _: _scaled(c, "usd_bn_per_year", 2.0),
                ("land", "arms_tonnes_per_day"),
                1,
                "more money buys more tonnes of arms",
            ),
            Effect(
                f"{arms}.tonnes_per_day",
                lambda c, _: _scaled(c, "tonnes_per_day", 2.0),
                ("land", "arms_tonnes_per_day"),
                1,
                "a larger stated flow",
            ),
            Effect(
                f"{arms}.via",
                _no_hub_route,
                ("land", "arms_tonnes_per_day"),
                1,
                "a flow not routed through the one hub is not capped by its throughput",
            ),
            Effect(
                f"{cap}.troops",
                lambda c, _: _scaled(c, "troops", 2.0),
                ("land", "ukraine_force_troops"),
                1,
                "a looser cap leaves a larger army (its strength may still be bound by arms)",
            ),
            Effect(
                f"{cap}.tanks",
                lambda c, _: _scaled(c, "tanks", 0.25),
                ("land", "ukraine_strength_share"),
                -1,
                "a tighter tank cap leaves fewer tanks per soldier than Ukraine's own mix",
            ),
            Effect(
                f"{cap}.artillery",
                lambda c, _: _scaled(c, "artillery", 0.5),
                ("land", "ukraine_strength_share"),
                -1,
                "a tighter artillery cap leaves fewer guns per soldier",
            ),
        )


INSTRUMENT: InstrumentModel = LandInstrument(
    name="land",
    title="Land",
    reads=(
        Instrument.REASSURANCE_FORCE,
        Instrument.MONITORING_MISSION,
        Instrument.TRAINING_MISSION,
        Instrument.ARMS_SUPPLY,
        Instrument.ARMY_CAP,
    ),
    model=_assess,
    world=WORLD_PARAMETERS,
    data_kinds=(DataKind("land data", "tiers", load_data),),
    issues=_positions,
    editor_fields={
        Instrument.REASSURANCE_FORCE.value: (
            EditorField("troops", "troops", "number", unit="troops"),
        ),
        Instrument.MONITORING_MISSION.value: (
            EditorField("monitors", "monitors", "number", unit="people"),
        ),
        Instrument.TRAINING_MISSION.value: (
            EditorField("instructors", "instructors", "number", unit="people"),
            EditorField("trainees_per_year", "trainees a year", "number", unit="trainees/yr"),
        ),
        Instrument.ARMS_SUPPLY.value: (
            EditorField("usd_bn_per_year", "money for arms", "number", unit="USD bn/yr"),
            EditorField("tonnes_per_day", "tonnes a day", "number", unit="t/d"),
        ),
        Instrument.ARMY_CAP.value: (
            EditorField("troops", "troops", "number", unit="troops"),
            EditorField("tanks", "tanks", "number", unit="systems"),
            EditorField("artillery", "artillery", "number", unit="systems"),
        ),
    },
)
"""The land section from ``land/model.py``; its data is ``land/data.yaml`` (threat, planning
factors, nations' policies, tiers, arms)."""
