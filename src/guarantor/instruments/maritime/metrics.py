"""The sea section's metrics: values from the model's result, each with its unit and sources.

Throughput, ship calls and damage with and without the package's protection, insurance and
convoys, escort coverage and mine clearance, the ships needed and pledged, and Montreux. Each
metric cites the sources of the world parameters it uses, or lists them as assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from guarantor.instruments.maritime.data import MaritimeData
from guarantor.instruments.maritime.flow import WORLD_PARAMETERS, probes_answered
from guarantor.section import Metric

if TYPE_CHECKING:
    from guarantor.instruments.maritime.model import Result


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


def section_metrics(data: MaritimeData, result: Result) -> tuple[Metric, ...]:
    """The metrics of the sea section, one value per world each."""
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
