"""Worst-case search: the worlds where an outcome is worst for a fixed package.

"What breaks this package?" A genetic algorithm (pymoo) searches the uncertainties, each
generation a single vectorised kernel call over ``population × replicates`` worlds. The search
runs in quantile space (each variable is a point of [0, 1] mapped through its uncertainty's
inverse CDF), so a log-uniform uncertainty is searched on its log scale and the GA's first
generation samples the uncertainties' own distributions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.errors import DataError
from guarantor.explore.design import Chunk
from guarantor.explore.executors import ChunkTask, run_chunk
from guarantor.explore.objectives import Objective, check_defined
from guarantor.explore.store import Store
from guarantor.explore.uncertainty import Bounds, varying
from guarantor.packages import Package


@dataclass(frozen=True)
class WorstCase:
    """The worst worlds found for a package, best (i.e. worst for the package) first."""

    objective: Objective
    worlds: list[dict[str, Any]]
    evaluations: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "objective": self.objective.text,
            "worlds": self.worlds,
            "evaluations": self.evaluations,
        }


def worst_case(
    package: Package,
    bounds: Mapping[str, Bounds],
    objective: Objective,
    store: Store,
    *,
    seed: int,
    months: int,
    model: str,
    theatre: str | None,
    generations: int = 10,
    population: int = 24,
    replicates: int = 16,
    keep: int = 5,
    on_generation: Callable[[int, int], None] | None = None,
) -> WorstCase:
    """Search the uncertainties for the worlds where ``objective`` is worst for ``package``.

    Each candidate world is run ``replicates`` times (its own random draws) and the outcome
    averaged, so the search finds worlds that are bad on average, not unlucky draws. Each
    generation is one kernel call over ``population × replicates`` worlds.

    Raises:
        DataError: no uncertainty varies, or the objective's outcome is unknown.
    """
    from pymoo.algorithms.soo.nonconvex.ga import GA

    free = varying(bounds)
    if not free:
        raise DataError.single(
            "no uncertainty varies", field="uncertainties", expected="a range with low < high"
        )
    names = list(free)
    from pymoo.core.evaluator import Evaluator
    from pymoo.core.problem import Problem as PymooProblem
    from pymoo.problems.static import StaticProblem

    problem = PymooProblem(
        n_var=len(names), n_obj=1, xl=np.zeros(len(names)), xu=np.ones(len(names))
    )
    algorithm = GA(pop_size=population, eliminate_duplicates=True)
    algorithm.setup(problem, termination=("n_gen", generations), seed=seed, verbose=False)
    seen: list[tuple[list[float], list[float], float]] = []
    first_key = 0
    while algorithm.has_next():
        candidates = algorithm.ask()
        quantiles = np.clip(candidates.get("X"), 0.0, 1.0 - 1e-12)
        values_of = {name: free[name].from_unit(quantiles[:, j]) for j, name in enumerate(names)}
        size = quantiles.shape[0] * replicates
        worlds = {name: np.full(size, bound.nominal) for name, bound in bounds.items()}
        for name in names:
            worlds[name] = np.repeat(values_of[name], replicates)
        # every candidate of a generation meets the same draws; each generation fresh ones
        keys = np.tile(np.arange(first_key, first_key + replicates, dtype=np.int64), len(quantiles))
        task = ChunkTask(
            chunk=Chunk(0, 0, size),
            package=package,
            worlds=worlds,
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
            world_index=keys,
        )
        first_key += replicates
        outcomes = run_chunk(task).outcomes
        check_defined([objective], outcomes)
        table = outcomes[objective.outcome].reshape(quantiles.shape[0], replicates)
        value = objective.reduce_over_worlds(table, None)
        # the search minimises the package's objective: a worse world has a lower value
        F = (value if objective.maximise else -value)[:, None]
        F = np.where(np.isfinite(F), F, 1e12)
        Evaluator().eval(StaticProblem(problem, F=F), candidates)
        algorithm.tell(infills=candidates)
        seen.extend(
            (
                [float(values_of[name][row]) for name in names],
                [float(q) for q in quantiles[row]],
                float(value[row]),
            )
            for row in range(quantiles.shape[0])
        )
        if on_generation is not None:
            on_generation(int(algorithm.n_iter) - 1, generations)
    seen.sort(key=lambda item: item[2] if objective.maximise else -item[2])
    worst = [
        {
            "parameters": dict(zip(names, row, strict=True)),
            "quantiles": dict(zip(names, quantile, strict=True)),
            objective.text: value,
        }
        for row, quantile, value in seen[:keep]
    ]
    result = WorstCase(objective, worst, len(seen) * replicates)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", package.name)
    store.write_json(f"worst-case/{slug}.json", result.to_dict())
    return result
