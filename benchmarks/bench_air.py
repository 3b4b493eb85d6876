"""Air reaction field over the whole of Ukraine at 10 km cells from 10 bases.

Ours: ``guarantor.instruments.air.geometry`` - shortest routes from every base over the routing
raster (one ``scipy.sparse.csgraph.dijkstra`` call for all bases), the polar line-of-sight test
and a vectorised lookup for every cell, then readiness + route / cruise speed, minimum over bases.
The forbidden-airspace raster (Belarus, Russia, occupied Ukraine, a 200 km stand-off) is built
once per stand-off and cached; its build time is printed apart.

Peer, measured in the same run on the same raster and cells: a straightforward per-cell Python
loop - a pure-Python Dijkstra (``heapq``) per base over the same graph, then for every cell and
base a line-of-sight walk along the segment and ``math.hypot`` or the detour.

Second, a whole raid night: the record night of 7 September 2025 (810 drones, 13 missiles: 823
threats) against Sky Shield's 120 fighters over 10,000 worlds. Ours: Ukraine's layer, the
sortie budget and the engagement kernel (``guarantor.instruments.air.engage.night``) on arrays
(worlds x targets x classes). Peer, measured in the same run on the same inputs: the same
night written threat by threat, a Python loop over the 823 threats with each step vectorised
over worlds (``engage.night_per_threat``). The fighters' reach per target comes from the
geometry of one nominal world, shared by both (the geometry is timed above).

Run: ``.venv/bin/python benchmarks/bench_air.py``. Targets: reaction field <= 100 ms, raid night
<= 1 s, on one core.
"""

from __future__ import annotations

import heapq
import math
import time
from typing import Any

import numpy as np

from guarantor.geo import equal_area_grid
from guarantor.instruments.air.cap import cap_plan, place_plane
from guarantor.instruments.air.data import shipped_data
from guarantor.instruments.air.engage import night_per_threat
from guarantor.instruments.air.geometry import Airspace, route_km, routes_from
from guarantor.instruments.air.model import alert_groups, targets, threat_plan
from guarantor.instruments.air.pledges import air_pledges
from guarantor.instruments.air.raid import GUN_CLASSES, budget, raid_inputs, run_night
from guarantor.instruments.air.reach import airspace_for, pledge_transit, world_table
from guarantor.packages import load_package
from guarantor.theatre import load_theatre

CELL_KM = 10.0
READINESS_MIN = 15.0
SPEED_KMH = 850.0
RADIUS_KM = 1400.0
STANDOFF_KM = 200.0


def ours(
    airspace: Airspace, lon: np.ndarray, lat: np.ndarray, x_m: np.ndarray, y_m: np.ndarray
) -> np.ndarray:
    """Reaction minutes per cell, vectorised."""
    routes = routes_from(airspace, lon, lat, RADIUS_KM)
    length = route_km(routes, x_m, y_m)
    minutes = np.where(length <= RADIUS_KM, READINESS_MIN + length / SPEED_KMH * 60.0, np.inf)
    return np.asarray(minutes.min(axis=0), np.float64)


def _dijkstra(airspace: Airspace, start: int) -> list[float]:
    graph = airspace.graph.tocsr()
    symmetric = (graph + graph.T).tocsr()
    indptr, indices, weights = (
        symmetric.indptr.tolist(),
        symmetric.indices.tolist(),
        symmetric.data.tolist(),
    )
    best = [math.inf] * (len(indptr) - 1)
    best[start] = 0.0
    heap = [(0.0, start)]
    while heap:
        dist, node = heapq.heappop(heap)
        if dist > best[node] or dist > RADIUS_KM:
            continue
        for k in range(indptr[node], indptr[node + 1]):
            other, new = indices[k], dist + weights[k]
            if new < best[other]:
                best[other] = new
                heapq.heappush(heap, (new, other))
    return best


def peer(
    airspace: Airspace, lon: np.ndarray, lat: np.ndarray, x_m: np.ndarray, y_m: np.ndarray
) -> np.ndarray:
    """Reaction minutes per cell with a Python loop per cell and base."""
    free = airspace.free.ravel().tolist()
    rows, columns = airspace.shape
    step = airspace.node_km * 1000.0
    x0, y0 = airspace.origin_x_m, airspace.origin_y_m
    bx, by = airspace.project(lon, lat)

    def node(x: float, y: float) -> int:
        column = min(max(round((x - x0) / step), 0), columns - 1)
        row = min(max(round((y - y0) / step), 0), rows - 1)
        return int(row * columns + column)

    tables = []
    for base_x, base_y in zip(bx.tolist(), by.tolist(), strict=True):
        start = node(base_x, base_y)
        tables.append((base_x, base_y, _dijkstra(airspace, start)))
    result = []
    for x, y in zip(x_m.tolist(), y_m.tolist(), strict=True):
        here = node(x, y)
        best = math.inf
        if free[here]:
            for base_x, base_y, table in tables:
                straight = math.hypot(x - base_x, y - base_y) / 1000.0
                samples = max(2, int(straight / (airspace.node_km / 2)))
                clear = all(
                    free[
                        node(
                            base_x + (x - base_x) * i / samples, base_y + (y - base_y) * i / samples
                        )
                    ]
                    for i in range(samples + 1)
                )
                length = straight if clear else max(table[here], straight)
                if length <= RADIUS_KM:
                    best = min(best, READINESS_MIN + length / SPEED_KMH * 60.0)
        result.append(best)
    return np.array(result)


def main() -> None:
    """Time ours and the peer on the same cells and print both figures."""
    theatre = load_theatre()
    bases = [b for b in theatre.data.places.air_bases if b.id != "LZMC"][:10]
    lon = np.array([b.longitude for b in bases])
    lat = np.array([b.latitude for b in bases])
    started = time.perf_counter()
    airspace = airspace_for(theatre, STANDOFF_KM, CELL_KM)
    build_ms = (time.perf_counter() - started) * 1000
    grid = equal_area_grid(theatre.ukraine, CELL_KM)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        field = ours(airspace, lon, lat, grid.x_m, grid.y_m)
        times.append(time.perf_counter() - started)
    ours_ms = min(times) * 1000
    started = time.perf_counter()
    slow = peer(airspace, lon, lat, grid.x_m, grid.y_m)
    peer_ms = (time.perf_counter() - started) * 1000
    area = grid.cell_area_km2
    both = np.isfinite(field) & np.isfinite(slow)
    agree = np.mean(np.abs(field[both] - slow[both]) <= 1.0) if both.any() else 1.0
    print(
        f"cells: {grid.size} at {CELL_KM:g} km, bases: {len(bases)}, stand-off {STANDOFF_KM:g} km"
    )
    print(
        f"airspace raster built once in {build_ms:.0f} ms ({airspace.shape[0]}x{airspace.shape[1]})"
    )
    print(
        f"ours : {ours_ms:8.1f} ms  area within 60 min {np.sum(field <= 60) * area:,.0f} km2, "
        f"within 30 min {np.sum(field <= 30) * area:,.0f} km2"
    )
    print(
        f"peer : {peer_ms:8.1f} ms  area within 60 min {np.sum(slow <= 60) * area:,.0f} km2, "
        f"within 30 min {np.sum(slow <= 30) * area:,.0f} km2"
    )
    print(f"cells whose minutes agree within 1 min: {agree:.1%}")
    print(f"speed-up (peer / ours): {peer_ms / ours_ms:,.0f}x; target <= 100 ms: {ours_ms <= 100}")


RAID = "record-2025-09-07"
RAID_WORLDS = 10_000


def raid_setup() -> dict[str, Any]:
    """Sky Shield's pledges, a nominal world's reach per target, and 10,000 sampled worlds."""
    data = shipped_data()
    theatre = load_theatre()
    package = load_package("sky-shield-2025", theatre)
    one = world_table(None, data)
    pledges = air_pledges(theatre, package)
    groups = alert_groups(pledges.fighters, one, set(), data)
    found = targets(theatre)
    cap = cap_plan(theatre, pledges, one, set(), data)
    reach_one = threat_plan(theatre, pledges, cap, p=one, groups=groups, found=found, data=data)
    rng = np.random.default_rng(0)
    table = {name: rng.uniform(*q.range, RAID_WORLDS) for name, q in data.world.items()}
    p = world_table(table, data)
    reach = {name: np.repeat(share, RAID_WORLDS, axis=0) for name, share in reach_one.items()}
    tx, ty = place_plane(theatre, [t.place for t in found])
    route = pledge_transit(theatre, pledges.fighters, tx, ty).route_km
    transit = np.nanmean(np.where(np.isfinite(route), route, np.nan), axis=1) / 850.0
    return {
        "data": data,
        "raid": data.raid(RAID),
        "p": p,
        "targets": [(t.place.id, t.kind, t.population) for t in found],
        "reach": reach,
        "pledges": pledges,
        "transit": transit,
    }


def raid_ours(s: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Leakers with the package and missiles fired per world, on arrays."""
    inputs = raid_inputs(s["raid"], s["p"], s["data"], s["targets"], s["reach"])
    unit = budget(s["pledges"], s["p"], set(s["p"]), s["data"], s["transit"])
    counts = np.array([f.count for f in s["pledges"].fighters])
    _, missiles, guns = unit.total(counts)
    outcome = run_night(inputs, s["p"], missiles, guns)
    return outcome.leakers_with.sum(axis=(1, 2)), outcome.missiles_used


def raid_peer(s: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The same night, a Python loop over the raid's threats one by one."""
    inputs = raid_inputs(s["raid"], s["p"], s["data"], s["targets"], s["reach"])
    unit = budget(s["pledges"], s["p"], set(s["p"]), s["data"], s["transit"])
    counts = np.array([f.count for f in s["pledges"].fighters])
    _, missiles, guns = unit.total(counts)
    # one threat per unit of the nominal raid, each aimed at the targets in the raid's shares:
    # written out per (class, target) with its fractional weight so both sides see one raid
    size = s["p"]["raid_size_factor"]
    per_unit = inputs.launched[0] / size[0]
    classes, aimed, weights = [], [], []
    for c in range(per_unit.shape[1]):
        for k in range(per_unit.shape[0]):
            whole = per_unit[k, c]
            while whole > 1e-12:
                piece = min(1.0, whole)
                classes.append(c)
                aimed.append(k)
                weights.append(piece)
                whole -= piece
    weight = np.array(weights)
    return night_per_threat(
        np.array(classes),
        np.array(aimed),
        size,
        inputs.ukraine_share,
        inputs.reach,
        missiles=missiles,
        gun_passes=guns,
        pk_missile=inputs.pk_missile,
        pk_gun=s["p"]["pk_gun_drone"],
        gun_classes=np.array([c in GUN_CLASSES for c in inputs.classes]),
        reattack=s["p"]["reattack_share"],
        weight=weight,
    )


def raid_main() -> None:
    """Time the raid night, ours and the per-threat loop, and print both."""
    setup = raid_setup()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        leakers, missiles = raid_ours(setup)
        times.append(time.perf_counter() - started)
    ours_ms = min(times) * 1000
    started = time.perf_counter()
    slow_leakers, slow_missiles = raid_peer(setup)
    peer_ms = (time.perf_counter() - started) * 1000
    launched = sum(q.value for q in setup["raid"].threats.values())
    print(
        f"raid {RAID}: {launched:.0f} threats, Sky Shield's "
        f"{sum(f.count for f in setup['pledges'].fighters):.0f} fighters, {RAID_WORLDS:,} worlds"
    )
    print(
        f"ours : {ours_ms:8.1f} ms  median leakers {np.median(leakers):.1f}, "
        f"missiles {np.median(missiles):.1f}"
    )
    print(
        f"peer : {peer_ms:8.1f} ms  median leakers {np.median(slow_leakers):.1f}, "
        f"missiles {np.median(slow_missiles):.1f}"
    )
    agree = np.max(np.abs(leakers - slow_leakers) / np.maximum(leakers, 1e-9))
    print(f"largest relative difference in leakers: {agree:.1e}")
    print(f"speed-up (peer / ours): {peer_ms / ours_ms:,.1f}x; target <= 1 s: {ours_ms <= 1000}")


if __name__ == "__main__":
    main()
    raid_main()
