"""The sea model: keeping the lane to Odesa open, vectorised over worlds.

Given a theatre, a package and a table of worlds, :func:`assess` assembles the section from the
seams of the model (geometry, escorts, flow, insurance, convoys, navies, views) and answers:

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.coalition.deployable import shortfall_tables
from guarantor.errors import DataError
from guarantor.instruments.maritime import navies
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
    WORLD_PARAMETERS,
    LaneFlow,
    Protection,
    convoy_flow,
    lane_flow,
    parameters,
    probes_answered,
)
from guarantor.instruments.maritime.geometry import KM_PER_NMI, CorridorGeometry, corridor_geometry
from guarantor.instruments.maritime.montreux import (
    Ruling,
)
from guarantor.instruments.maritime.views import (
    corridor_layer,
    groups_table,
    modes_table,
    ports_table,
    ships_table,
    stations_layer,
)
from guarantor.packages.schema import Package
from guarantor.section import Metric, Section, Worlds
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]

# --------------------------------------------------------------------------------------------
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
    result = _Result(
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
        verdict=_verdict(data, result, default_ruling),
        metrics=_metrics(data, result),
        layers={
            "corridor": corridor_layer(theatre, geometry, data),
            "patrol_stations": stations_layer(geometry, chosen, need, p),
        },
        tables={
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
        },
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


def _provenance(data: MaritimeData, names: Sequence[str]) -> tuple[list[str], list[str]]:
    sources: list[str] = []
    assumptions: list[str] = []
    for name in names:
        quantity = WORLD_PARAMETERS[name]
        if quantity.assumption is not None:
            assumptions.append(
                f"{name}: {quantity.assumption} (range {quantity.low:g}-{quantity.high:g})"
            )
        else:
            sources.append(data.cite(quantity.source))
    return sources, assumptions


_INSURANCE = (
    "war_risk_base_premium",
    "premium_per_damage_chance",
    "premium_owners_stop",
    "insurance_facility",
    "facility_cap_usd_m",
    "facility_price_ratio",
    "hull_value_usd_m",
)
_FLOW = (
    "threat_level",
    "damage_per_call",
    "damage_per_call_danube",
    "blockade",
    "blockade_sea_threat_multiplier",
    *_INSURANCE,
    "alert_stoppage_share",
    "port_capacity_share",
    "cargo_offered_greater_odesa_mt_per_month",
    "cargo_offered_danube_mt_per_month",
    "cargo_per_call_t",
    "cargo_per_call_danube_t",
    "inspection_regime",
    "inspections_per_day",
    "inspections_per_voyage",
)
_RISK = (
    "threat_level",
    "damage_per_call",
    "damage_per_call_danube",
    "blockade",
    "blockade_sea_threat_multiplier",
    "port_share_of_damage",
    "mine_share_of_damage",
    "escort_kill_probability",
    "port_air_defence_effectiveness",
    "sweep_effectiveness",
)
_COVER = ("response_time_h",)
_CONVOY = (
    "convoy_ships_per_convoy",
    "convoy_escorts_per_convoy",
    "convoy_turnaround_h",
    "merchant_speed_kn",
)
_SWEEP = (
    "swept_channel_km",
    "channel_width_km",
    "hunting_speed_kn",
    "hunting_hours_per_day",
    "resweep_interval_days",
)
_MONTREUX = (
    "straits_scenario",
    "turkey_closure_policy",
    "turkey_threatened",
    "montreux_raised_limit",
    "non_littoral_stay_days",
)


@dataclass(frozen=True)
class _Result:
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


def _metrics(data: MaritimeData, result: _Result) -> tuple[Metric, ...]:
    geometry, chosen, need, guard = result.geometry, result.chosen, result.need, result.guard
    protected, unprotected = result.protected, result.unprotected
    transit_h, ships_pledged = result.transit_h, result.ships_pledged
    capacity_sources = [
        data.cite(port.capacity_mt_per_year.source) for port in data.file.corridor.ports
    ]
    montreux_sources = [
        data.cite(data.file.montreux.closure_source),
        data.cite(data.file.montreux.tonnage_limit_t.source),
    ]

    def metric(
        name: str,
        value: Any,
        unit: str,
        reason: str,
        uses: Sequence[str],
        *,
        extra: Sequence[str] = (),
    ) -> Metric:
        sources, assumptions = _provenance(data, uses)
        return Metric.of(
            name, value, unit, reason, sources=[*extra, *sources], assumptions=assumptions
        )

    waypoint_note = ["corridor waypoints read off the chart 10-25 km offshore (flagged)"]
    return (
        metric(
            "throughput_mt_per_month",
            protected.throughput_mt_per_month,
            "Mt/month",
            "least of cargo offered × owners' participation, port capacity × uptime and "
            "inspections, with the package's protection",
            _FLOW + _RISK,
            extra=capacity_sources,
        ),
        metric(
            "throughput_unprotected_mt_per_month",
            unprotected.throughput_mt_per_month,
            "Mt/month",
            "the same with no protection beyond Ukraine's own",
            _FLOW,
            extra=capacity_sources,
        ),
        metric(
            "ship_calls_per_month",
            protected.ship_calls_per_month,
            "ships/month",
            "tonnes a month divided by the cargo per call",
            _FLOW + _RISK,
        ),
        metric(
            "ship_calls_unprotected_per_month",
            unprotected.ship_calls_per_month,
            "ships/month",
            "ship calls with no protection beyond Ukraine's own",
            _FLOW,
        ),
        metric(
            "ships_damaged_per_month",
            protected.ships_damaged_per_month,
            "ships/month",
            "ship calls × chance of damage per call under the package's protection",
            _FLOW + _RISK + _COVER + _SWEEP,
        ),
        metric(
            "ships_damaged_unprotected_per_month",
            unprotected.ships_damaged_per_month,
            "ships/month",
            "ship calls × chance of damage per call with no protection",
            _FLOW + _RISK,
        ),
        metric(
            "war_risk_premium_share",
            protected.war_risk_premium,
            "1",
            "London-market hull war-risk premium per Greater Odesa voyage as a share of hull "
            "value: floor + loading × chance of damage per call under the package's protection",
            _RISK + _INSURANCE,
        ),
        metric(
            "war_risk_premium_unprotected_share",
            unprotected.war_risk_premium,
            "1",
            "the same premium with no protection beyond Ukraine's own",
            _RISK + _INSURANCE,
        ),
        metric(
            "owners_participation",
            protected.participation,
            "1",
            "share of the cargo offered that owners carry at the premium they pay (the state "
            "facility's part at its price)",
            _RISK + _INSURANCE,
        ),
        metric(
            "sea_probes_answered_share",
            probes_answered(protected, unprotected),
            "1",
            "share of sea probes (attacks on shipping and mines) the package's ships defeat: "
            "1 - ships damaged with its protection / without it, traffic held at the "
            "protected level",
            _FLOW + _RISK + _COVER + _SWEEP,
        ),
        metric(
            "convoy_throughput_mt_per_month",
            result.convoyed.throughput_mt_per_month,
            "Mt/month",
            "tonnes a month if the same escorts sail with convoys instead of holding stations "
            "(calls capped by what the convoys carry)",
            _FLOW + _RISK + _CONVOY,
        ),
        metric(
            "convoy_ships_damaged_per_month",
            result.convoyed.ships_damaged_per_month,
            "ships/month",
            "ships damaged a month under convoys: every convoyed ship covered at sea",
            _FLOW + _RISK + _CONVOY,
        ),
        metric(
            "convoy_wait_h",
            np.where(result.convoy.runs, result.convoy.wait_h, 0.0),
            "h",
            "mean wait for the next convoy: half the interval between departures (0 where "
            "the escorts on station make no convoy)",
            _CONVOY,
        ),
        metric(
            "convoy_preferred",
            result.convoy_preferred,
            "1",
            "1 where convoys damage fewer ships per tonne and carry at least 95 % of the "
            "barrier's tonnes",
            _FLOW + _RISK + _CONVOY,
        ),
        metric(
            "escort_coverage_share",
            guard.coverage_share,
            "1",
            f"share of the {geometry.length_km:.0f} km track within reach of an escort on "
            "station (ships × availability × 2 × cover radius / length)",
            _COVER,
        ),
        metric(
            "mine_swept_share",
            guard.swept_share,
            "1",
            "share of the channel minehunters on station re-sweep on schedule",
            _SWEEP,
        ),
        metric(
            "ships_required",
            need.ships_required,
            "ships",
            f"{need.escort_type.name} escorts to cover the track plus "
            f"{need.mcm_type.name}s to keep the channel swept, rotation included",
            _COVER + _SWEEP,
        ),
        metric(
            "ships_pledged",
            ships_pledged,
            "ships",
            "escorts and minehunters pledged that Montreux lets into the Black Sea",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "ships_barred_by_montreux",
            chosen.rulings.ships_barred,
            "ships",
            "pledged ships the Montreux Convention (or the closure) keeps out",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "montreux_violations",
            chosen.rulings.violations,
            "count",
            "rules of the Montreux Convention the package breaks",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "montreux_transit_groups",
            chosen.rulings.transit_groups,
            "groups",
            "transit groups the admitted ships need under Art. 14 (at most nine ships and "
            "15,000 t in transit at one time): a schedule, not a cap on presence",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "reinforcement_notice_days",
            chosen.rulings.per_world([r.notice_days for r in chosen.rulings.rulings]),
            "d",
            "notice before a non-Black-Sea warship may transit the straits (Art. 13)",
            _MONTREUX,
            extra=montreux_sources,
        ),
        Metric.of(
            "corridor_length_km",
            np.full(transit_h.size, geometry.length_km),
            "km",
            "geodesic length of the coastal track from the Odesa roads to the Bosporus",
            assumptions=waypoint_note,
        ),
        metric(
            "transit_h",
            transit_h,
            "h",
            "Odesa to the Bosporus at merchant speed",
            ("merchant_speed_kn",),
        ),
    )


def _verdict(data: MaritimeData, result: _Result, ruling: Ruling) -> str:
    geometry, need, guard = result.geometry, result.need, result.guard
    protected, unprotected = result.protected, result.unprotected
    ships_pledged = result.ships_pledged
    barred = ruling.ships_barred
    articles = sorted({v.article for v in ruling.verdicts if v.barred})
    montreux = (
        f"straits {ruling.straits.scenario.value}: Montreux bars {barred} pledged "
        f"ship{'s' if barred != 1 else ''} ({'; '.join(articles)})"
        if barred
        else f"straits {ruling.straits.scenario.value}: no pledged ship barred by Montreux"
    )
    beyond = navies.ships_beyond_inventory(result.chosen.checks)
    first = next((row["derivation"] for row in result.chosen.checks if row["flagged"]), "")
    inventory = (
        f"; {beyond} pledged ship{'s' if beyond != 1 else ''} beyond what the navies can "
        f"commit (flagged: {first})"
        if beyond
        else ""
    )
    return (
        f"{np.median(ships_pledged):.0f} ships pledged in the Black Sea against "
        f"{np.median(need.ships_required):.0f} needed; escorts cover "
        f"{np.median(guard.coverage_share):.0%} of the {geometry.length_km:.0f} km track; "
        f"{np.median(protected.throughput_mt_per_month):.1f} Mt/month "
        f"({np.median(unprotected.throughput_mt_per_month):.1f} unprotected), "
        f"{np.median(protected.ships_damaged_per_month):.2f} ships damaged a month "
        f"({np.median(unprotected.ships_damaged_per_month):.2f} unprotected); {montreux}"
        f"{inventory}."
    )
