"""A small kernel with the durability kernel's contract, for testing the explore machinery.

``run(theatre, package, worlds, *, seed, months, world_index, design, replicate)`` draws each
world's breakdown month from a constant monthly hazard that falls with the fighters pledged,
using one ``SeedSequence(seed, spawn_key=(design, world, replicate))`` per world, so that values
depend only on the global world index. A world with ``poison > 0.5`` raises; ``delay_s`` makes a
chunk sleep (to keep work in flight while a test kills a worker).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.packages.schema import AirPolicing, magnitude


@dataclass(frozen=True)
class Result:
    outcomes: dict[str, np.ndarray]


def fighters(package: Any) -> float:
    return sum(
        magnitude(pledge.count)
        for commitment in package.commitments
        if isinstance(commitment, AirPolicing)
        for pledge in commitment.aircraft
    )


def run(
    theatre: Any,
    package: Any,
    worlds: dict[str, np.ndarray],
    *,
    seed: int,
    months: int = 120,
    world_index: np.ndarray | None = None,
    design: int = 0,
    replicate: int = 0,
) -> Result:
    size = len(next(iter(worlds.values())))
    index = np.arange(size) if world_index is None else np.asarray(world_index)
    if "poison" in worlds and np.any(worlds["poison"] > 0.5):
        raise ValueError("poisoned world")
    if "delay_s" in worlds:
        time.sleep(float(worlds["delay_s"][0]))
    uniforms = np.array(
        [
            np.random.default_rng(
                np.random.SeedSequence(seed, spawn_key=(design, int(w), replicate))
            ).random()
            for w in index
        ]
    )
    risk = worlds.get("risk", np.full(size, 0.5))
    resolve = worlds.get("resolve", np.full(size, 0.5))
    hazard = 0.08 * risk * (1.2 - resolve) / (1.0 + fighters(package) / 60.0)
    breakdown = np.ceil(np.log1p(-uniforms) / np.log1p(-np.clip(hazard, 1e-9, 0.99)))
    breakdown = np.where(breakdown > months, np.inf, breakdown)
    return Result(
        {
            "breakdown_month": np.minimum(breakdown, months + 1.0),
            "held_24m": (breakdown > 24).astype(float),
            "cost_usd_bn": np.full(size, fighters(package) * 0.05),
        }
    )


def test_standin_values_depend_on_the_global_world_index_only() -> None:
    worlds = {"risk": np.linspace(0.1, 0.9, 10), "resolve": np.linspace(0.9, 0.1, 10)}

    class Empty:
        commitments = ()

    whole = run(None, Empty(), worlds, seed=3, months=60, world_index=np.arange(10))
    half = run(
        None,
        Empty(),
        {k: v[5:] for k, v in worlds.items()},
        seed=3,
        months=60,
        world_index=np.arange(5, 10),
    )
    np.testing.assert_array_equal(
        whole.outcomes["breakdown_month"][5:], half.outcomes["breakdown_month"]
    )
    assert set(whole.outcomes) == {"breakdown_month", "held_24m", "cost_usd_bn"}


def ishigami(
    theatre: Any,
    package: Any,
    worlds: dict[str, np.ndarray],
    *,
    seed: int,
    months: int = 120,
    world_index: np.ndarray | None = None,
    design: int = 0,
    replicate: int = 0,
) -> Result:
    """The Ishigami function (Ishigami and Homma 1990), whose Sobol indices are known exactly."""
    x1, x2, x3 = worlds["x1"], worlds["x2"], worlds["x3"]
    y = np.sin(x1) + 7.0 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    return Result({"y": y})
