"""``guarantor simulate`` and ``guarantor backtest``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting
from guarantor.errors import DataError

CHUNK_WORLDS = 20_000
"""Worlds per kernel call; runs of more than one chunk show a progress bar."""


def simulate_chunked(
    package_name: str | None,
    worlds: int,
    seed: int,
    months: int,
    *,
    show_progress: bool,
) -> dict[str, object]:
    """Run the simulation in chunks of :data:`CHUNK_WORLDS` (same result as one call)."""
    from guarantor.durability import (
        SimulationResult,
        load_uncertainties,
        run,
        sample_worlds,
    )
    from guarantor.packages import load_package
    from guarantor.theatre import load_theatre

    if worlds < 1:
        raise DataError.single("must be ≥ 1", field="--worlds", received=str(worlds))
    if months < 1:
        raise DataError.single("must be ≥ 1", field="--months", received=str(months))
    theatre = load_theatre()
    package = load_package(package_name, theatre)
    uncertainties = load_uncertainties()
    table = sample_worlds(uncertainties, worlds, seed=seed, method="lhs")
    starts = list(range(0, worlds, CHUNK_WORLDS))
    parts: list[SimulationResult] = []
    with Progress(
        TextColumn("[bold]simulating[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} world-chunks"),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress or len(starts) < 2,
        transient=True,
    ) as progress:
        task = progress.add_task(package.name, total=len(starts))
        for start in starts:
            stop = min(start + CHUNK_WORLDS, worlds)
            chunk = {name: values[start:stop] for name, values in table.items()}
            parts.append(
                run(
                    theatre,
                    package,
                    chunk,
                    seed=seed,
                    months=months,
                    world_index=np.arange(start, stop),
                    uncertainties=uncertainties,
                )
            )
            progress.advance(task)
    weights = np.array([part.n_worlds for part in parts], dtype=np.float64)
    merged = SimulationResult(
        outcomes={
            name: np.concatenate([part.outcomes[name] for part in parts])
            for name in parts[0].outcomes
        },
        survival=np.average([part.survival for part in parts], axis=0, weights=weights),
        expected_survival=np.average(
            [part.expected_survival for part in parts], axis=0, weights=weights
        ),
        months=months,
        notes=parts[0].notes,
        package=package.name,
    )
    summary = merged.summary()
    summary["seed"] = seed
    summary["survival_by_year"] = [float(merged.survival[m]) for m in range(0, months + 1, 12)]
    return summary


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``backtest`` to the command line."""

    @app.command("simulate")
    def simulate_command(
        package: str | None = typer.Argument(None, help="Package name or YAML path."),
        worlds: int = typer.Option(10_000, "--worlds", "-n", help="Number of worlds."),
        seed: int = typer.Option(0, "--seed", "-s", help="Seed of worlds and draws."),
        months: int = typer.Option(120, "--months", "-m", help="Horizon in months."),
        as_json: bool = JsonOption,
    ) -> None:
        """Does the package deter? Simulate the years after the ceasefire."""
        with reporting(as_json):
            summary = simulate_chunked(package, worlds, seed, months, show_progress=not as_json)
            if as_json:
                print_json(summary)
                return
            table = Table(
                "horizon",
                "P(peace holds)",
                "95% CI",
                "smooth estimate",
                title=f"{summary['package']}: {worlds} worlds, seed {seed}",
            )
            p_hold = summary["p_hold"]
            assert isinstance(p_hold, dict)
            for horizon, value in p_hold.items():
                table.add_row(
                    horizon,
                    f"{value['p']:.1%}",
                    f"{value['low']:.1%}-{value['high']:.1%}",
                    f"{value['smooth']:.1%}",
                )
            console.print(table)
            clash = summary["p_direct_clash"]
            assert isinstance(clash, dict)
            console.print(
                f"expected probes {summary['expected_probes']:.1f} "
                f"(answered {summary['answered_share']:.0%}); "
                f"limited attacks {summary['expected_limited_attacks']:.2f}; "
                f"P(direct clash) {clash['p']:.1%}; "
                f"mean cost USD {summary['mean_cost_usd_bn']:.0f} bn"
            )
            notes = summary["notes"]
            assert isinstance(notes, list)
            for note in notes:
                console.print(f"[dim]note: {note}[/]")

    @app.command("backtest")
    def backtest_command(
        cases: list[str] = typer.Argument(None, help="Case ids (default: all)."),
        case_file: Path | None = typer.Option(None, "--file", help="A case library YAML file."),
        worlds: int = typer.Option(200, "--worlds", "-n", help="Worlds per case."),
        as_json: bool = JsonOption,
    ) -> None:
        """Backtest the simulation on the historical case library."""
        from guarantor.durability import backtest, load_cases

        with reporting(as_json):
            if worlds < 1:
                raise DataError.single("must be ≥ 1", field="--worlds", received=str(worlds))
            library = load_cases(case_file).select(list(cases) if cases else None)
            result = backtest(library, n_worlds=worlds)
            if as_json:
                print_json(result.to_dict())
                return
            table = Table(
                "case",
                "P(hold 1y)",
                "5y",
                "10y",
                "held 1/5/10y",
                title="Backtest on the case library",
            )
            for forecast in result.forecasts:
                table.add_row(
                    forecast.case_id,
                    *(f"{p:.2f}" for p in forecast.predicted),
                    "/".join(str(o) for o in forecast.observed),
                )
            console.print(table)
            console.print(
                f"Brier {result.brier:.4f} vs base rate {result.brier_base_rate:.4f} "
                f"(skill {result.skill:+.3f}); leave-one-out {result.brier_loo:.4f} vs "
                f"{result.brier_base_rate_loo:.4f} (skill {result.skill_loo:+.3f})"
            )
            console.print(
                "rank order (P(hold 10y), high to low): " + ", ".join(result.rank_order())
            )
