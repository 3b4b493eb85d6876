"""Evaluating candidate packages over a fixed set of worlds: outcomes and Russia's consent.

An :class:`Evaluator` is what the robust search asks of its candidates: their outcomes as
(candidates × worlds) tables, Russia's consent share for the acceptance constraint, and a
fingerprint of its settings for the checkpoint. :class:`Batch` runs every candidate as one task
(a vectorised kernel call over all worlds), all submitted to the executor together;
:func:`consent_share` is the share of worlds in which Russia consents to each candidate (the
bargaining model's ``russia_consents``), the same actor draws for every candidate.
(:class:`~guarantor.explore.assessed.AssessedBatch` evaluates each candidate with one whole
assessment instead.)
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from guarantor.explore.design import Chunk
from guarantor.explore.executors import ChunkTask, Executor, run_chunk
from guarantor.packages import Package

FloatArray = NDArray[np.float64]


class Evaluator(Protocol):
    """What the robust search needs to evaluate candidates over one fixed set of worlds."""

    def run(self, packages: Sequence[Package], executor: Executor) -> dict[str, FloatArray]:
        """Outcomes as (candidates × worlds) tables, the same worlds for every candidate."""
        ...

    def consent(self, packages: Sequence[Package], seed: int) -> FloatArray:
        """The share of worlds in which Russia consents to each candidate."""
        ...

    def fingerprint(self) -> dict[str, Any]:
        """The settings that make two evaluators give the same numbers (JSON data)."""
        ...


@dataclass(frozen=True)
class Batch:
    """What the kernel needs to evaluate candidates over a fixed set of worlds."""

    worlds: Mapping[str, FloatArray]
    seed: int
    months: int
    model: str
    theatre: str | None

    def run(self, packages: Sequence[Package], executor: Executor) -> dict[str, FloatArray]:
        """Outcomes as (candidates × worlds) tables; one task per candidate, one batch."""
        size = len(next(iter(self.worlds.values())))
        tasks = [
            ChunkTask(
                chunk=Chunk(0, 0, size),  # design 0 for all: common random numbers
                package=package,
                worlds=self.worlds,
                seed=self.seed,
                months=self.months,
                model=self.model,
                theatre=self.theatre,
            )
            for package in packages
        ]
        results = executor.map(run_chunk, tasks)
        names = sorted({name for result in results for name in result.outcomes})
        return {
            name: np.vstack(
                [result.outcomes.get(name, np.full(size, np.nan)) for result in results]
            )
            for name in names
        }

    def consent(self, packages: Sequence[Package], seed: int) -> FloatArray:
        """Russia's consent share per candidate over this batch's worlds."""
        return consent_share(self.theatre, packages, self.worlds, seed)

    def fingerprint(self) -> dict[str, Any]:
        """Seed, horizon, kernel, theatre and the worlds themselves."""
        return {
            "seed": self.seed,
            "months": self.months,
            "model": self.model,
            "theatre": self.theatre,
            "worlds": {k: np.asarray(v).tolist() for k, v in sorted(self.worlds.items())},
        }


def consent_share(
    theatre: str | None, packages: Sequence[Package], worlds: Mapping[str, FloatArray], seed: int
) -> FloatArray:
    bargaining: Any = importlib.import_module("guarantor.bargaining")
    from guarantor.explore.executors import cached_theatre

    loaded = cached_theatre(theatre)
    values = []
    for package in packages:
        # one generator per candidate, seeded alike: every candidate meets the same actor draws
        section = bargaining.acceptability(
            loaded, package, dict(worlds), rng=np.random.default_rng(seed)
        )
        values.append(float(np.mean(section.metric("russia_consents").value)))
    return np.asarray(values)
