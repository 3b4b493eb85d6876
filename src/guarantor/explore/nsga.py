"""The NSGA-II driver of the robust search over package levers (pymoo 0.6).

Each generation is one batch, evaluated by an :class:`~guarantor.explore.candidates.Evaluator`
(the kernel's :class:`~guarantor.explore.candidates.Batch`, or one assessment per candidate);
objectives are reduced over worlds (:mod:`~guarantor.explore.objectives`); with
``min_acceptance`` Russia's consent is a constraint; after each generation the state is
checkpointed and the Pareto set written (:mod:`~guarantor.explore.pareto`), so ``resume=True``
continues exactly. Without a store nothing is written: the search lives in memory (the
deter-vs-sign frontier runs one per shipped package). ``initial`` seeds the first generation
with given lever settings (e.g. the package as written), the rest drawn at random.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.explore.candidates import Evaluator
from guarantor.explore.executors import Executor, InProcessExecutor
from guarantor.explore.objectives import Objective, check_defined
from guarantor.explore.pareto import pareto_rows, write_checkpoint
from guarantor.explore.search_space import LeverSpace, lever_space
from guarantor.explore.store import Store, atomic_write_json
from guarantor.explore.variants import LeverValue, apply_levers
from guarantor.packages import Package

FloatArray = NDArray[np.float64]


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class SearchResult:
    """The Pareto set found, where it is stored (None: in memory only) and every evaluation.

    ``archive`` holds every candidate evaluated, in order: its decision vector ``x``, the
    ``generation`` it was first met in, its ``levers``, its ``objectives`` (reduced values, in
    the order of the objectives) and its ``acceptance`` (Russia's consent share, or None).
    """

    pareto: list[dict[str, Any]]
    generations: int
    evaluations: int
    folder: Path | None
    resumed_from: int
    archive: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "pareto": self.pareto,
            "generations": self.generations,
            "evaluations": self.evaluations,
            "folder": None if self.folder is None else str(self.folder),
            "resumed_from_generation": self.resumed_from,
        }


def robust_search(
    base: Package,
    batch: Evaluator,
    objectives: Sequence[Objective],
    store: Store | None,
    *,
    levers: Sequence[str] | None = None,
    generations: int = 10,
    population: int = 16,
    seed: int = 0,
    min_acceptance: float | None = None,
    executor: Executor | None = None,
    resume: bool = False,
    stop_after: int | None = None,
    on_generation: Callable[[int, int], None] | None = None,
    initial: Sequence[Mapping[str, LeverValue]] = (),
) -> SearchResult:
    """NSGA-II over the levers of ``base`` (see the module docstring).

    ``stop_after`` ends the run after that many generations of this call (the checkpoint stays,
    for a later ``resume``); ``on_generation(done, total)`` reports progress. ``store=None``
    keeps the search in memory (no checkpoint, no resume). ``initial`` lever settings (each
    snapped to the levers' grid) take the first places of the first generation.

    Raises:
        DataError: bad levers or objectives, or a checkpoint of a different search on resume.
    """
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.evaluator import Evaluator
    from pymoo.core.population import Population
    from pymoo.core.problem import Problem as PymooProblem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.problems.static import StaticProblem

    executor = executor or InProcessExecutor()
    space = lever_space(base, levers)
    if not objectives:
        raise DataError.single("give at least one objective", field="objective")
    n_constraints = 1 if min_acceptance is not None else 0
    problem = PymooProblem(
        n_var=len(space.levers),
        n_obj=len(objectives),
        n_ieq_constr=n_constraints,
        xl=np.zeros(len(space.levers)),
        xu=space.upper.astype(float),
        vtype=int,
    )
    sampling: Any = (
        _seeded_sampling(space, initial, population, seed) if initial else IntegerRandomSampling()
    )
    algorithm = NSGA2(
        pop_size=population,
        sampling=sampling,
        crossover=SBX(prob=0.9, eta=15, vtype=float, repair=RoundingRepair()),
        mutation=PM(eta=20, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )
    algorithm.setup(problem, termination=("n_gen", generations), seed=seed, verbose=False)

    config = {
        "base": base.model_dump(mode="json"),
        "levers": [lever.name for lever in space.levers],
        "objectives": [objective.text for objective in objectives],
        "population": population,
        "seed": seed,
        "min_acceptance": min_acceptance,
        "batch": batch.fingerprint(),
    }
    if initial:
        config["initial"] = [dict(setting) for setting in initial]
    config_hash = _digest(config)
    folder = (
        None
        if store is None
        else store.root / "optimize" / re.sub(r"[^A-Za-z0-9_.-]+", "_", base.name)
    )
    state_path = None if folder is None else folder / "state.json"
    archive: list[dict[str, Any]] = []
    resumed_from = 0
    if resume and folder is None:
        raise DataError.single("a search without a store cannot resume", field="store")
    if state_path is not None and state_path.exists():
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if not resume:
            raise DataError.single(
                "the store already holds this search",
                file=str(state_path),
                expected="--resume to continue it, or a new --store directory",
                received=f"generation {state['generation']}",
            )
        if state["config_hash"] != config_hash:
            raise DataError.single(
                "cannot resume: the checkpoint is of a different search",
                file=str(state_path),
                field="config_hash",
                expected=state["config_hash"],
                received=config_hash,
            )
        archive = state["archive"]
        algorithm._initialize()
        pop = Population.new(X=np.asarray(state["X"], dtype=float))
        constraints = {"G": np.asarray(state["G"])} if n_constraints else {}
        Evaluator().eval(StaticProblem(problem, F=np.asarray(state["F"]), **constraints), pop)
        pop.set(
            "rank",
            np.asarray(state["rank"], dtype=object if None in state["rank"] else None),
            "crowding",
            np.asarray(state["crowding"], dtype=object if None in state["crowding"] else None),
        )
        algorithm.pop = pop
        algorithm.is_initialized = True
        algorithm.evaluator.n_eval = state["n_eval"]
        algorithm.n_iter = state["generation"]
        algorithm._post_advance()  # sets the optimum and termination, and counts the generation
        algorithm.random_state.bit_generator.state = state["rng"]
        resumed_from = state["generation"]
    elif resume and folder is not None and folder.exists():
        raise DataError.single("no checkpoint to resume", file=str(folder))

    # the package as written, for regret; evaluated once per search
    baseline_outcomes: dict[str, FloatArray] | None = None
    if any(objective.reduce == "regret" for objective in objectives):
        baseline_outcomes = {k: v[0] for k, v in batch.run([base], executor).items()}

    known = {tuple(entry["x"]): entry for entry in archive}
    done_here = 0
    while algorithm.has_next() and (stop_after is None or done_here < stop_after):
        offspring = algorithm.ask()
        X = np.rint(offspring.get("X")).astype(np.int64)
        fresh = [row for row in map(tuple, X.tolist()) if row not in known]
        fresh = list(dict.fromkeys(fresh))
        if fresh:
            settings = [space.decode(row) for row in fresh]
            packages = [apply_levers(base, setting) for setting in settings]
            outcomes = batch.run(packages, executor)
            check_defined(objectives, outcomes)
            values = np.column_stack(
                [
                    objective.reduce_over_worlds(
                        outcomes[objective.outcome],
                        None if baseline_outcomes is None else baseline_outcomes[objective.outcome],
                    )
                    for objective in objectives
                ]
            )
            accept = (
                batch.consent(packages, seed)
                if min_acceptance is not None
                else np.full(len(fresh), np.nan)
            )
            generation = int(algorithm.n_iter)
            for row, setting, value, acceptance in zip(
                fresh, settings, values, accept, strict=True
            ):
                entry = {
                    "x": list(row),
                    "generation": generation,
                    "levers": setting,
                    "objectives": [float(v) for v in value],
                    "acceptance": None if np.isnan(acceptance) else float(acceptance),
                }
                archive.append(entry)
                known[row] = entry
        rows = [known[row] for row in map(tuple, X.tolist())]
        F = np.array(
            [
                [
                    -value if objective.maximise else value
                    for value, objective in zip(entry["objectives"], objectives, strict=True)
                ]
                for entry in rows
            ]
        )
        F = np.where(np.isfinite(F), F, 1e12)  # failed candidates rank last
        constraints = (
            {"G": np.array([[min_acceptance - (entry["acceptance"] or 0.0)] for entry in rows])}
            if min_acceptance is not None
            else {}
        )
        Evaluator().eval(StaticProblem(problem, F=F, **constraints), offspring)
        algorithm.tell(infills=offspring)
        done_here += 1
        if folder is not None:
            write_checkpoint(
                folder,
                algorithm,
                archive=archive,
                config_hash=config_hash,
                space=space,
                objectives=objectives,
                n_constraints=n_constraints,
            )
        if on_generation is not None:
            on_generation(int(algorithm.n_iter) - 1, generations)
    pareto = pareto_rows(algorithm, known, space, objectives, min_acceptance)
    if folder is not None:
        atomic_write_json(folder / "pareto.json", pareto)
    return SearchResult(
        pareto, int(algorithm.n_iter) - 1, len(archive), folder, resumed_from, tuple(archive)
    )


def _seeded_sampling(
    space: LeverSpace,
    initial: Sequence[Mapping[str, LeverValue]],
    population: int,
    seed: int,
) -> NDArray[np.float64]:
    """The first generation: the ``initial`` settings (on the grid), then uniform integers."""
    given = [space.encode(setting) for setting in initial][:population]
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, space.upper + 1, size=(population - len(given), len(space.levers)))
    rows = np.vstack([np.asarray(given, dtype=np.int64).reshape(-1, len(space.levers)), drawn])
    return rows.astype(np.float64)
