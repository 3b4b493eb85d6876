"""Sea model over 10^6 worlds, vectorised, against the same model run one world at a time.

Ours: ``guarantor.instruments.maritime.assess`` on 1,000,000 worlds drawn over every parameter's
range (Montreux rulings, escort cover, mine sweeping, throughput and risk, with and without the
package's protection). Peers, measured in the same run on a subset of the same worlds:

1. a per-world Python loop of the same equations (the way a scalar model is usually written),
   checked to give the same numbers as ours;
2. EMA Workbench 2.5 ``perform_experiments`` with that scalar function as a ``Model`` and the
   ``SequentialEvaluator`` (how the peer tool runs a Python model).

Per-world times are scaled to 10^6 worlds. Run: ``.venv/bin/python benchmarks/bench_sea.py``.
"""

from __future__ import annotations

import argparse
import logging
import math
import time
from typing import Any

import numpy as np

from guarantor.instruments import maritime
from guarantor.instruments.maritime.data import load_maritime
from guarantor.instruments.maritime.montreux import Scenario, Straits, rule
from guarantor.packages import load_package
from guarantor.theatre import DEFAULT_THEATRE, load_theatre

PACKAGE = "paris-declaration-2026"


def scalar_model(
    world: dict[str, float], setup: dict[str, Any]
) -> tuple[float, float, float, float]:
    """One world, plain Python floats: throughput and damage, protected and not."""
    deployments, types, legs, data, length_km = (
        setup["deployments"],
        setup["types"],
        setup["legs"],
        setup["data"],
        setup["length_km"],
    )
    ruling = rule(
        deployments,
        data.file.montreux,
        Straits(
            scenario=Scenario.from_code(world["straits_scenario"]),
            turkey_policy=world["turkey_closure_policy"] > 0.5,
            turkey_threatened=world["turkey_threatened"] > 0.5,
            raised_limit=world["montreux_raised_limit"] > 0.5,
            stay_days=world["non_littoral_stay_days"],
        ),
    )
    covered = swept = frigates = 0.0
    area = max(world["swept_channel_km"] * world["channel_width_km"], 1e-9)
    for deployment, ship, allowed in zip(deployments, types, ruling.allowed, strict=True):
        if not deployment.in_black_sea:
            continue
        on_station = allowed * ship.availability.value
        if ship.role in maritime.ESCORT_ROLES:
            engagement = ship.engagement_radius_km.value if ship.engagement_radius_km else 0.0
            reach = engagement + ship.speed_kn.value * 1.852 * world["response_time_h"]
            if ship.sensor_radius_km is not None:
                reach = min(reach, ship.sensor_radius_km.value)
            covered += on_station * 2.0 * reach
        if ship.role in maritime.MCM_ROLES:
            swath = 2.0 * (ship.sensor_radius_km.value if ship.sensor_radius_km else 0.0)
            per_interval = (
                world["hunting_speed_kn"]
                * 1.852
                * swath
                * world["hunting_hours_per_day"]
                * world["resweep_interval_days"]
            )
            swept += on_station * per_interval / area
        if ship.role.value == "frigate":
            frigates += on_station
    results = []
    for coverage, swept_share, defended in (
        (min(max(covered / length_km, 0.0), 1.0), min(swept, 1.0), min(frigates, 1.0)),
        (0.0, 0.0, 0.0),
    ):
        port, mine = world["port_share_of_damage"], world["mine_share_of_damage"]
        at_sea = min(max(1.0 - port - mine, 0.0), 1.0)
        total = max(port + mine + at_sea, 1e-12)
        blockade = world["blockade_sea_threat_multiplier"] if world["blockade"] > 0.5 else 1.0
        share = (
            port * (1 - world["port_air_defence_effectiveness"] * defended)
            + at_sea * blockade * (1 - world["escort_kill_probability"] * coverage)
            + mine * (1 - world["sweep_effectiveness"] * swept_share)
        ) / total
        uptime = min(max(1 - world["threat_level"] * world["alert_stoppage_share"], 0.0), 1.0)
        throughput = damaged = 0.0
        for group_id in dict.fromkeys(leg.group for leg in legs):
            group = data.group(group_id)
            risk = min(max(world["threat_level"] * world[group.damage_per_call] * share, 0.0), 1.0)
            premium = world["war_risk_base_premium"] + world["premium_per_damage_chance"] * risk
            facility = (
                min(max(world["facility_cap_usd_m"] / max(world["hull_value_usd_m"], 1e-9), 0), 1)
                if world["insurance_facility"] > 0.5
                else 0.0
            )
            paid = premium * (1 - facility * (1 - min(max(world["facility_price_ratio"], 0), 1)))
            span = max(world["premium_owners_stop"] - world["war_risk_base_premium"], 1e-12)
            participation = min(max((world["premium_owners_stop"] - paid) / span, 0.0), 1.0)
            capacity = sum(leg.capacity_mt_per_month for leg in legs if leg.group == group_id)
            per_call = max(world[group.cargo_per_call], 1.0)
            flow = min(
                world[group.cargo_offered] * participation,
                capacity * world["port_capacity_share"] * uptime,
            )
            if group.inspected and world["inspection_regime"] > 0.5:
                limit = (
                    world["inspections_per_day"]
                    * 365.25
                    / 12
                    / max(world["inspections_per_voyage"], 1e-9)
                )
                flow = min(flow, limit * per_call / 1e6)
            throughput += flow
            damaged += flow * 1e6 / per_call * risk
        results.extend([throughput, damaged])
    return results[0], results[1], results[2], results[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", type=int, default=1_000_000)
    parser.add_argument("--loop-worlds", type=int, default=20_000)
    parser.add_argument("--ema-worlds", type=int, default=1_000)
    parser.add_argument("--theatre", default=DEFAULT_THEATRE)
    args = parser.parse_args()

    theatre = load_theatre(args.theatre)
    package = load_package(PACKAGE, theatre)
    data = load_maritime()
    worlds = maritime.sample_worlds(args.worlds, np.random.default_rng(2026))

    start = time.perf_counter()
    section = maritime.assess(theatre, package, worlds)
    ours_s = time.perf_counter() - start

    geometry = maritime.corridor_geometry(theatre, data)
    chosen = maritime.pledges(theatre, package, data, maritime.parameters(None))
    setup = {
        "deployments": chosen.deployments,
        "types": chosen.types,
        "legs": geometry.ports,
        "data": data,
        "length_km": geometry.length_km,
    }
    names = list(maritime.WORLD_PARAMETERS)
    sample = [
        {name: float(worlds[name][index]) for name in names} for index in range(args.loop_worlds)
    ]
    start = time.perf_counter()
    looped = np.array([scalar_model(world, setup) for world in sample])
    loop_s = time.perf_counter() - start
    ours = np.column_stack(
        [
            section.metric(name).value[: args.loop_worlds]
            for name in (
                "throughput_mt_per_month",
                "ships_damaged_per_month",
                "throughput_unprotected_mt_per_month",
                "ships_damaged_unprotected_per_month",
            )
        ]
    )
    worst = float(np.max(np.abs(ours - looped)))

    ema_s, ema_n = _ema(setup, names, args.ema_worlds)

    per_world_ours = ours_s / args.worlds
    per_world_loop = loop_s / args.loop_worlds
    scale = 1_000_000
    print(f"sea model, {PACKAGE}, {args.worlds:,} worlds")
    print(
        f"  ours (vectorised assess):        {ours_s:8.2f} s  -> {per_world_ours * scale:8.2f} s "
        f"per 10^6 worlds"
    )
    print(
        f"  peer: per-world Python loop:     {loop_s:8.2f} s for {args.loop_worlds:,} -> "
        f"{per_world_loop * scale:8.1f} s per 10^6 worlds  "
        f"(ratio {per_world_loop / per_world_ours:,.0f}x)"
    )
    if ema_s is not None:
        per_world_ema = ema_s / ema_n
        print(
            f"  peer: EMA Workbench sequential:  {ema_s:8.2f} s for {ema_n:,} -> "
            f"{per_world_ema * scale:8.1f} s per 10^6 worlds  "
            f"(ratio {per_world_ema / per_world_ours:,.0f}x)"
        )
    print(f"  largest difference, ours vs loop: {worst:.2e} (same numbers)")
    median = section.metric("throughput_mt_per_month").summary()
    print(
        f"  throughput median {median['value']:.2f} Mt/month (5-95%: {median['low']:.2f}-"
        f"{median['high']:.2f})"
    )


def _ema(setup: dict[str, Any], names: list[str], n: int) -> tuple[float | None, int]:
    try:
        from ema_workbench import (
            Model,
            RealParameter,
            ScalarOutcome,
            SequentialEvaluator,
            perform_experiments,
        )
    except ImportError:
        return None, 0
    logging.getLogger("EMA").setLevel(logging.ERROR)

    def function(**world: float) -> dict[str, float]:
        throughput, damaged, _, _ = scalar_model(world, setup)
        return {"throughput": throughput, "damaged": damaged}

    model = Model("sea", function=function)
    model.uncertainties = [RealParameter(name, *_bounds(name)) for name in names]
    model.outcomes = [ScalarOutcome("throughput"), ScalarOutcome("damaged")]
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        perform_experiments(model, scenarios=n, evaluator=evaluator)
    return time.perf_counter() - start, n


def _bounds(name: str) -> tuple[float, float]:
    low, high = maritime.WORLD_PARAMETERS[name].range
    return (low, high) if high > low else (low, low + 1e-9 * max(1.0, math.fabs(low)))


if __name__ == "__main__":
    main()
