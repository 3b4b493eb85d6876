"""``guarantor sweep``, ``discover``, ``sensitivity``, ``optimize`` and ``worst-case``.

Every command reads from and writes to a results store (``--store DIR``): the sweep's Parquet
chunks and manifest, and the analyses' JSON and Parquet next to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor.cli._common import (
    DEFAULT_SEED,
    Command,
    JsonOption,
    SeedOption,
    TheatreOption,
    WorldsOption,
    check_store,
    console,
    error_console,
    format_number,
    format_share,
    print_json,
    print_warnings,
    reporting,
)

if TYPE_CHECKING:
    import numpy as np
    from rich.progress import Progress

    from guarantor.explore.executors import Executor

DEFAULT_MODEL = "guarantor.durability:run"
"""``guarantor.explore.design.DEFAULT_MODEL``, here so that ``--help`` need not import explore."""
DEFAULT_CHUNK_SIZE = 50_000
"""``guarantor.explore.design.DEFAULT_CHUNK_SIZE`` (a test holds the two equal)."""
DEFAULT_MONTHS = 120
StoreOption = typer.Option(Path("guarantor-store"), "--store", help="Results store directory.")
MonthsOption = typer.Option(DEFAULT_MONTHS, "--months", min=1, max=600, help="Months simulated.")
StoreSeedOption = typer.Option(
    None,
    "--seed",
    "-s",
    min=0,
    help=f"Seed of every random draw (default: the store's sweep, or {DEFAULT_SEED}).",
)
StoreMonthsOption = typer.Option(
    None,
    "--months",
    min=1,
    max=600,
    help=f"Months simulated (default: the store's sweep, or {DEFAULT_MONTHS}).",
)
WorkersOption = typer.Option(
    None, "--workers", min=1, help="Run on a local Dask cluster of N worker processes."
)
SchedulerOption = typer.Option(
    None, "--scheduler", help="Run on an existing Dask cluster (tcp://HOST:PORT)."
)
ModelOption = typer.Option(
    DEFAULT_MODEL, "--model", help="The kernel, as module:function (the durability model)."
)
UncertaintiesOption = typer.Option(
    None,
    "--uncertainties",
    help="An uncertainties file (the durability model's format: name → value, low, high, "
    "distribution) or shipped name; default: the durability model's.",
)


def _like_the_sweep(store: Path, seed: int | None, months: int | None) -> tuple[int, int]:
    """Seed and months as given, else those of the sweep in ``store``, else the defaults.

    An analysis run on a store then simulates the horizon the sweep did.
    """
    from guarantor.explore.store import Store

    check_store(store, create=True)
    manifest = Store(store).manifest() if Store(store).exists() else {}
    return (
        seed if seed is not None else int(manifest.get("seed", DEFAULT_SEED)),
        months if months is not None else int(manifest.get("months", DEFAULT_MONTHS)),
    )


def _worlds(
    uncertainties: str | None, n: int, seed: int, model: str = DEFAULT_MODEL
) -> dict[str, np.ndarray[Any, Any]]:
    """The worlds every command draws for this number and seed (:mod:`guarantor.worlds`).

    The durability model reads every model's world parameters; another ``--model`` reads only
    the uncertainties file it is given.
    """
    from guarantor.explore.uncertainty import load_bounds, sample_worlds, world_bounds

    bounds = world_bounds(uncertainties) if model == DEFAULT_MODEL else load_bounds(uncertainties)
    return sample_worlds(bounds, n, seed=seed, method="lhs")


def _executor(workers: int | None, scheduler: str | None, processes: bool) -> Executor:
    from guarantor.explore.executors import make_executor

    kind = "processes" if processes and scheduler is None else None
    return make_executor(workers, scheduler, kind=kind)


@contextmanager
def _progress(as_json: bool, label: str) -> Iterator[Progress]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=error_console,
        disable=as_json,
        transient=False,
    )
    with progress:
        yield progress


def _load_packages(packages: list[str] | None, theatre: str) -> Any:
    from guarantor.explore.design import design_points
    from guarantor.theatre import load_theatre

    loaded = load_theatre(theatre)
    return design_points(packages or None, loaded)


def sweep_command(
    packages: list[str] = typer.Argument(
        None,
        help="Packages (shipped names or paths), each optionally with lever settings, e.g. "
        "sky-shield-2025:aircraft=60,90,120. Default: the default package.",
    ),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    store: Path = StoreOption,
    months: int = MonthsOption,
    chunk_size: int = typer.Option(
        DEFAULT_CHUNK_SIZE, "--chunk-size", min=1, help="Worlds per chunk (one kernel call)."
    ),
    workers: int | None = WorkersOption,
    scheduler: str | None = SchedulerOption,
    processes: bool = typer.Option(
        False, "--processes", help="With --workers: a local process pool instead of Dask."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue a killed run in --store."),
    model: str = ModelOption,
    uncertainties: str | None = UncertaintiesOption,
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Run packages × worlds, chunk by chunk, into a resumable results store."""
    from guarantor.explore.design import Design
    from guarantor.explore.store import Store
    from guarantor.explore.sweep import sweep

    with reporting(as_json):
        check_store(store, create=True)
        points = _load_packages(packages, theatre)
        design = Design(
            points,
            _worlds(uncertainties, worlds, seed, model),
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
            chunk_size=chunk_size,
        )
        results = Store(store)
        with (
            _executor(workers, scheduler, processes) as executor,
            _progress(as_json, "sweep") as progress,
        ):
            task = progress.add_task("chunks", total=None)

            def started(total: int, done: int) -> None:
                progress.update(task, total=total, completed=done)

            report = sweep(
                design,
                results,
                executor,
                resume=resume,
                on_start=started,
                on_result=lambda _: progress.advance(task),
            )
        summary = report.to_dict()
        if as_json:
            print_json(summary)
            return
        console.print(
            f"[bold]{report.experiments_run:,}[/] experiments in {report.chunks_run} chunks "
            f"({report.chunks_skipped} already done) in {report.seconds:.1f} s "
            f"({report.experiments_per_second:,.0f}/s) on {report.executor['executor']}; "
            f"{report.failed} failed. Store: {results.root} (design {report.design_hash[:12]})"
        )
        for line in report.errors[:5]:
            console.print(f"  [red]failed[/] {line}", markup=True)


def discover_command(
    *,
    store: Path = StoreOption,
    case: list[str] = typer.Option(
        ["breakdown_month<=24"], "--case", help="Cases of interest, e.g. breakdown_month<=24."
    ),
    package: str | None = typer.Option(None, "--package", help="Only this package (label)."),
    min_coverage: float = typer.Option(0.5, "--min-coverage", min=0.0, max=1.0),
    max_restricted: int = typer.Option(4, "--max-restricted", min=1),
    max_boxes: int = typer.Option(2, "--max-boxes", min=1),
    as_json: bool = JsonOption,
) -> None:
    """Scenario discovery (PRIM and CART) over the stored experiments."""
    from guarantor.explore.discovery import discover
    from guarantor.explore.store import Store

    with reporting(as_json):
        check_store(store)
        found = discover(
            Store(store),
            case,
            package=package,
            min_coverage=min_coverage,
            max_restricted=max_restricted,
            max_boxes=max_boxes,
        )
        if as_json:
            print_json(found)
            return
        console.print(
            f"{found['n_experiments']:,} experiments; dimensions: {', '.join(found['dimensions'])}"
        )
        for entry in found["cases"]:
            console.print(
                f"\n[bold]{entry['case']}[/]: {entry['n_cases']:,} cases "
                f"({format_share(entry['base_rate'])} of experiments)"
            )
            if "prim" not in entry:
                console.print(f"  {entry['note']}")
                continue
            for number, box in enumerate(entry["prim"]["boxes"], start=1):
                console.print(f"  PRIM box {number}: {box['text']}", markup=False)
                quasi = ", ".join(f"{k} p={v:.2g}" for k, v in box["p_values"].items())
                console.print(f"    quasi-p-values: {quasi}", markup=False)
            for number, box in enumerate(entry["cart"]["boxes"][:3], start=1):
                console.print(f"  CART leaf {number}: {box['text']}", markup=False)


def sensitivity_command(
    package: str = typer.Argument(None, help="A package (default: the default package)."),
    *,
    store: Path = StoreOption,
    samples: int = typer.Option(256, "--samples", min=8, help="Sobol base sample N."),
    replicates: int = typer.Option(200, "--replicates", min=1, help="Tornado worlds per end."),
    quantile: float = typer.Option(
        0.1,
        "--quantile",
        min=0.0,
        max=0.49,
        help="Tornado ends: this quantile and 1 − it of each uncertainty's distribution "
        "(0: the ends of its range).",
    ),
    seed: int | None = StoreSeedOption,
    months: int | None = StoreMonthsOption,
    workers: int | None = WorkersOption,
    scheduler: str | None = SchedulerOption,
    resume: bool = typer.Option(False, "--resume", help="Continue killed analysis runs."),
    model: str = ModelOption,
    uncertainties: str | None = UncertaintiesOption,
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Sobol indices with confidence intervals, and a tornado, for every outcome."""
    from rich.table import Table

    from guarantor.explore.design import Design
    from guarantor.explore.sensitivity import sobol_indices, tornado, tornado_text
    from guarantor.explore.store import Store
    from guarantor.explore.uncertainty import load_bounds
    from guarantor.reliability import sobol_warnings

    with reporting(as_json):
        seed, months = _like_the_sweep(store, seed, months)
        points = _load_packages([package] if package else None, theatre)
        bounds = load_bounds(uncertainties)
        base = Design(
            points[:1],
            {},
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
        )
        results = Store(store)
        with _executor(workers, scheduler, False) as executor:
            indices = sobol_indices(
                base, bounds, results, n=samples, executor=executor, resume=resume
            )
            view = tornado(
                base,
                bounds,
                results,
                replicates=replicates,
                quantile=quantile,
                executor=executor,
                resume=resume,
            )
        warnings = sobol_warnings(indices["indices"])
        if as_json:
            print_json({"sobol": indices, "tornado": view, "warnings": warnings})
            return
        for outcome, table in indices["indices"].items():
            if "note" in table:
                console.print(f"[bold]{outcome}[/]: {table['note']}")
                continue
            rich_table = Table("uncertainty", "S1", "±", "ST", "±", title=f"Sobol: {outcome}")
            for name, values in sorted(table.items(), key=lambda item: -item[1]["ST"]):
                rich_table.add_row(
                    name,
                    f"{values['S1']:.3f}",
                    f"{values['S1_conf']:.3f}",
                    f"{values['ST']:.3f}",
                    f"{values['ST_conf']:.3f}",
                )
            console.print(rich_table)
        low, high = view["quantiles"]
        console.print(
            f"\n[bold]Tornado[/] (each uncertainty at its {low:.0%} and {high:.0%} points)"
        )
        for outcome in view["outcomes"]:
            console.print(tornado_text(view, outcome), markup=False)
        if view["undefined"]:
            console.print(f"undefined over {months} months: {', '.join(view['undefined'])}")
        print_warnings(warnings)


def optimize_command(
    package: str = typer.Argument(None, help="The package whose levers are searched."),
    *,
    store: Path = StoreOption,
    objective: list[str] = typer.Option(
        ["mean:p_hold_horizon:max", "mean:cost_usd_bn:min"],
        "--objective",
        help="mean|pNN|regret:OUTCOME:max|min or satisficing:OUTCOME>=X (repeatable).",
    ),
    lever: list[str] = typer.Option(
        None, "--lever", help="Levers to search (default: all the package can move)."
    ),
    generations: int = typer.Option(10, "--generations", min=1),
    population: int = typer.Option(16, "--population", min=4),
    worlds: int = WorldsOption,
    min_acceptance: float | None = typer.Option(
        None,
        "--min-acceptance",
        min=0.0,
        max=1.0,
        help="Constraint: Russia consents (bargaining model, russia_consents) in at least this "
        "share of worlds.",
    ),
    seed: int | None = StoreSeedOption,
    months: int | None = StoreMonthsOption,
    workers: int | None = WorkersOption,
    scheduler: str | None = SchedulerOption,
    resume: bool = typer.Option(False, "--resume", help="Continue from the last checkpoint."),
    model: str = ModelOption,
    uncertainties: str | None = UncertaintiesOption,
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Robust multi-objective search (NSGA-II) over a package's levers; Pareto set stored."""
    from rich.table import Table

    from guarantor.explore.optimize import Batch, parse_objective, robust_search
    from guarantor.explore.store import Store
    from guarantor.packages import load_package
    from guarantor.reliability import pareto_warnings
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        seed, months = _like_the_sweep(store, seed, months)
        base = load_package(package, load_theatre(theatre))
        objectives = [parse_objective(text) for text in objective]
        batch = Batch(
            _worlds(uncertainties, worlds, seed, model),
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
        )
        with (
            _executor(workers, scheduler, False) as executor,
            _progress(as_json, "optimize") as progress,
        ):
            task = progress.add_task("generations", total=generations)
            result = robust_search(
                base,
                batch,
                objectives,
                Store(store),
                levers=lever or None,
                generations=generations,
                population=population,
                seed=seed,
                min_acceptance=min_acceptance,
                executor=executor,
                resume=resume,
                on_generation=lambda done, total: progress.update(task, completed=done),
            )
        warnings = pareto_warnings(result.pareto)
        if as_json:
            print_json({**result.to_dict(), "warnings": warnings})
            return
        names = list(result.pareto[0]["levers"]) if result.pareto else []
        consent = ["Russia consents"] if min_acceptance is not None else []
        table = Table(*names, *(o.text for o in objectives), *consent, title="Pareto set")
        for row in result.pareto:
            table.add_row(
                *(str(row["levers"][name]) for name in names),
                *(format_number(value) for value in row["objectives"].values()),
                *([format_share(row["acceptance"])] if consent else []),
            )
        console.print(table)
        if result.pareto and not any(row["feasible"] for row in result.pareto):
            console.print(
                f"[yellow]No candidate met --min-acceptance {min_acceptance}: these are the "
                "least infeasible found; try more --generations or a larger --population.[/]"
            )
        console.print(
            f"{result.evaluations} candidates over {result.generations} generations; "
            f"stored in {result.folder}"
        )
        print_warnings(warnings)


def worst_case_command(
    package: str = typer.Argument(None, help="The package to break."),
    *,
    store: Path = StoreOption,
    objective: str = typer.Option(
        "mean:p_hold_horizon:max",
        "--objective",
        help="What the package wants (the search finds the worlds that minimise it).",
    ),
    generations: int = typer.Option(10, "--generations", min=1),
    population: int = typer.Option(24, "--population", min=4),
    replicates: int = typer.Option(16, "--replicates", min=1),
    seed: int | None = StoreSeedOption,
    months: int | None = StoreMonthsOption,
    model: str = ModelOption,
    uncertainties: str | None = UncertaintiesOption,
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Search the uncertainties for the worlds that break a package."""
    from guarantor.explore.optimize import parse_objective, worst_case
    from guarantor.explore.store import Store
    from guarantor.explore.uncertainty import load_bounds
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        seed, months = _like_the_sweep(store, seed, months)
        base = load_package(package, load_theatre(theatre))
        goal = parse_objective(objective)
        with _progress(as_json, "worst case") as progress:
            task = progress.add_task("generations", total=generations)
            found = worst_case(
                base,
                load_bounds(uncertainties),
                goal,
                Store(store),
                seed=seed,
                months=months,
                model=model,
                theatre=theatre,
                generations=generations,
                population=population,
                replicates=replicates,
                on_generation=lambda done, total: progress.update(task, completed=done),
            )
        if as_json:
            print_json(found.to_dict())
            return
        console.print(f"Worst worlds for {base.name} on {goal.text}:")
        for world in found.worlds:
            values = ", ".join(f"{k}={format_number(v)}" for k, v in world["parameters"].items())
            console.print(f"  {format_number(world[goal.text])}: {values}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the explore commands."""
    app.command("sweep", cls=Command)(sweep_command)
    app.command("discover", cls=Command)(discover_command)
    app.command("sensitivity", cls=Command)(sensitivity_command)
    app.command("optimize", cls=Command)(optimize_command)
    app.command("worst-case", cls=Command)(worst_case_command)


__all__ = ["register"]
