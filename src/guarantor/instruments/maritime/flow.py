"""Throughput and risk on the lane, by port group, vectorised over worlds (``docs/sea.md``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.instruments.maritime import convoys, insurance
from guarantor.instruments.maritime.convoys import ConvoyPlan
from guarantor.instruments.maritime.data import MaritimeData, load_maritime
from guarantor.instruments.maritime.geometry import CorridorGeometry, PortLeg
from guarantor.section import Worlds, n_worlds, world_parameter
from guarantor.sourcing import Quantity

FloatArray = NDArray[np.float64]

DAYS_PER_MONTH = 365.25 / 12

WORLD_PARAMETERS: dict[str, Quantity] = dict(load_maritime().file.world_parameters)
"""World parameters the sea model reads, with defaults and ranges (from ``maritime.yaml``)."""


# --------------------------------------------------------------------------------------------
# The lane: throughput and risk, vectorised over worlds


@dataclass(frozen=True)
class Protection:
    """What the package's ships do in each world (arrays over worlds, each 0-1)."""

    coverage_share: FloatArray
    swept_share: FloatArray
    port_defended: FloatArray

    @classmethod
    def none(cls, size: int) -> Protection:
        """No protection beyond Ukraine's own (the baseline the damage rate was measured in)."""
        zeros = np.zeros(size)
        return cls(zeros, zeros, zeros)


@dataclass(frozen=True)
class GroupFlow:
    """Monthly flow through one port group in each world."""

    group: str
    throughput_mt_per_month: FloatArray
    ship_calls_per_month: FloatArray
    ships_damaged_per_month: FloatArray
    damage_per_call: FloatArray
    war_risk_premium: FloatArray
    effective_premium: FloatArray
    participation: FloatArray


@dataclass(frozen=True)
class LaneFlow:
    """Monthly flow through the lane in each world (totals; premium of the first group)."""

    throughput_mt_per_month: FloatArray
    ship_calls_per_month: FloatArray
    ships_damaged_per_month: FloatArray
    damage_per_call: FloatArray
    participation: FloatArray
    port_uptime: FloatArray
    war_risk_premium: FloatArray
    effective_premium: FloatArray
    groups: tuple[GroupFlow, ...] = ()


Parameters = Mapping[str, FloatArray]


def parameters(worlds: Worlds | None, size: int | None = None) -> dict[str, FloatArray]:
    """Every world parameter as an array over worlds (defaults where the table has none).

    Raises:
        DataError: a parameter is not finite or is negative.
    """
    size = n_worlds(worlds) if size is None else size
    values = {
        name: world_parameter(worlds, name, default, size)
        for name, default in WORLD_PARAMETERS.items()
    }
    problems = [
        Problem(
            "world parameter must be finite and not negative",
            field=f"worlds.{name}",
            expected=f"values in [{WORLD_PARAMETERS[name].low:g}, "
            f"{WORLD_PARAMETERS[name].high:g}] {WORLD_PARAMETERS[name].unit}",
            received=f"{array[~(np.isfinite(array) & (array >= 0))][0]!r}",
        )
        for name, array in values.items()
        if array.shape != (size,) or not bool(np.all(np.isfinite(array) & (array >= 0)))
    ]
    if problems:
        raise DataError(problems)
    return values


def damage_per_call(
    p: Parameters, protection: Protection, base_rate: str = "damage_per_call"
) -> FloatArray:
    """Chance that a ship call ends with the ship damaged, by where the damage is done.

    ``threat × base rate × Σ_k share_k × m_k × (1 - protection_k)`` over damage in port (a
    frigate off the ports), at sea (escorts) and by mines (swept channels); the shares are
    normalised to 1 and ``m`` is 1 except at sea under a declared blockade (``blockade``),
    where attacks on ships at sea are multiplied. ``base_rate`` names the port group's rate.
    """
    port_share = p["port_share_of_damage"]
    mine_share = p["mine_share_of_damage"]
    sea_share = np.clip(1.0 - port_share - mine_share, 0.0, 1.0)
    total = np.maximum(port_share + mine_share + sea_share, 1e-12)
    at_sea = np.where(p["blockade"] > 0.5, p["blockade_sea_threat_multiplier"], 1.0)
    unprotected = (
        port_share * (1.0 - p["port_air_defence_effectiveness"] * protection.port_defended)
        + sea_share * at_sea * (1.0 - p["escort_kill_probability"] * protection.coverage_share)
        + mine_share * (1.0 - p["sweep_effectiveness"] * protection.swept_share)
    ) / total
    return np.clip(p["threat_level"] * p[base_rate] * np.maximum(unprotected, 0.0), 0.0, 1.0)


def lane_flow(
    p: Parameters,
    legs: Sequence[PortLeg],
    data: MaritimeData,
    protection: Protection,
) -> LaneFlow:
    """Tonnes, ship calls and damaged ships a month through the given ports, in every world.

    Each port group has its own damage rate; the risk sets the war-risk premium, the premium
    (less the state facility's part) sets the owners' participation, and participation scales
    the cargo offered (:mod:`guarantor.instruments.maritime.insurance`).
    """
    size = p["threat_level"].size
    uptime = np.clip(1.0 - p["threat_level"] * p["alert_stoppage_share"], 0.0, 1.0)
    regime = p["inspection_regime"] > 0.5
    inspected_calls_limit = (
        p["inspections_per_day"] * DAYS_PER_MONTH / np.maximum(p["inspections_per_voyage"], 1e-9)
    )
    groups: list[GroupFlow] = []
    for group_id in dict.fromkeys(leg.group for leg in legs):
        group = data.group(group_id)
        risk = damage_per_call(p, protection, group.damage_per_call)
        premium = insurance.market_premium(p, risk)
        paid = insurance.effective_premium(p, premium)
        share = insurance.participation(p, paid)
        capacity = sum(leg.capacity_mt_per_month for leg in legs if leg.group == group_id)
        cargo_per_call_t = np.maximum(p[group.cargo_per_call], 1.0)
        flow = np.minimum(
            p[group.cargo_offered] * share,
            capacity * p["port_capacity_share"] * uptime,
        )
        if group.inspected:
            flow = np.where(
                regime, np.minimum(flow, inspected_calls_limit * cargo_per_call_t / 1e6), flow
            )
        calls = flow * 1e6 / cargo_per_call_t
        groups.append(GroupFlow(group_id, flow, calls, calls * risk, risk, premium, paid, share))
    if not groups:
        zeros = np.zeros(size)
        return LaneFlow(zeros, zeros, zeros, zeros, np.ones(size), uptime, zeros, zeros)
    calls = np.sum([g.ship_calls_per_month for g in groups], axis=0)
    damaged = np.sum([g.ships_damaged_per_month for g in groups], axis=0)
    first = groups[0]
    return LaneFlow(
        throughput_mt_per_month=np.sum([g.throughput_mt_per_month for g in groups], axis=0),
        ship_calls_per_month=calls,
        ships_damaged_per_month=damaged,
        damage_per_call=np.where(
            calls > 0, damaged / np.maximum(calls, 1e-12), first.damage_per_call
        ),
        participation=first.participation,
        port_uptime=uptime,
        war_risk_premium=first.war_risk_premium,
        effective_premium=first.effective_premium,
        groups=tuple(groups),
    )


def probes_answered(protected: LaneFlow, unprotected: LaneFlow) -> FloatArray:
    """1 - damage with protection / damage without, at the protected traffic, per world."""
    bare = sum(
        (
            g.ship_calls_per_month * u.damage_per_call
            for g, u in zip(protected.groups, unprotected.groups, strict=True)
        ),
        np.zeros_like(protected.ship_calls_per_month),
    )
    with_package = protected.ships_damaged_per_month
    answered = np.where(bare > 0, 1.0 - with_package / np.maximum(bare, 1e-12), 0.0)
    return np.asarray(np.clip(answered, 0.0, 1.0), dtype=np.float64)


def convoy_flow(
    p: Parameters,
    geometry: CorridorGeometry,
    data: MaritimeData,
    guard: Protection,
    escorts_on_station: FloatArray,
) -> tuple[ConvoyPlan, LaneFlow]:
    """The lane under convoys: every convoyed ship covered at sea, calls capped by the convoys."""
    schedule = convoys.plan(p, escorts_on_station, geometry.length_km)
    covered = Protection(schedule.runs.astype(np.float64), guard.swept_share, guard.port_defended)
    flow = lane_flow(p, geometry.ports, data, covered)
    share = np.where(schedule.runs, convoys.carried_share(schedule, flow.ship_calls_per_month), 1.0)
    groups = tuple(
        GroupFlow(
            g.group,
            g.throughput_mt_per_month * share,
            g.ship_calls_per_month * share,
            g.ships_damaged_per_month * share,
            g.damage_per_call,
            g.war_risk_premium,
            g.effective_premium,
            g.participation,
        )
        for g in flow.groups
    )
    scaled = LaneFlow(
        throughput_mt_per_month=flow.throughput_mt_per_month * share,
        ship_calls_per_month=flow.ship_calls_per_month * share,
        ships_damaged_per_month=flow.ships_damaged_per_month * share,
        damage_per_call=flow.damage_per_call,
        participation=flow.participation,
        port_uptime=flow.port_uptime,
        war_risk_premium=flow.war_risk_premium,
        effective_premium=flow.effective_premium,
        groups=groups,
    )
    return schedule, scaled
