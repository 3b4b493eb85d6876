"""The sea model: keeping the lane to Odesa open, vectorised over worlds.

Given a theatre, a package and a table of worlds, :func:`assess` assembles the section from the
seams of the model (geometry, escorts, flow, insurance, convoys, navies) and answers:

1. **The corridor**: how long is the coastal track from Odesa and the Danube ports to the
   Bosporus, and how long does a merchant ship take on it?
2. **Escorts and mine clearance**: how many warships must be on station (and in total, given
   rotation) to cover the track, and how much of it do the pledged ships cover?
3. **Montreux**: which of the pledged ships may be in the Black Sea at all
   (:mod:`guarantor.instruments.maritime.montreux`)?
4. **Throughput and risk**: how many tonnes a month and ship calls the ports carry, and how many
   ships are damaged, with the package's protection and without it.

5. **Insurance and convoys**: what war-risk premium the risk prices and how many owners call at
   it; what convoys would do instead of a station barrier.

Throughput in each port group is the least of the cargo offered times the owners' participation
(set by the war-risk premium), the ports' capacity times the share of time they work, and
(under a grain-deal regime) the inspections a month; damage is ship calls times the group's
chance of damage per call, which the escorts, the minehunters and a frigate off the ports
reduce. Equations and sources are in ``docs/sea.md``. Everything is an array over worlds; the
only Python loops run over ship pledges, port groups and the distinct Montreux scenarios.

The section's metrics (values, units, sources) are in :mod:`.metrics`; the verdict, tables and
map layers in :mod:`.views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.coalition.deployable import shortfall_tables
from guarantor.errors import DataError
from guarantor.instruments.maritime.convoys import ConvoyPlan
from guarantor.instruments.maritime.data import MaritimeData, load_maritime, theatre_problems
from guarantor.instruments.maritime.escorts import (
    ESCORT_ROLES,
    MCM_ROLES,
    Pledges,
    Requirement,
    pledges,
    protection,
    requirement,
)
from guarantor.instruments.maritime.flow import (
    LaneFlow,
    Protection,
    convoy_flow,
    lane_flow,
    parameters,
)
from guarantor.instruments.maritime.geometry import KM_PER_NMI, CorridorGeometry, corridor_geometry
from guarantor.instruments.maritime.metrics import section_metrics
from guarantor.instruments.maritime.views import (
    corridor_layer,
    groups_table,
    modes_table,
    ports_table,
    ships_table,
    stations_layer,
    verdict,
)
from guarantor.packages.schema import Package
from guarantor.section import Lazy, Section, Worlds
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]

# The section


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
    data: MaritimeData | None = None,
) -> Section:
    """Assess a package's sea guarantees in every world.

    The model is deterministic: ``rng`` is accepted for the shared contract and not drawn from.

    Raises:
        DataError: the maritime data does not fit the theatre, or a world parameter is invalid.
    """
    del rng
    data = load_maritime() if data is None else data
    problems = theatre_problems(data, theatre)
    if problems:
        raise DataError(problems)
    p = parameters(worlds)
    geometry = corridor_geometry(theatre, data)
    chosen = pledges(theatre, package, data, p)
    need = requirement(theatre, chosen, geometry, p)
    guard = protection(chosen, p, geometry)
    size = p["threat_level"].size
    protected = lane_flow(p, geometry.ports, data, guard)
    unprotected = lane_flow(p, geometry.ports, data, Protection.none(size))
    odesa = geometry.ports[0]
    transit_h = odesa.sea_km / (p["merchant_speed_kn"] * KM_PER_NMI)
    ships_pledged = chosen.in_black_sea(ESCORT_ROLES | MCM_ROLES)
    escorts_on_station = (
        chosen.on_station(ESCORT_ROLES).sum(axis=0) if chosen.deployments else np.zeros(size)
    )
    schedule, convoyed = convoy_flow(p, geometry, data, guard, escorts_on_station)
    result = Result(
        convoy=schedule,
        convoyed=convoyed,
        geometry=geometry,
        chosen=chosen,
        need=need,
        guard=guard,
        protected=protected,
        unprotected=unprotected,
        transit_h=transit_h,
        ships_pledged=ships_pledged,
    )
    default_ruling = chosen.rulings.rulings[int(chosen.rulings.index[0])]
    return Section(
        name="sea",
        title="Sea: keeping the lane to Odesa open",
        verdict=verdict(result, default_ruling),
        metrics=section_metrics(data, result),
        layers=Lazy(
            lambda: {
                "corridor": corridor_layer(theatre, geometry, data),
                "patrol_stations": stations_layer(geometry, chosen, need, p),
            }
        ),
        tables=Lazy(
            lambda: {
                "ports": ports_table(geometry, p),
                "port_groups": groups_table(data, protected, unprotected),
                "modes": modes_table(
                    result.protected, result.convoyed, result.convoy, result.convoy_preferred
                ),
                "commitments": default_ruling.commitments(),
                "montreux_violations": [v.as_dict() for v in default_ruling.violations],
                "montreux_verdicts": [v.as_dict() for v in default_ruling.verdicts],
                "ships": ships_table(chosen, p),
                "navies": list(chosen.checks),
                **_shortfall(theatre, chosen, need),
            }
        ),
        notes=(
            "Conditions on commitments are not evaluated here: every pledged ship counts "
            "(the durability simulation switches conditional commitments on and off).",
            f"Montreux scenario of the first world: {default_ruling.straits.describe()}.",
        ),
    )


def _shortfall(
    theatre: Theatre, chosen: Pledges, need: Requirement
) -> dict[str, list[dict[str, Any]]]:
    """Escorts and minehunters needed beyond those fielded, and the navies that could send them.

    A Black Sea state acts from its own waters (home share); the others' warships are listed
    with ``black_sea_littoral`` false: Montreux limits their stay (21 days) and tonnage.
    """
    littoral = {a.id for a in theatre.data.actors if a.black_sea_littoral}
    tables: dict[str, list[dict[str, Any]]] = {"shortfall": [], "who_could_fill": []}
    for capability, roles, required in (
        ("escorts", ESCORT_ROLES, need.escorts_required),
        ("minehunters", MCM_ROLES, need.mcm_required),
    ):
        pledged: dict[str, float] = {}
        fielded = 0.0
        for deployment, ship in zip(chosen.deployments, chosen.types, strict=True):
            if ship.role in roles and deployment.in_black_sea:
                pledged[deployment.actor] = pledged.get(deployment.actor, 0.0) + deployment.count
                fielded += deployment.count
        part = shortfall_tables(
            capability, "ships", float(np.median(required)), fielded, pledged, home=littoral
        )
        for row in part["who_could_fill"]:
            row["black_sea_littoral"] = row["actor"] in littoral
        tables["shortfall"] += part["shortfall"]
        tables["who_could_fill"] += part["who_could_fill"]
    return tables


@dataclass(frozen=True)
class Result:
    """What the model computed for a package, handed to the metrics and the views."""

    geometry: CorridorGeometry
    chosen: Pledges
    need: Requirement
    guard: Protection
    protected: LaneFlow
    unprotected: LaneFlow
    transit_h: FloatArray
    ships_pledged: FloatArray
    convoy: ConvoyPlan
    convoyed: LaneFlow

    @property
    def convoy_preferred(self) -> FloatArray:
        """1 where convoys damage fewer ships per tonne and carry at least 95 % of the tonnes."""
        barrier, convoy = self.protected, self.convoyed
        per_mt_barrier = barrier.ships_damaged_per_month / np.maximum(
            barrier.throughput_mt_per_month, 1e-12
        )
        per_mt_convoy = convoy.ships_damaged_per_month / np.maximum(
            convoy.throughput_mt_per_month, 1e-12
        )
        keeps = convoy.throughput_mt_per_month >= 0.95 * barrier.throughput_mt_per_month
        return np.asarray(
            (per_mt_convoy < per_mt_barrier - 1e-12) & keeps & self.convoy.runs, dtype=np.float64
        )
