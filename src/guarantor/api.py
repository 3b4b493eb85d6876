"""guarantor's Python API: the few functions a notebook needs.

Each returns a result that shows itself (HTML in Jupyter, text in a terminal) and turns into tidy
pandas frames.

The functions are thin: each calls the engine the command line calls (``guarantor assess`` and
:func:`assess` run :func:`guarantor.assessment.assess`), with the same defaults, so the notebook,
the CLI, the report and the web app show the same numbers. Everything is importable from the top
level (``guarantor.assess``); the names load on first use, so ``import guarantor`` stays cheap.

Bad input raises :class:`~guarantor.errors.DataError`, which lists every problem with its file,
line, field, what was expected and what was received.

One module on purpose (about 580 lines): it is the public surface a notebook sees; every function
and its docstring sit in one place, in the order ``docs/api.md`` presents them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantor import assessment as _assessment
from guarantor.errors import DataError, Problem
from guarantor.packages import Package, shipped_packages
from guarantor.packages import load_package as _load_package
from guarantor.results import (
    Discovery,
    Frontier,
    ResultsStore,
    Sensitivity,
    Simulation,
    Verdict,
    Verification,
)
from guarantor.theatre import DEFAULT_THEATRE, Theatre
from guarantor.theatre import load_theatre as _load_theatre

if TYPE_CHECKING:
    from guarantor.assessment import Assessment, Comparison
    from guarantor.bargaining import ActorSet
    from guarantor.explore.executors import Executor
    from guarantor.roe import Incident, Ruleset
    from guarantor.section import Section

PackageLike = Package | str | Path | None
"""A package, a shipped package's name or a path to a package file; ``None``: the default."""

ASSESS_WORLDS = _assessment.DEFAULT_WORLDS
ASSESS_SEED = _assessment.DEFAULT_SEED
SIMULATE_WORLDS = 1000  # guarantor.worlds.DEFAULT_WORLDS: every command's default
SIMULATE_SEED = 1  # guarantor.worlds.DEFAULT_SEED
"""Defaults of ``guarantor simulate`` and ``guarantor accept``."""
EXPLORE_SEED = 20260106
EXPLORE_MONTHS = 120
"""Defaults of ``guarantor sweep`` and the analyses run on a store."""


# -- loading -----------------------------------------------------------------------------------


def load_theatre(theatre: Theatre | str | Path | None = None) -> Theatre:
    """Load a theatre by shipped name or path (default: ``ukraine-2025``).

    A theatre is read once and kept while its files are unchanged (theatres are immutable), so
    a notebook's calls do not parse the geography again.

    Raises:
        DataError: the theatre's files are invalid (every problem, located).
    """
    from guarantor.theatre.loader import theatre_path

    if isinstance(theatre, Theatre):
        return theatre
    path = theatre_path(theatre if theatre is not None else DEFAULT_THEATRE).resolve()
    return _theatre(str(path), _stamp(path.parent))


def _stamp(folder: Path) -> int:
    """When a data folder's files last changed (a cache key)."""
    return max((item.stat().st_mtime_ns for item in folder.iterdir() if item.is_file()), default=0)


@lru_cache(maxsize=8)
def _theatre(path: str, _stamp: int) -> Theatre:
    return _load_theatre(path)


@lru_cache(maxsize=8)
def _actors(path: str, _stamp: int) -> ActorSet:
    from guarantor.bargaining import load_actors

    return load_actors(path)


def load_actors(actors: str | Path | None = None) -> ActorSet:
    """Load an actor file (positions, salience, capability, red lines) by shipped name or path.

    Kept while the file is unchanged, like :func:`load_theatre`.

    Raises:
        DataError: the file is invalid (every problem, located).
    """
    from guarantor.bargaining.actors import actors_path

    path = actors_path(actors).resolve()
    return _actors(str(path), path.stat().st_mtime_ns)


def load_package(package: PackageLike = None, *, theatre: Theatre | None = None) -> Package:
    """Load a package by shipped name or path (default: ``paris-declaration-2026``).

    Args:
        package: a shipped package's name, a path to a package file, or a package (returned).
        theatre: the theatre its places are checked against (default: the shipped one).

    Raises:
        DataError: the package is invalid (every problem, located by file, line and field).
    """
    if isinstance(package, Package):
        return package
    return _load_package(package, theatre or load_theatre())


def list_packages() -> list[str]:
    """The names of the shipped packages (``guarantor.packages`` is the package language)."""
    return shipped_packages()


def levers(package: PackageLike = None) -> dict[str, float | str]:
    """A package's current lever settings: amounts (aircraft, ships, troops...) and levels."""
    from guarantor.explore.variants import lever_values

    return lever_values(load_package(package))


def variants(
    package: PackageLike = None, /, **settings: float | str | Sequence[float | str]
) -> dict[str, Package]:
    """Copies of a package with levers set: every combination of the values given.

    ``variants("sky-shield-2025", aircraft=[60, 90, 120])`` gives three packages named
    ``sky-shield-2025[aircraft=60]`` and so on (the labels the CLI's
    ``sky-shield-2025:aircraft=60,90,120`` gives). The shipped package is never changed.

    Raises:
        DataError: every unknown lever and impossible value, together.
    """
    from guarantor.explore.variants import LEVERS, apply_levers, variant_label

    base = load_package(package)
    problems: list[Problem] = []
    texts: dict[str, list[str]] = {}
    for name, given in settings.items():
        values = [given] if isinstance(given, (str, int, float)) else list(given)
        texts[name] = [value if isinstance(value, str) else f"{value:g}" for value in values]
        lever = LEVERS.get(name)
        if lever is None:
            problems.append(
                Problem(
                    "unknown lever",
                    field=f"levers.{name}",
                    expected=f"one of {sorted(LEVERS)}",
                    received=name,
                )
            )
            continue
        for text in texts[name]:
            try:
                lever.parse(text)
            except DataError as error:
                problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    made: dict[str, Package] = {}
    for combination in itertools.product(*texts.values()):
        chosen = dict(zip(texts, combination, strict=True))
        label = variant_label(base, {k: _number_or_text(v) for k, v in chosen.items()})
        variant = apply_levers(base, chosen)
        made[label] = variant.model_copy(update={"name": label}) if chosen else variant
    return made


def _number_or_text(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


# -- one package -------------------------------------------------------------------------------


def assess(
    package: PackageLike = None,
    *,
    worlds: int = ASSESS_WORLDS,
    seed: int = ASSESS_SEED,
    models: Sequence[str] | None = None,
    theatre: Theatre | None = None,
) -> Assessment:
    """Every model's verdict and metrics for a package, over ``worlds`` worlds from ``seed``.

    The same call as ``guarantor assess``: same worlds, same seed, same numbers. In Jupyter the
    result shows the report (verdicts, map, charts, metrics with bands, sources), offline.

    Args:
        package: a package, a shipped name or a path (default: the default package).
        worlds: the number of worlds (1: the nominal world).
        seed: the root of all randomness.
        models: only these sections (``air``, ``sea``, ``land``, ``sanctions``,
            ``acceptability``, ``durability``); default: all.
        theatre: the theatre (default: the package's).

    Raises:
        DataError: the package is invalid, or ``worlds``/``seed`` are out of range.
    """
    if theatre is None:
        theatre = load_theatre(package.theatre if isinstance(package, Package) else None)
    return _assessment.assess(package, theatre=theatre, worlds=worlds, seed=seed, models=models)


def compare(
    *packages: Package | str | Path,
    worlds: int = ASSESS_WORLDS,
    seed: int = ASSESS_SEED,
    tolerance: float = 0.01,
) -> Comparison:
    """Several packages over the same worlds, side by side, with the differences marked.

    A metric *differs* when the central values spread by more than ``tolerance`` of the
    largest, and is *separated* when two packages' 5–95 % bands do not overlap.

    Raises:
        DataError: fewer than two packages, or one is invalid.
    """
    return _assessment.compare(
        list(packages), theatre=load_theatre(), worlds=worlds, seed=seed, tolerance=tolerance
    )


def simulate(
    package: PackageLike = None,
    *,
    worlds: int = SIMULATE_WORLDS,
    seed: int = SIMULATE_SEED,
    months: int = 120,
) -> Simulation:
    """Does it deter? The post-ceasefire Monte Carlo, as ``guarantor simulate`` runs it.

    Worlds are a Latin hypercube over the shipped uncertainties; world ``i`` draws its own
    random stream from ``seed``, so the numbers equal the CLI's, however it is chunked.

    Raises:
        DataError: the package is invalid, or ``worlds``/``months`` are below 1.
    """
    from guarantor import worlds as world_sampler
    from guarantor.durability import load_uncertainties, run

    if worlds < 1 or months < 1:
        field, value = ("worlds", worlds) if worlds < 1 else ("months", months)
        raise DataError.single("must be ≥ 1", field=field, received=str(value))
    theatre = load_theatre()
    loaded = load_package(package, theatre=theatre)
    uncertainties = load_uncertainties()
    # the one sampler's worlds, as every command draws them
    table = world_sampler.sample(worlds, seed, parameters=world_sampler.space())
    result = run(theatre, loaded, table, seed=seed, months=months, uncertainties=uncertainties)
    return Simulation(result, seed, table)


def accept(
    package: PackageLike = None,
    *,
    worlds: int = 1000,
    seed: int = SIMULATE_SEED,
    actors: str | Path | None = None,
) -> Section:
    """Would they sign it? P(accept) per actor, Russia's consent, vetoes, what survives.

    The same call as ``guarantor accept``; the section's tables ``coalition`` and
    ``commitments`` hold the per-actor and per-commitment rows (``to_pandas("coalition")``).

    Raises:
        DataError: the package or the actor file is invalid.
    """
    from guarantor import bargaining
    from guarantor import worlds as world_sampler

    theatre = load_theatre()
    loaded = load_package(package, theatre=theatre)
    table = world_sampler.sample(worlds, seed, parameters=world_sampler.space())
    own = world_sampler.columns(table, list(bargaining.WORLD_PARAMETERS))
    section: Section = bargaining.acceptability(
        theatre,
        loaded,
        own or None,
        rng=world_sampler.model_rng(seed, "acceptability"),
        actors=load_actors(actors),
    ).over(worlds)
    return section


# -- many packages, many worlds ----------------------------------------------------------------


def _executor(workers: int | None) -> Executor:
    from guarantor.explore.executors import make_executor

    return make_executor(workers, None)


def _explore_worlds(uncertainties: str | Path | None, n: int, seed: int) -> dict[str, Any]:
    """The worlds every command draws for this number and seed (as ``guarantor sweep``)."""
    from guarantor.explore.uncertainty import sample_worlds, world_bounds

    return sample_worlds(world_bounds(uncertainties), n, seed=seed, method="lhs")


def _like_the_store(store: ResultsStore, seed: int | None, months: int | None) -> tuple[int, int]:
    manifest = store.store.manifest() if store.store.exists() else {}
    return (
        seed if seed is not None else int(manifest.get("seed", EXPLORE_SEED)),
        months if months is not None else int(manifest.get("months", EXPLORE_MONTHS)),
    )


def open_store(path: str | Path | ResultsStore) -> ResultsStore:
    """A results store (a sweep's directory), for its DuckDB views, summaries and analyses.

    The store need not hold a run yet: :func:`sweep` writes one into it.
    """
    from guarantor.explore.store import Store

    return path if isinstance(path, ResultsStore) else ResultsStore(Store(path))


def sweep(
    packages: Sequence[Package | str] | Package | str | None,
    *,
    store: str | Path | ResultsStore,
    worlds: int = 1000,
    seed: int = EXPLORE_SEED,
    months: int = EXPLORE_MONTHS,
    chunk_size: int | None = None,
    workers: int | None = None,
    resume: bool = False,
    uncertainties: str | Path | None = None,
) -> ResultsStore:
    """Packages × worlds into a resumable results store, as ``guarantor sweep`` does.

    ``packages`` are packages, shipped names, paths or variant specs
    (``sky-shield-2025:aircraft=60,90,120``). With ``workers``, chunks run on a local Dask
    cluster; the same seed gives the same numbers either way.

    Raises:
        DataError: a bad package or spec, or a store that holds another run (use ``resume``).
    """
    from guarantor.explore.design import DEFAULT_CHUNK_SIZE, Design, design_points
    from guarantor.explore.sweep import sweep as run_sweep

    specs = [packages] if isinstance(packages, (Package, str)) else list(packages or [])
    points = design_points(specs or None, load_theatre())
    design = Design(
        points,
        _explore_worlds(uncertainties, worlds, seed),
        seed=seed,
        months=months,
        theatre=DEFAULT_THEATRE,
        chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
    )
    results = open_store(store)
    with _executor(workers) as executor:
        run_sweep(design, results.store, executor, resume=resume)
    return results


def discover(
    store: str | Path | ResultsStore,
    cases: Sequence[str] | str = ("breakdown_month<=24",),
    *,
    package: str | None = None,
    min_coverage: float = 0.5,
    max_restricted: int = 4,
    max_boxes: int = 2,
) -> Discovery:
    """Scenario discovery: PRIM boxes and CART leaves of the worlds where a case happens.

    A case is ``OUTCOME OP NUMBER`` over the stored outcomes, e.g. ``breakdown_month<=24``
    (the peace broke within two years) or ``held_60m<1``.

    Raises:
        DataError: a malformed case, or a store with no matching experiments.
    """
    from guarantor.explore.discovery import discover as run_discovery

    found = run_discovery(
        open_store(store).store,
        [cases] if isinstance(cases, str) else list(cases),
        package=package,
        min_coverage=min_coverage,
        max_restricted=max_restricted,
        max_boxes=max_boxes,
    )
    return Discovery(found)


def sensitivity(
    package: PackageLike = None,
    *,
    store: str | Path | ResultsStore,
    samples: int = 256,
    replicates: int = 200,
    quantile: float = 0.1,
    seed: int | None = None,
    months: int | None = None,
    workers: int | None = None,
    uncertainties: str | Path | None = None,
) -> Sensitivity:
    """Sobol indices (with confidence intervals) and a tornado of every outcome of a package.

    Seed and months default to those of the sweep in ``store``, as ``guarantor sensitivity``.

    Raises:
        DataError: the package is invalid or no uncertainty varies.
    """
    from guarantor.explore.design import Design, design_points
    from guarantor.explore.sensitivity import sobol_indices, tornado
    from guarantor.explore.uncertainty import load_bounds

    results = open_store(store)
    seed, months = _like_the_store(results, seed, months)
    spec: Any = package if isinstance(package, Package) else (str(package) if package else None)
    points = design_points([spec] if spec is not None else None, load_theatre())
    bounds = load_bounds(uncertainties)
    base = Design(points[:1], {}, seed=seed, months=months, theatre=DEFAULT_THEATRE)
    with _executor(workers) as executor:
        indices = sobol_indices(base, bounds, results.store, n=samples, executor=executor)
        swings = tornado(
            base,
            bounds,
            results.store,
            replicates=replicates,
            quantile=quantile,
            executor=executor,
        )
    return Sensitivity(indices, swings)


def optimize(
    package: PackageLike = None,
    *,
    store: str | Path | ResultsStore,
    objectives: Sequence[str] = ("mean:p_hold_horizon:max", "mean:cost_usd_bn:min"),
    levers: Sequence[str] | None = None,
    generations: int = 10,
    population: int = 16,
    worlds: int = 200,
    min_acceptance: float | None = None,
    seed: int | None = None,
    months: int | None = None,
    workers: int | None = None,
    resume: bool = False,
    uncertainties: str | Path | None = None,
) -> Frontier:
    """Robust multi-objective search (NSGA-II) over a package's levers: the Pareto set.

    Objectives are ``mean|pNN|regret:OUTCOME:max|min`` or ``satisficing:OUTCOME>=X`` over the
    same worlds for every candidate. ``min_acceptance`` adds the bargaining model's constraint:
    Russia consents in at least that share of worlds (each row says whether it is met, and the
    share, so a deter-versus-sign frontier can be read off the rows).

    Raises:
        DataError: bad levers or objectives, or a checkpoint of another search on ``resume``.
    """
    from guarantor.explore.design import DEFAULT_MODEL
    from guarantor.explore.optimize import Batch, parse_objective, robust_search

    results = open_store(store)
    seed, months = _like_the_store(results, seed, months)
    base = load_package(package)
    parsed = [parse_objective(text) for text in objectives]
    batch = Batch(
        _explore_worlds(uncertainties, worlds, seed),
        seed=seed,
        months=months,
        model=DEFAULT_MODEL,
        theatre=DEFAULT_THEATRE,
    )
    with _executor(workers) as executor:
        found = robust_search(
            base,
            batch,
            parsed,
            results.store,
            levers=list(levers) if levers else None,
            generations=generations,
            population=population,
            seed=seed,
            min_acceptance=min_acceptance,
            executor=executor,
            resume=resume,
        )
    return Frontier(base.name, tuple(o.text for o in parsed), found)


# -- rules of engagement -----------------------------------------------------------------------


def load_rules(rules: Ruleset | str | Path) -> Ruleset:
    """Load a rule set by shipped name (``air-policing``, ``maritime-escort``) or path.

    Raises:
        DataError: the rule set is invalid (every problem, located).
    """
    from guarantor.roe import Ruleset, load_ruleset

    return rules if isinstance(rules, Ruleset) else load_ruleset(rules)


def check_rules(rules: Ruleset | str | Path) -> Verification:
    """Prove a rule set complete, conflict-free, live, monotone and within its invariants (z3).

    Each property that fails comes with a counter-example incident, as ``guarantor roe check``.
    """
    from guarantor.roe import verify

    ruleset = load_rules(rules)
    return Verification(ruleset, verify(ruleset))


def decide(
    rules: Ruleset | str | Path, incident: Incident | Mapping[str, Any] | str | Path
) -> Verdict:
    """Decide an incident: the response, the rule that gives it, every condition met and failed.

    ``incident`` is an incident, a mapping (``{"domain": "air", "actor": ..., ...}``), inline
    YAML, or a YAML/JSON file.

    Raises:
        DataError: the rule set or the incident is invalid.
    """
    from guarantor.roe import Incident, load_incident, log_decision
    from guarantor.roe import decide as run_decide

    ruleset = load_rules(rules)
    if isinstance(incident, Incident):
        loaded = incident
    elif isinstance(incident, Mapping):
        loaded = load_incident(json.dumps(dict(incident), default=str))
    else:
        loaded = load_incident(incident)
    decision = run_decide(ruleset, loaded)
    return Verdict(ruleset, loaded, decision, log_decision(ruleset, loaded, decision))


__all__ = [
    "accept",
    "assess",
    "check_rules",
    "compare",
    "decide",
    "discover",
    "levers",
    "list_packages",
    "load_actors",
    "load_package",
    "load_rules",
    "load_theatre",
    "open_store",
    "optimize",
    "sensitivity",
    "simulate",
    "sweep",
    "variants",
]
