"""The dilemma as a headline: the frontier between packages that deter and packages they would sign.

A guarantee strong enough to deter Russia (foreign troops in Ukraine, a NATO path, an American
backstop) is what Russia says it will never sign; a package both sides would sign leaves Ukraine
with little that deters. :func:`deter_sign_frontier` maps that trade-off. Its two outcomes are
read off one assessment of each candidate (:class:`~guarantor.explore.assessed.AssessedBatch`,
the same worlds and seed for every candidate):

- **deters**: P(the ceasefire holds 10 years), the share of worlds in which the durability
  simulation's peace lasts 120 months (``durability.held_120m``);
- **would be signed**: P(all sign), the share of worlds in which Ukraine and Russia accept the
  package and nobody vetoes it (``acceptability.package_signed``).

The candidates are the shipped packages' lever settings: for each shipped package an NSGA-II
search (:func:`~guarantor.explore.nsga.robust_search`, in memory) turns every lever the package
can move (aircraft, tankers, ships, troops, monitors, instructors, money for arms, sanctions, the
NATO track and the US backstop), its first generation seeded with the package as written. Every
candidate of every search, and every shipped package as written, enters one pool; the frontier is
the pool's non-dominated set (:func:`~guarantor.explore.pareto.non_dominated`), so it contains or
dominates every shipped package by construction. Each point keeps the package it started from and
its lever settings, so :meth:`FrontierPoint.package` rebuilds it and one assessment with the same
worlds and seed gives its numbers again.

This module runs the searches; the records they fill (:class:`FrontierPoint`,
:class:`DeterSignFrontier`, with the levers' trades) are in
:mod:`~guarantor.explore.frontier_points`, and are re-exported here.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from guarantor.errors import DataError
from guarantor.explore.assessed import AssessedBatch
from guarantor.explore.executors import Executor, InProcessExecutor
from guarantor.explore.frontier_points import HOLD, SIGN, DeterSignFrontier, FrontierPoint
from guarantor.explore.nsga import robust_search
from guarantor.explore.objectives import parse_objective
from guarantor.explore.pareto import non_dominated
from guarantor.explore.search_space import lever_space
from guarantor.explore.variants import LEVERS, LeverValue, apply_levers, lever_values
from guarantor.packages import Package, load_package, shipped_packages
from guarantor.worlds import DEFAULT_SEED

OBJECTIVES = (f"mean:{HOLD}:max", f"mean:{SIGN}:max")
FRONTIER_WORLDS = 200
"""Worlds per candidate by default: P(·) to about ±0.035 (one standard error at 0.5)."""
FRONTIER_POPULATION = 8
FRONTIER_GENERATIONS = 3

__all__ = [
    "FRONTIER_GENERATIONS",
    "FRONTIER_POPULATION",
    "FRONTIER_WORLDS",
    "HOLD",
    "OBJECTIVES",
    "SIGN",
    "DeterSignFrontier",
    "FrontierPoint",
    "deter_sign_frontier",
    "lever_trade",
]


def _candidate(
    start: Package,
    levers: Mapping[str, LeverValue],
    p_hold: float,
    p_signed: float,
    *,
    as_written: bool,
) -> FrontierPoint:
    own = lever_values(start)
    package = apply_levers(start, levers) if levers else start
    changed = {name: value for name, value in levers.items() if own.get(name) != value}
    return FrontierPoint(
        start.name,
        dict(levers),
        changed,
        lever_values(package),
        float(p_hold),
        float(p_signed),
        as_written,
    )


def _searchable(start: Package, wanted: Sequence[str] | None) -> list[str]:
    """The levers ``start`` can move, in the registry's order, limited to ``wanted``."""
    try:
        space = lever_space(start)
    except DataError:
        return []
    names = [lever.name for lever in space.levers]
    return [name for name in names if wanted is None or name in wanted]


def _load(packages: Sequence[Package | str] | None, theatre: str | None) -> list[Package]:
    from guarantor.theatre import load_theatre

    chosen = list(packages) if packages is not None else list(shipped_packages())
    loaded = []
    for item in chosen:
        if isinstance(item, Package):
            loaded.append(item)
        else:
            loaded.append(load_package(item, load_theatre(theatre) if theatre else None))
    if not loaded:
        raise DataError.single("give at least one package", field="packages")
    return loaded


def deter_sign_frontier(
    packages: Sequence[Package | str] | None = None,
    *,
    theatre: str | None = None,
    worlds: int = FRONTIER_WORLDS,
    seed: int = DEFAULT_SEED,
    levers: Sequence[str] | None = None,
    population: int = FRONTIER_POPULATION,
    generations: int = FRONTIER_GENERATIONS,
    executor: Executor | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> DeterSignFrontier:
    """The deter-vs-sign frontier of ``packages`` (default: every shipped package).

    Args:
        packages: the packages to start from (shipped names, paths or packages).
        theatre: a theatre's name or path (default: each package's own).
        worlds: worlds per candidate, the same for every candidate.
        seed: the worlds' seed, and the searches'.
        levers: limit the searches to these levers (default: every lever a package can move).
        population: candidates per generation of each package's search.
        generations: generations of each package's search (0: the shipped packages only).
        executor: runs the assessments (default: in this process).
        on_progress: called with (package, generations done, generations) after each generation.

    Raises:
        DataError: an unknown package or lever, or worlds/seed out of range.
    """
    started = time.perf_counter()
    if levers is not None:
        unknown = [name for name in levers if name not in LEVERS]
        if unknown:
            raise DataError.single(
                "unknown lever", field="levers", expected=str(sorted(LEVERS)), received=unknown[0]
            )
    if isinstance(population, bool) or not isinstance(population, int) or population < 4:
        raise DataError.single(
            "the search needs at least 4 candidates a generation",
            field="population",
            expected="a whole number ≥ 4",
            received=repr(population),
        )
    if isinstance(generations, bool) or not isinstance(generations, int) or generations < 0:
        raise DataError.single(
            "generations must be a whole number ≥ 0",
            field="generations",
            expected="0 (the packages as written only) or more",
            received=repr(generations),
        )
    starts = _load(packages, theatre)
    executor = executor or InProcessExecutor()
    batch = AssessedBatch(worlds, seed, theatre)
    objectives = [parse_objective(text) for text in OBJECTIVES]
    hold, signed = _both(batch.run(starts, executor), starts)
    shipped = tuple(
        _candidate(start, {}, hold[i], signed[i], as_written=True) for i, start in enumerate(starts)
    )
    pool = list(shipped)
    evaluations = len(starts)
    searched: dict[str, tuple[str, ...]] = {}
    for start in starts:
        names = _searchable(start, levers)
        searched[start.name] = tuple(names)
        if not names or generations < 1:
            continue
        own = lever_values(start)
        report: Callable[[int, int], None] | None = None
        if on_progress is not None:
            report = _reporter(on_progress, start.name)
        result = robust_search(
            start,
            batch,
            objectives,
            None,
            levers=names,
            generations=generations,
            population=population,
            seed=seed,
            executor=executor,
            initial=[{name: own[name] for name in names}],
            on_generation=report,
        )
        evaluations += result.evaluations
        pool.extend(
            _candidate(start, entry["levers"], *entry["objectives"], as_written=False)
            for entry in result.archive
        )
    return DeterSignFrontier(
        _frontier(pool),
        shipped,
        tuple(pool),
        worlds,
        seed,
        population,
        generations,
        evaluations,
        time.perf_counter() - started,
        searched,
    )


def _both(
    outcomes: Mapping[str, np.ndarray[Any, Any]], starts: Sequence[Package]
) -> tuple[list[float], list[float]]:
    """P(hold 10 y) and P(all sign) of each package as written, or a located error.

    Without them a package cannot be placed against the frontier: its durability or
    acceptability section was unavailable (bad or missing data; ``guarantor assess`` says why).
    """
    missing = np.full((len(starts), 1), np.nan)
    with warnings.catch_warnings():  # an all-NaN row (a failed section) is reported below
        warnings.simplefilter("ignore", RuntimeWarning)
        hold = np.nanmean(outcomes.get(HOLD, missing), axis=1)
        signed = np.nanmean(outcomes.get(SIGN, missing), axis=1)
    bad = [
        start.name
        for start, h, s in zip(starts, hold, signed, strict=True)
        if not (np.isfinite(h) and np.isfinite(s))
    ]
    if bad:
        raise DataError.single(
            "no P(hold 10 y) or P(all sign) for a package: its durability or acceptability "
            "section is unavailable (guarantor assess PACKAGE says why)",
            field="packages",
            received=", ".join(bad),
        )
    return [float(v) for v in hold], [float(v) for v in signed]


def _reporter(
    on_progress: Callable[[str, int, int], None], name: str
) -> Callable[[int, int], None]:
    return lambda done, total: on_progress(name, done, total)


def _frontier(pool: Sequence[FrontierPoint]) -> tuple[FrontierPoint, ...]:
    """The non-dominated points; of equal ones the package as written, else the fewest changes."""
    ranked = sorted(pool, key=lambda point: (not point.as_written, len(point.changed)))
    unique: dict[tuple[float, float], FrontierPoint] = {}
    for point in ranked:
        unique.setdefault((point.p_hold_10y, point.p_signed), point)
    candidates = list(unique.values())
    keep = non_dominated([[p.p_hold_10y, p.p_signed] for p in candidates])
    points = [point for point, kept in zip(candidates, keep, strict=True) if kept]
    return tuple(sorted(points, key=lambda point: (-point.p_signed, point.p_hold_10y)))


def lever_trade(
    package: Package | str,
    lever: str,
    values: Sequence[LeverValue] | None = None,
    *,
    theatre: str | None = None,
    worlds: int = FRONTIER_WORLDS,
    seed: int = DEFAULT_SEED,
    executor: Executor | None = None,
) -> list[dict[str, Any]]:
    """One lever turned on one package: P(hold 10 y) and P(all sign) at each setting.

    ``values`` default to every rung of a level lever's ladder, or five amounts from the lever's
    low to its high end. Every setting is assessed over the same worlds and seed.

    Raises:
        DataError: an unknown lever or package, or a lever the package cannot move.
    """
    if lever not in LEVERS:
        raise DataError.single(
            "unknown lever", field="lever", expected=str(sorted(LEVERS)), received=lever
        )
    knob = LEVERS[lever]
    (start,) = _load([package], theatre)
    settings: list[LeverValue] = list(
        values
        if values is not None
        else knob.choices
        if knob.is_choice
        else np.linspace(knob.low, knob.high, 5).round().tolist()
    )
    candidates = [apply_levers(start, {lever: value}) for value in settings]
    outcomes = AssessedBatch(worlds, seed, theatre).run(candidates, executor or InProcessExecutor())
    return [
        {
            "lever": lever,
            "value": str(value) if knob.is_choice else float(value),
            "p_hold_10y": float(np.nanmean(outcomes[HOLD][i])),
            "p_signed": float(np.nanmean(outcomes[SIGN][i])),
        }
        for i, value in enumerate(settings)
    ]
