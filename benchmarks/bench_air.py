"""Air reaction field over the whole of Ukraine at 10 km cells from 10 bases.

Ours: ``guarantor.instruments.air.geometry`` - shortest routes from every base over the routing
raster (one ``scipy.sparse.csgraph.dijkstra`` call for all bases), the polar line-of-sight test
and a vectorised lookup for every cell, then readiness + route / cruise speed, minimum over bases.
The forbidden-airspace raster (Belarus, Russia, occupied Ukraine, a 200 km stand-off) is built
once per stand-off and cached; its build time is printed apart.

Peer, measured in the same run on the same raster and cells: a straightforward per-cell Python
loop - a pure-Python Dijkstra (``heapq``) per base over the same graph, then for every cell and
base a line-of-sight walk along the segment and ``math.hypot`` or the detour.

Run: ``.venv/bin/python benchmarks/bench_air.py``. Target: ours <= 100 ms on one core.
"""

from __future__ import annotations

import heapq
import math
import time

import numpy as np

from guarantor.geo import equal_area_grid
from guarantor.instruments.air.geometry import Airspace, route_km, routes_from
from guarantor.instruments.air.reach import airspace_for
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


if __name__ == "__main__":
    main()
