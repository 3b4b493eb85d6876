"""``guarantor sensitivity``, ``optimize`` and ``worst-case``: analyses over a results store.

Each takes the seed and horizon of the sweep in ``--store`` unless told otherwise, and writes its
results next to the sweep's. The options they share with ``sweep`` are in
:mod:`guarantor.cli.explore`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from guarantor.cli._common import (
    Command,
    JsonOption,
    TheatreOption,
    WorldsOption,
    check_store,
    console,
    format_number,
    format_share,
    print_json,
    print_warnings,
    progress,
    reporting,
)
from guarantor.cli.explore import (
    DEFAULT_MODEL,
    MemoryLimitOption,
    ModelOption,
    SchedulerOption,
    StoreMonthsOption,
    StoreOption,
    StoreSeedOption,
    UncertaintiesOption,
    WorkersOption,
    executor_for,
    like_the_sweep,
    load_points,
    progress_bar,
    sample_uncertain_worlds,
)


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
    from_store: bool = typer.Option(
        False,
        "--from-store",
        help="First-order indices from the stored sweep itself (given-data estimator, out of "
        "core; no new runs).",
    ),
    bins: int = typer.Option(50, "--bins", min=2, help="With --from-store: bins per uncertainty."),
    memory_limit: str = MemoryLimitOption,
    as_json: bool = JsonOption,
) -> None:
    """Sobol indices with confidence intervals, and a tornado, for every outcome."""
    from rich.table import Table

    if from_store:
        _given_data_sensitivity(store, package, bins, memory_limit, as_json=as_json)
        return

    from guarantor.explore.design import Design
    from guarantor.explore.sensitivity import sobol_indices, tornado, tornado_text
    from guarantor.explore.store import Store
    from guarantor.explore.uncertainty import load_bounds
    from guarantor.reliability import sobol_warnings

    with reporting(as_json):
        seed, months = like_the_sweep(store, seed, months)
        points = load_points([package] if package else None, theatre)
        bounds = load_bounds(uncertainties, durability=model == DEFAULT_MODEL)
        base = Design(
            points[:1],
            {},
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
        )
        results = Store(store)
        with (
            executor_for(workers, scheduler, False) as executor,
            progress("sensitivity", show=not as_json) as bar,
        ):
            bar.step(f"Sobol indices, N = {samples:,}")
            indices = sobol_indices(
                base, bounds, results, n=samples, executor=executor, resume=resume
            )
            bar.step(f"tornado, {replicates:,} worlds per end")
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


def _given_data_sensitivity(
    store: Path, package: str | None, bins: int, memory_limit: str, *, as_json: bool
) -> None:
    """``sensitivity --from-store``: first-order indices of the stored experiments."""
    from guarantor.explore.outofcore import given_data_indices
    from guarantor.explore.store import Store

    with reporting(as_json):
        check_store(store)
        result = given_data_indices(
            Store(store), package=package, bins=bins, memory_limit=memory_limit
        )
        if as_json:
            print_json(result)
            return
        for label, per in result["packages"].items():
            console.print(f"[bold]{label}[/]: first-order indices from the stored experiments")
            for outcome, indices in per["indices"].items():
                largest = indices.get("note") or ", ".join(
                    f"{name} {value:.3f}" for name, value in list(indices.items())[:4]
                )
                console.print(f"  {outcome}: {largest}", markup=False)
            console.print(
                f"{per['n_experiments']:,} experiments, {bins} bins per uncertainty; an input "
                f"without effect scores about {per['floor']:.4f}"
            )


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
        seed, months = like_the_sweep(store, seed, months)
        base = load_package(package, load_theatre(theatre))
        objectives = [parse_objective(text) for text in objective]
        batch = Batch(
            sample_uncertain_worlds(uncertainties, worlds, seed, model),
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
        )
        with (
            executor_for(workers, scheduler, False) as executor,
            progress_bar(as_json, "optimize") as progress,
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
    from_store: bool = typer.Option(
        False,
        "--from-store",
        help="The worst worlds among the stored experiments (out of core; no new runs).",
    ),
    keep: int = typer.Option(5, "--keep", min=1, help="Worlds to list."),
    memory_limit: str = MemoryLimitOption,
    as_json: bool = JsonOption,
) -> None:
    """Search the uncertainties for the worlds that break a package."""
    if from_store:
        _worst_stored(store, package, objective, keep, memory_limit, as_json=as_json)
        return
    from guarantor.explore.optimize import parse_objective, worst_case
    from guarantor.explore.store import Store
    from guarantor.explore.uncertainty import load_bounds
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        seed, months = like_the_sweep(store, seed, months)
        base = load_package(package, load_theatre(theatre))
        goal = parse_objective(objective)
        with progress_bar(as_json, "worst case") as progress:
            task = progress.add_task("generations", total=generations)
            found = worst_case(
                base,
                load_bounds(uncertainties, durability=model == DEFAULT_MODEL),
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


def _worst_stored(
    store: Path, package: str | None, objective: str, keep: int, memory_limit: str, *, as_json: bool
) -> None:
    """``worst-case --from-store``: the stored worlds where the objective's outcome is worst."""
    from guarantor.explore.optimize import parse_objective
    from guarantor.explore.outofcore import worst_stored_worlds
    from guarantor.explore.store import Store

    with reporting(as_json):
        check_store(store)
        goal = parse_objective(objective)
        found = worst_stored_worlds(
            Store(store), goal, package=package, keep=keep, memory_limit=memory_limit
        )
        if as_json:
            print_json(found)
            return
        for label, rows in found["packages"].items():
            console.print(f"Worst stored worlds for {label} ({found['worst']} {goal.outcome}):")
            for row in rows:
                # the parameters furthest into their tails say what makes the world bad
                quantiles = row["quantiles"]
                tails = sorted(quantiles, key=lambda name: -abs(quantiles[name] - 0.5))
                values = ", ".join(
                    f"{name}={format_number(row['parameters'][name])} (q {quantiles[name]:.2f})"
                    for name in tails[:4]
                )
                console.print(
                    f"  world {row['world']}: {format_number(row[goal.outcome])}; {values}",
                    markup=False,
                )


def register(app: typer.Typer) -> None:
    """Add the analyses over a store."""
    app.command("sensitivity", cls=Command)(sensitivity_command)
    app.command("optimize", cls=Command)(optimize_command)
    app.command("worst-case", cls=Command)(worst_case_command)
