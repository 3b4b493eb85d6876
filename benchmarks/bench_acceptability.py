"""Acceptability over 1,000 worlds: the whole model against the settlement step it replaced.

Ours: :func:`guarantor.bargaining.acceptability` on the Paris Declaration over 1,000 worlds (every
coding drawn per world, acceptance, vetoes, survival, the variance-based sensitivity and the SMP
settlement from the package). The peer, measured in the same run on the same actors' draws: the
settlement step the model used before, a BDM/Scholz forecast per world and dimension (10 rounds,
one problem per world × dimension, in chunks of 256 worlds), which alone took most of the old
model's 7 s. Prints both times and their ratio, and whether the 1 s target is met.
"""

from __future__ import annotations

import time

import numpy as np

from guarantor.bargaining import acceptability, load_actors
from guarantor.bargaining.bdm import BdmOptions, run_bdm
from guarantor.packages import load_package
from guarantor.theatre import load_theatre

WORLDS = 1000
CHUNK = 256


def per_world_bdm(draws: dict[str, np.ndarray]) -> np.ndarray:
    """The old settlement: BDM's weighted mean after 10 rounds, per world and dimension."""
    w, n, d = draws["position"].shape
    out = np.empty((w, d))
    for start in range(0, w, CHUNK):
        stop = min(w, start + CHUNK)
        x = np.moveaxis(draws["position"][start:stop], 2, 1).reshape(-1, n)
        s = np.moveaxis(draws["salience"][start:stop], 2, 1).reshape(-1, n)
        c = np.repeat(draws["capability"][start:stop], d, axis=0)
        out[start:stop] = run_bdm(c, x, s, BdmOptions(rounds=10)).mean[-1].reshape(-1, d)
    return out


def main() -> None:
    theatre = load_theatre("ukraine-2025")
    package = load_package("paris-declaration-2026", theatre)
    actors = load_actors()
    worlds = {"war_cost_scale": np.ones(WORLDS)}
    acceptability(theatre, package, {"war_cost_scale": np.ones(10)}, rng=np.random.default_rng(0))
    started = time.perf_counter()
    acceptability(theatre, package, worlds, rng=np.random.default_rng(1), actors=actors)
    ours = time.perf_counter() - started
    draws = actors.sample(WORLDS, np.random.default_rng(1))
    started = time.perf_counter()
    per_world_bdm(draws)
    peer = time.perf_counter() - started
    print(
        f"acceptability, {WORLDS} worlds, {len(actors.actor_ids)} actors x "
        f"{len(actors.dimension_ids)} dimensions"
    )
    print(f"guarantor (whole model, SMP settlement):  {ours:8.3f} s")
    print(f"per-world BDM settlement step alone:      {peer:8.3f} s")
    print(f"ratio (peer / guarantor):                 {peer / ours:8.1f}x")
    print(f"target: <= 1 s -> {'met' if ours <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
