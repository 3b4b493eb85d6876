"""``guarantor sweep`` and ``discover``, and the options every explore command shares.

Every explore command reads from and writes to a results store (``--store DIR``): the sweep's
Parquet chunks and manifest, and the analyses' JSON and Parquet next to them. The analyses
(``sensitivity``, ``optimize``, ``worst-case``) are in :mod:`guarantor.cli.search`.
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
    reporting,
)

if TYPE_CHECKING:
    import numpy as np
    from rich.progress import Progress

    from guarantor.explore.executors import Executor

DEFAULT_MODEL = "guarantor.durability:run"
"""``guarantor.explore.design.DEFAULT_MODEL``, here so that ``--help`` need not import explore."""
DEFAULT_CHUNK_SIZE = 25_000
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
MemoryLimitOption = typer.Option(
    "1GB",
    "--memory-limit",
    help="DuckDB's working memory for reading the store (e.g. 512MB, 4GB); it spills to disk "
    "beyond it.",
)
UncertaintiesOption = typer.Option(
    None,
    "--uncertainties",
    help="An uncertainties file (the durability model's format: name → value, low, high, "
    "distribution) or shipped name; default: the durability model's.",
)


def like_the_sweep(store: Path, seed: int | None, months: int | None) -> tuple[int, int]:
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


def sample_uncertain_worlds(
    uncertainties: str | None, n: int, seed: int, model: str = DEFAULT_MODEL
) -> dict[str, np.ndarray[Any, Any]]:
    """The worlds every command draws for this number and seed (:mod:`guarantor.worlds`).

    The durability model reads every model's world parameters, and its uncertainties must be
    ones it knows; another ``--model`` reads only the uncertainties file it is given, whose
    names are its own.
    """
    from guarantor.explore.uncertainty import load_bounds, sample_worlds, world_bounds

    if model == DEFAULT_MODEL:
        bounds = world_bounds(uncertainties)
    else:
        bounds = load_bounds(uncertainties, durability=False)
    return sample_worlds(bounds, n, seed=seed, method="lhs")


def executor_for(workers: int | None, scheduler: str | None, processes: bool) -> Executor:
    """The executor the options ask for: in-process, local processes, or Dask."""
    from guarantor.explore.executors import make_executor

    kind = "processes" if processes and scheduler is None else None
    return make_executor(workers, scheduler, kind=kind)


@contextmanager
def progress_bar(as_json: bool, label: str) -> Iterator[Progress]:
    """A bar with the time remaining, for runs counted in chunks or generations."""
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


def load_points(packages: list[str] | None, theatre: str) -> Any:
    """The design points of packages (with lever settings) on a theatre."""
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
        points = load_points(packages, theatre)
        design = Design(
            points,
            sample_uncertain_worlds(uncertainties, worlds, seed, model),
            seed=seed,
            months=months,
            model=model,
            theatre=theatre,
            chunk_size=chunk_size,
        )
        results = Store(store)
        with (
            executor_for(workers, scheduler, processes) as executor,
            progress_bar(as_json, "sweep") as progress,
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
    sample: int = typer.Option(
        100_000,
        "--sample",
        min=0,
        help="Experiments PRIM and CART peel: a fixed sample when the store holds more (its "
        "boxes then re-measured over every experiment); 0 for every experiment.",
    ),
    memory_limit: str = MemoryLimitOption,
    as_json: bool = JsonOption,
) -> None:
    """Scenario discovery (PRIM and CART) over the stored experiments, out of core."""
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
            sample=sample or None,
            memory_limit=memory_limit,
        )
        if as_json:
            print_json(found)
            return
        drawn = found["sample"]
        console.print(
            f"{found['n_experiments']:,} experiments; dimensions: {', '.join(found['dimensions'])}"
        )
        if drawn["fraction"] < 1:
            console.print(
                f"PRIM and CART on a sample of {drawn['n_sampled']:,} "
                f"({format_share(drawn['fraction'])}); PRIM boxes measured over every experiment"
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


def results_command(
    *,
    store: Path = StoreOption,
    memory_limit: str = MemoryLimitOption,
    as_json: bool = JsonOption,
) -> None:
    """The tidy results view per package and outcome (count, mean, 5/50/95 %), out of core."""
    from rich.table import Table

    from guarantor.explore.outofcore import results_summary
    from guarantor.explore.store import Store

    with reporting(as_json):
        check_store(store)
        summary = results_summary(Store(store), memory_limit=memory_limit)
        if as_json:
            print_json(summary)
            return
        table = Table("package", "outcome", "n", "defined", "mean", "5 %", "50 %", "95 %")
        for row in summary["rows"]:
            table.add_row(
                row["package"],
                row["outcome"],
                format_number(row["n"]),
                format_share(row["defined"]),
                *(
                    "—" if row[key] is None else format_number(row[key])
                    for key in ("mean", "p05", "p50", "p95")
                ),
            )
        console.print(table)
        console.print(
            f"{summary['n_rows']:,} tidy rows; {summary['failures']:,} failed experiments "
            "(quantiles: DuckDB's t-digest estimates)"
        )


def register(app: typer.Typer) -> None:
    """Add the sweep, discover and results commands."""
    app.command("sweep", cls=Command)(sweep_command)
    app.command("discover", cls=Command)(discover_command)
    app.command("results", cls=Command)(results_command)
