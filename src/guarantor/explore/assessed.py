"""Evaluating candidate packages with one assessment each, over the same worlds.

The robust search's kernel batch (:class:`~guarantor.explore.candidates.Batch`) runs the
durability kernel alone. Some questions need every model: whether a package *would be signed*
is the acceptability model's, whether it *deters* the durability simulation's, and the second
reads the first world by world. :class:`AssessedBatch` runs :func:`guarantor.assessment.assess`
once per candidate (each model once, the durability simulation reading the other sections) with
the same ``worlds`` and ``seed`` for every candidate, so every candidate meets the same worlds
and the same random streams (common random numbers). Its outcomes are the assessment's metrics,
named ``section.metric`` (``durability.held_120m``, ``acceptability.package_signed``), as
(candidates × worlds) tables; a metric a candidate lacks (its section unavailable) is NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.explore.executors import Executor
from guarantor.packages import Package
from guarantor.worlds import DEFAULT_SEED

FloatArray = NDArray[np.float64]

__all__ = ["AssessTask", "AssessedBatch", "assessed_outcomes"]


@dataclass(frozen=True)
class AssessTask:
    """One candidate's assessment: the package, the theatre's reference, worlds and seed."""

    package: Package
    theatre: str | None
    worlds: int
    seed: int


def assessed_outcomes(task: AssessTask) -> dict[str, FloatArray]:
    """Every metric of one assessment of ``task.package``, as ``section.metric`` → values."""
    from guarantor.assessment import assess
    from guarantor.explore.executors import cached_theatre

    theatre = cached_theatre(task.theatre or task.package.theatre)
    result = assess(task.package, theatre=theatre, worlds=task.worlds, seed=task.seed)
    return {
        f"{section.name}.{metric.name}": np.asarray(metric.value, dtype=np.float64)
        for section in result.sections
        for metric in section.metrics
    }


@dataclass(frozen=True)
class AssessedBatch:
    """Candidates evaluated with one assessment each over ``worlds`` worlds drawn from ``seed``.

    ``theatre`` is a theatre's name or path (None: each package's own theatre).
    """

    worlds: int
    seed: int = DEFAULT_SEED
    theatre: str | None = None

    def run(self, packages: Sequence[Package], executor: Executor) -> dict[str, FloatArray]:
        """Every metric of every candidate's assessment as (candidates × worlds) tables."""
        tasks = [AssessTask(package, self.theatre, self.worlds, self.seed) for package in packages]
        results = executor.map(assessed_outcomes, tasks)
        names = sorted({name for result in results for name in result})
        return {
            name: np.vstack(
                [result.get(name, np.full(self.worlds, np.nan)) for result in results]
            ).reshape(len(results), self.worlds)
            for name in names
        }

    def consent(self, packages: Sequence[Package], seed: int) -> FloatArray:
        """Russia's consent share per candidate, from the acceptability section alone.

        ``seed`` is the search's; the worlds are this batch's (its own seed), as in :meth:`run`.
        """
        from guarantor.assessment import assess
        from guarantor.explore.executors import cached_theatre

        del seed
        shares = []
        for package in packages:
            result = assess(
                package,
                theatre=cached_theatre(self.theatre or package.theatre),
                worlds=self.worlds,
                seed=self.seed,
                models=("acceptability",),
            )
            shares.append(float(np.mean(result.metric("acceptability", "russia_consents").value)))
        return np.asarray(shares, dtype=np.float64)

    def fingerprint(self) -> dict[str, Any]:
        """Worlds, seed and theatre: with the package, they fix every number."""
        return {"assessed": True, "worlds": self.worlds, "seed": self.seed, "theatre": self.theatre}
