"""Robust search: NSGA-II over package levers, with objectives reduced over worlds.

**Levers** (see :mod:`~guarantor.explore.variants`) become integer decision variables: an amount
is a number of steps above its low end (aircraft in sixes, troops in 2,500s), a level is its
position on its ladder (sanctions relief → full snapback; NATO track renounced → membership).
The ladders are ordered, so integer encoding keeps "one step more" meaningful for crossover and
mutation (pymoo's SBX and polynomial mutation with rounding repair).

**Robustness objectives** reduce an outcome over the same worlds for every candidate (common
random numbers: every candidate meets the same draws, so differences are the levers' doing):

- ``mean:OUTCOME:max|min``: the expected outcome;
- ``p10:OUTCOME:max`` (any ``pNN``): a percentile, e.g. the worst decile of months of peace;
- ``regret:OUTCOME:max|min``: the 90th percentile over worlds of the shortfall against the
  package as written (``max(0, base − candidate)`` for an outcome to maximise), minimised;
- ``satisficing:OUTCOME>=36``: the share of worlds where the outcome meets the threshold,
  maximised.

Bargaining acceptability is a constraint when ``min_acceptance`` is set: the share of worlds in
which Russia consents to the package (the metric ``russia_consents`` of
:func:`guarantor.bargaining.acceptability`, each world drawing the actors' positions, saliences
and red lines within their ranges) must reach it.

**Batches and checkpoints.** Each generation is one batch: every candidate package is one task
(a vectorised kernel call over all worlds), all submitted to the executor together. After each
generation the population, every evaluation so far (the archive) and the algorithm's random
generator state are written atomically; ``resume=True`` restores them and continues exactly as
the uninterrupted search would have. The Pareto set is written as it improves.

**Worst case.** :func:`worst_case` turns the search around: for a fixed package it searches the
uncertainties for the worlds where an outcome is worst ("what breaks this package?"), each
generation a single vectorised kernel call over ``population × replicates`` worlds. The search
runs in quantile space (each variable is a point of [0, 1] mapped through its uncertainty's
inverse CDF), so a log-uniform uncertainty is searched on its log scale and the GA's first
generation samples the uncertainties' own distributions.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.explore.design import Chunk
from guarantor.explore.discovery import _OPERATORS
from guarantor.explore.executors import ChunkTask, Executor, InProcessExecutor, run_chunk
from guarantor.explore.store import Store, atomic_write_json, atomic_write_table
from guarantor.explore.uncertainty import Bounds, varying
from guarantor.explore.variants import LEVERS, Lever, LeverValue, apply_levers, lever_values
from guarantor.packages import Package

FloatArray = NDArray[np.float64]

_OBJECTIVE = re.compile(
    r"^(?P<reduce>mean|p\d{1,2}|regret|satisficing):(?P<outcome>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op><=|>=|<|>)(?P<threshold>[-+]?\d+\.?\d*))?(?::(?P<sense>max|min))?$"
)


@dataclass(frozen=True)
class Objective:
    """A robustness objective: an outcome reduced over worlds, maximised or minimised."""

    reduce: str
    outcome: str
    sense: str = "max"
    op: str | None = None
    threshold: float | None = None

    @property
    def text(self) -> str:
        """The objective as written."""
        if self.reduce == "satisficing":
            return f"satisficing:{self.outcome}{self.op}{self.threshold:g}"
        return f"{self.reduce}:{self.outcome}:{self.sense}"

    @property
    def maximise(self) -> bool:
        """Whether a larger reduced value is better (regret is always minimised)."""
        return self.reduce == "satisficing" or (self.reduce != "regret" and self.sense == "max")

    def reduce_over_worlds(self, values: FloatArray, baseline: FloatArray | None) -> FloatArray:
        """Reduce a (candidates × worlds) table to one value per candidate (vectorised)."""
        if self.reduce == "mean":
            return np.nanmean(values, axis=1)  # type: ignore[no-any-return]
        if self.reduce.startswith("p"):
            return np.nanpercentile(values, float(self.reduce[1:]), axis=1)  # type: ignore[no-any-return]
        if self.reduce == "satisficing":
            assert self.op is not None
            assert self.threshold is not None
            met = _OPERATORS[self.op](values, self.threshold) & np.isfinite(values)
            return met.mean(axis=1)  # type: ignore[no-any-return]
        assert baseline is not None
        shortfall = baseline[None, :] - values if self.sense == "max" else values - baseline
        return np.nanpercentile(np.maximum(shortfall, 0.0), 90, axis=1)  # type: ignore[no-any-return]


def parse_objective(text: str) -> Objective:
    """Parse ``mean:held_36m:max``, ``p10:breakdown_month:max``, ``satisficing:held_36m>=1``.

    Raises:
        DataError: the text does not follow the pattern.
    """
    match = _OBJECTIVE.match(text.strip())
    bad = match is None or (
        (match["reduce"] == "satisficing") != (match["op"] is not None)  # threshold iff satisficing
    )
    if bad or match is None:
        raise DataError.single(
            "bad objective",
            field="objective",
            expected="mean|pNN|regret:OUTCOME:max|min, or satisficing:OUTCOME>=NUMBER",
            received=text,
        )
    return Objective(
        match["reduce"],
        match["outcome"],
        match["sense"] or "max",
        match["op"],
        float(match["threshold"]) if match["threshold"] is not None else None,
    )


@dataclass(frozen=True)
class LeverSpace:
    """The levers searched, as integer variables ``0..steps``."""

    levers: tuple[Lever, ...]

    @property
    def upper(self) -> NDArray[np.int64]:
        """The largest index of each variable."""
        return np.array(
            [
                len(lever.choices) - 1
                if lever.is_choice
                else round((lever.high - lever.low) / lever.step)
                for lever in self.levers
            ],
            dtype=np.int64,
        )

    def decode(self, x: Sequence[float] | NDArray[Any]) -> dict[str, LeverValue]:
        """Lever settings of one decision vector."""
        settings: dict[str, LeverValue] = {}
        for lever, value in zip(self.levers, np.rint(np.asarray(x)).astype(int), strict=True):
            settings[lever.name] = (
                lever.choices[int(value)]
                if lever.is_choice
                else lever.low + int(value) * lever.step
            )
        return settings


def lever_space(base: Package, names: Sequence[str] | None = None) -> LeverSpace:
    """The levers to search: ``names``, or every lever the package can move.

    Raises:
        DataError: a named lever is unknown or the package has nothing it could move.
    """
    problems: list[Problem] = []
    chosen: list[Lever] = []
    for name in names or list(LEVERS):
        lever = LEVERS.get(name)
        if lever is None:
            problems.append(
                Problem(
                    "unknown lever", field="levers", expected=str(sorted(LEVERS)), received=name
                )
            )
            continue
        try:
            apply_levers(base, {name: lever.choices[0] if lever.is_choice else lever.low})
        except DataError as error:
            if names:
                problems.extend(error.problems)
            continue
        chosen.append(lever)
    if problems:
        raise DataError(problems)
    if not chosen:
        raise DataError.single("no lever to search", field="levers", received=base.name)
    return LeverSpace(tuple(chosen))


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


def _acceptance(
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


def _check_defined(objectives: Sequence[Objective], outcomes: Mapping[str, FloatArray]) -> None:
    """Refuse objectives on unknown outcomes or on outcomes undefined (NaN) in every world.

    Raises:
        DataError: naming each such objective.
    """
    problems = []
    for objective in objectives:
        values = outcomes.get(objective.outcome)
        if values is None:
            problems.append(
                Problem(
                    "unknown outcome in objective",
                    field="objective",
                    expected=f"one of {sorted(outcomes)}",
                    received=objective.text,
                )
            )
        elif not np.isfinite(values).any():
            problems.append(
                Problem(
                    "the objective's outcome is undefined (NaN) in every world",
                    field="objective",
                    expected="an outcome the horizon defines, e.g. held_Xm with X ≤ --months",
                    received=objective.text,
                )
            )
    if problems:
        raise DataError(problems)


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class SearchResult:
    """The Pareto set found and where it is stored."""

    pareto: list[dict[str, Any]]
    generations: int
    evaluations: int
    folder: Path
    resumed_from: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "pareto": self.pareto,
            "generations": self.generations,
            "evaluations": self.evaluations,
            "folder": str(self.folder),
            "resumed_from_generation": self.resumed_from,
        }


def robust_search(
    base: Package,
    batch: Batch,
    objectives: Sequence[Objective],
    store: Store,
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
) -> SearchResult:
    """NSGA-II over the levers of ``base`` (see the module docstring).

    ``stop_after`` ends the run after that many generations of this call (the checkpoint stays,
    for a later ``resume``); ``on_generation(done, total)`` reports progress.

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
    algorithm = NSGA2(
        pop_size=population,
        sampling=IntegerRandomSampling(),
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
        "batch": {
            "seed": batch.seed,
            "months": batch.months,
            "model": batch.model,
            "theatre": batch.theatre,
            "worlds": {k: np.asarray(v).tolist() for k, v in sorted(batch.worlds.items())},
        },
    }
    config_hash = _digest(config)
    folder = store.root / "optimize" / re.sub(r"[^A-Za-z0-9_.-]+", "_", base.name)
    state_path = folder / "state.json"
    archive: list[dict[str, Any]] = []
    resumed_from = 0
    if state_path.exists():
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
    elif resume and folder.exists():
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
            _check_defined(objectives, outcomes)
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
                _acceptance(batch.theatre, packages, batch.worlds, seed)
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
        _checkpoint(
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
    pareto = _pareto(algorithm, known, space, objectives, min_acceptance)
    atomic_write_json(folder / "pareto.json", pareto)
    return SearchResult(pareto, int(algorithm.n_iter) - 1, len(archive), folder, resumed_from)


def _pareto(
    algorithm: Any,
    known: Mapping[tuple[int, ...], dict[str, Any]],
    space: LeverSpace,
    objectives: Sequence[Objective],
    min_acceptance: float | None,
) -> list[dict[str, Any]]:
    """The non-dominated candidates, each marked feasible or not.

    When no candidate meets the constraint, pymoo's optimum is the least infeasible ones.
    """
    front: Any = algorithm.opt
    rows = []
    for x in np.rint(front.get("X")).astype(np.int64).tolist() if front is not None else []:
        entry = known[tuple(x)]
        rows.append(
            {
                "levers": entry["levers"],
                "objectives": dict(
                    zip([o.text for o in objectives], entry["objectives"], strict=True)
                ),
                "acceptance": entry["acceptance"],
                "feasible": min_acceptance is None
                or (entry["acceptance"] or 0.0) >= min_acceptance,
            }
        )
    rows.sort(key=lambda row: [_order(row["levers"][lever.name], lever) for lever in space.levers])
    return rows


def _order(value: LeverValue, lever: Lever) -> float:
    """A lever value's position: its amount, or its rung on the ladder."""
    if lever.is_choice:
        return float(lever.choices.index(str(value)))
    return float(value)


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if np.isfinite(value) else 1e300


def _checkpoint(
    folder: Path,
    algorithm: Any,
    *,
    archive: list[dict[str, Any]],
    config_hash: str,
    space: LeverSpace,
    objectives: Sequence[Objective],
    n_constraints: int,
) -> None:
    pop = algorithm.pop
    state = {
        "config_hash": config_hash,
        "generation": int(algorithm.n_iter) - 1,
        "n_eval": int(algorithm.evaluator.n_eval),
        "rng": algorithm.random_state.bit_generator.state,
        "X": pop.get("X").tolist(),
        "F": pop.get("F").tolist(),
        "G": pop.get("G").tolist() if n_constraints else [],
        # pymoo leaves rank and crowding unset (None) for infeasible individuals
        "rank": [None if r is None else int(r) for r in pop.get("rank")],
        "crowding": [_finite_or_none(c) for c in pop.get("crowding")],
        "archive": archive,
    }
    atomic_write_json(folder / "state.json", state)
    table: dict[str, list[Any]] = {
        "generation": [entry["generation"] for entry in archive],
        "acceptance": [entry["acceptance"] for entry in archive],
    }
    for lever in space.levers:
        table[lever.name] = [str(entry["levers"][lever.name]) for entry in archive]
    for number, objective in enumerate(objectives):
        table[objective.text] = [entry["objectives"][number] for entry in archive]
    atomic_write_table(folder / "archive.parquet", pa.table(table))


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
        _check_defined([objective], outcomes)
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


def lever_table(package: Package) -> dict[str, LeverValue]:
    """The package's current lever settings (for reports next to a Pareto set)."""
    return lever_values(package)
