"""The durability simulation over many worlds, run in chunks of worlds and merged.

A run of a million worlds does not fit one kernel call's memory; :func:`simulate` cuts the world
table into chunks of :data:`CHUNK_WORLDS`, runs each with its worlds' own indices (so every world
draws the same random numbers whatever the chunking) and merges the results. The merged result is
the one call's: outcomes concatenated, survival curves averaged with each chunk's world count as
its weight.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from guarantor.errors import DataError, Problem

CHUNK_WORLDS = 20_000
"""Worlds per kernel call."""


def simulate(
    package_name: str | None,
    worlds: int,
    seed: int,
    months: int,
    *,
    theatre: str | None = None,
    chunk_worlds: int | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> dict[str, object]:
    """Simulate a package over ``worlds`` worlds (:func:`guarantor.worlds.sample`); summarise.

    Args:
        package_name: a shipped package's name or a path (default: the default package).
        worlds: the number of worlds (≥ 1).
        seed: the seed of the worlds and of every draw.
        months: the horizon (≥ 1).
        theatre: a theatre name or folder (default: the shipped theatre).
        chunk_worlds: worlds per kernel call (default :data:`CHUNK_WORLDS`); the result does not
            depend on it.
        on_chunk: called with (chunks done, chunks in all) after each chunk.

    Returns:
        :meth:`SimulationResult.summary` plus the seed and the survival at each whole year.

    Raises:
        DataError: bad package or theatre, or ``worlds``/``months`` below 1.
    """
    from guarantor import worlds as world_sampler
    from guarantor.durability import SimulationResult, load_uncertainties
    from guarantor.durability.prepared import run
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    problems = [
        Problem("must be ≥ 1", field=name, received=str(value))
        for name, value in (("worlds", worlds), ("months", months))
        if value < 1
    ]
    if problems:
        raise DataError(problems)
    size = CHUNK_WORLDS if chunk_worlds is None else chunk_worlds
    loaded_theatre = load_theatre() if theatre is None else load_theatre(theatre)
    package = load_package(package_name, loaded_theatre)
    uncertainties = load_uncertainties()
    # the one sampler's worlds, as assess draws them: the same N and seed, the same worlds
    table = world_sampler.sample(worlds, seed, parameters=world_sampler.space())
    starts = list(range(0, worlds, size))
    parts: list[SimulationResult] = []
    for start in starts:
        stop = min(start + size, worlds)
        chunk = {name: values[start:stop] for name, values in table.items()}
        # the package's world-independent sections are computed at the first chunk only
        parts.append(
            run(
                loaded_theatre,
                package,
                chunk,
                seed=seed,
                months=months,
                world_index=np.arange(start, stop),
                uncertainties=uncertainties,
            )
        )
        if on_chunk is not None:
            on_chunk(len(parts), len(starts))
    weights = np.array([part.n_worlds for part in parts], dtype=np.float64)
    merged = SimulationResult(
        outcomes={
            name: np.concatenate([part.outcomes[name] for part in parts])
            for name in parts[0].outcomes
        },
        survival=np.average([part.survival for part in parts], axis=0, weights=weights),
        expected_survival=np.average(
            [part.expected_survival for part in parts], axis=0, weights=weights
        ),
        months=months,
        notes=parts[0].notes,
        package=package.name,
    )
    summary = merged.summary()
    summary["seed"] = seed
    summary["survival_by_year"] = [float(merged.survival[m]) for m in range(0, months + 1, 12)]
    return summary
