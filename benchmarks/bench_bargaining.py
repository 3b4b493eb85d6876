"""One SMP turn with 160 actors × 6 dimensions: guarantor's numpy engine vs plain Python.

The peer is a straightforward pure-Python transcription of KTAB's turn (loops over actors, pairs
and third parties, as in ``smpbcn.cpp``), run in the same process on the same input; both must
produce the same challenges. Prints our time, the peer's, and the ratio.
"""

from __future__ import annotations

import math
import time

import numpy as np

from guarantor.bargaining.smp import SmpOptions, assess_state, choose_positions, find_bargains
from guarantor.bargaining.table import ActorTable

N_ACTORS, N_DIMS = 160, 6


def make_table(seed: int = 20250101) -> ActorTable:
    """KTAB's random actors: capability 10-200, saliences summing to 0.75-0.99."""
    rng = np.random.default_rng(seed)
    capability = rng.uniform(10, 200, N_ACTORS)
    raw = rng.uniform(0.1, 1.0, (N_ACTORS, N_DIMS))
    salience = raw / raw.sum(axis=1, keepdims=True) * rng.uniform(0.75, 0.99, (N_ACTORS, 1))
    return ActorTable(
        "bench",
        "random",
        tuple(f"A{i}" for i in range(N_ACTORS)),
        tuple(f"D{k}" for k in range(N_DIMS)),
        capability,
        rng.uniform(0, 1, (N_ACTORS, N_DIMS)),
        salience,
    )


def numpy_turn(table: ActorTable) -> list[tuple[str, str]]:
    options = SmpOptions()
    state = assess_state(table, table.position, options)
    challenges, bargains = find_bargains(table, state, options)
    choose_positions(table, state, options, bargains, None)
    return [(c["initiator"], c["target"]) for c in challenges]


def python_turn(table: ActorTable) -> list[tuple[str, str]]:
    """KTAB's best-challenge search written plainly (the turn's O(n³) core)."""
    n, d = N_ACTORS, N_DIMS
    x = table.position.tolist()
    s = table.salience.tolist()
    c = table.capability.tolist()
    sums = [sum(row) for row in s]

    def util(dist: float, risk: float) -> float:
        return (1 - dist) * (1 + dist * risk)

    dist = [
        [
            math.sqrt(
                sum((s[i][k] * (x[i][k] - x[j][k])) ** 2 for k in range(d))
                / sum(v * v for v in s[i])
            )
            for j in range(n)
        ]
        for i in range(n)
    ]
    neutral = [[util(dist[i][j], 0.0) for j in range(n)] for i in range(n)]
    strength = [[1e-8] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            for k in range(n):
                v = c[k] * (neutral[k][i] - neutral[k][j])
                if v > 0:
                    strength[i][j] += v
                elif v < 0:
                    strength[j][i] -= v
    prob = []
    for i in range(n):
        p = 1.0
        for j in range(n):
            p *= 0.5 if i == j else strength[i][j] / (strength[i][j] + strength[j][i])
        prob.append(p)
    total = sum(prob)
    prob = [p / total for p in prob]
    lo, hi = min(prob), max(prob)
    risk = [(3 * p - (hi + 2 * lo)) / (2 * (hi - lo)) for p in prob]
    found = []
    for i in range(n):
        best, best_gain = -1, -1.0
        u = [[util(dist[a][b], (2 * risk[i] + risk[a]) / 3) for b in range(n)] for a in range(n)]
        for j in range(n):
            if j == i:
                continue
            ci = sums[i] * c[i] * (u[i][i] - u[i][j])
            cj = sums[j] * c[j] * (u[j][i] - u[j][j])
            for_i = 1e-10 + max(ci, 0) + max(cj, 0)
            for_j = 1e-10 + max(-ci, 0) + max(-cj, 0)
            add_i = add_j = 0.0
            for m in range(n):
                if m in (i, j):
                    continue
                w = sums[m] * c[m]
                first = w * (u[m][i] - u[m][j])
                ci_ = for_i + max(first, 0)
                cj_ = for_j + max(-first, 0)
                pin = ci_ / (ci_ + cj_)
                joins_i = pin * (2 * u[m][i] + u[m][m]) + (1 - pin) * 3 * u[m][j]
                joins_j = pin * 3 * u[m][i] + (1 - pin) * (2 * u[m][j] + u[m][m])
                vote = w * (joins_i - joins_j)
                if vote > 0:
                    add_i += vote
                else:
                    add_j -= vote
            p = (for_i + add_i) / (for_i + add_i + for_j + add_j)
            gain = (1 - sums[j]) * 2 * u[i][i] + sums[j] * (p * 2 * u[i][i] + (1 - p) * 2 * u[i][j])
            gain -= u[i][i] + u[i][j]
            if gain > 1e-5 and gain > best_gain:
                best, best_gain = j, gain
        if best >= 0:
            found.append((table.actors[i], table.actors[best]))
    return found


def main() -> None:
    table = make_table()
    numpy_turn(table)  # warm-up
    start = time.perf_counter()
    ours = numpy_turn(table)
    our_seconds = time.perf_counter() - start
    start = time.perf_counter()
    theirs = python_turn(table)
    peer_seconds = time.perf_counter() - start
    assert ours == theirs, "the two implementations disagree on the challenges"
    print(f"SMP turn, {N_ACTORS} actors x {N_DIMS} dimensions ({len(ours)} challenges)")
    print(f"guarantor (numpy, full turn):           {our_seconds:8.3f} s")
    print(f"pure Python (challenge search only):    {peer_seconds:8.3f} s")
    print(f"ratio (pure Python / guarantor):        {peer_seconds / our_seconds:8.1f}x")
    print(f"target: one turn <= 1 s -> {'met' if our_seconds <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
