"""``guarantor simulate`` and ``guarantor backtest``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guarantor.cli._common import JsonOption, console, print_json, reporting, writing
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
    def backtest_command(  # noqa: PLR0917 (typer maps parameters to options)
        cases: list[str] = typer.Argument(None, help="Case ids (default: all)."),
        case_file: Path | None = typer.Option(None, "--file", help="A case library YAML file."),
        refit: bool = typer.Option(
            False,
            "--refit",
            help="Refit on the cases scored (in sample) instead of scoring "
            "them with the shipped calibration.",
        ),
        holdout: str | None = typer.Option(
            None,
            "--holdout",
            help="ID,...: refit on the library without these cases and score them out of sample.",
        ),
        worlds: int = typer.Option(100, "--worlds", "-n", help="Worlds per case."),
        cross_validation: bool = typer.Option(
            True, "--cv/--no-cv", help="Cross-validate on the training library (k-fold, LOO)."
        ),
        chart: Path | None = typer.Option(
            None, "--chart", help="Write the reliability diagram (SVG) of the headline scores."
        ),
        as_json: bool = JsonOption,
    ) -> None:
        """Backtest the simulation on historical cases, out of sample unless --refit."""
        from guarantor.durability.backtest import backtest, reliability_svg
        from guarantor.durability.cases import load_cases

        with reporting(as_json):
            if worlds < 1:
                raise DataError.single("must be ≥ 1", field="--worlds", received=str(worlds))
            if refit and holdout:
                raise DataError.single(
                    "give --refit or --holdout, not both", field="--holdout", received=holdout
                )
            chosen = list(cases) if cases else None
            if holdout:
                library = load_cases(case_file)
                held = [ident.strip() for ident in holdout.split(",") if ident.strip()]
                library.select(held)  # unknown ids are a located error
                result = backtest(
                    library,
                    mode="holdout",
                    holdout=held,
                    n_worlds=worlds,
                    cross_validation=cross_validation,
                )
            else:
                scored = load_cases(case_file).select(chosen) if (case_file or chosen) else None
                result = backtest(
                    scored,
                    mode="refit" if refit else "shipped",
                    n_worlds=worlds,
                    cross_validation=cross_validation,
                )
            headline = result.loo or result.scored
            if not as_json:
                console.print(f"[bold]Backtest {result.statement}.[/]")
            if chart is not None:
                with writing(chart, "the reliability chart", field="--chart"):
                    chart.write_text(
                        reliability_svg(headline.reliability, title="Backtest reliability"),
                        encoding="utf-8",
                    )
            if as_json:
                print_json(result.to_dict())
                return
            table = Table(
                "case",
                "P(hold 1y)",
                "5y",
                "10y",
                "held 1/5/10y",
                "in sample",
                title=f"Backtest: {result.statement}",
            )
            for forecast in result.forecasts:
                table.add_row(
                    forecast.case_id,
                    *(f"{p:.2f}" for p in forecast.predicted),
                    "/".join("?" if o is None else str(o) for o in forecast.observed),
                    "yes" if forecast.in_sample else "no",
                )
            console.print(table)
            s = result.scored
            console.print(
                f"scored: Brier {s.brier:.4f} (95% {s.brier_interval[0]:.4f}-"
                f"{s.brier_interval[1]:.4f}) vs base rate {s.brier_base_rate:.4f}; skill "
                f"{s.skill:+.3f}; Harrell's C {s.harrell_c:.3f}; {s.n_forecasts} forecasts"
            )
            for name, cv in (("leave-one-out", result.loo), ("5-fold", result.kfold)):
                if cv is None:
                    continue
                low, high = cv.skill_interval
                console.print(
                    f"cross-validated ({name}, {cv.n_cases} cases, every fold refitted): Brier "
                    f"{cv.brier:.4f} vs base rate {cv.brier_base_rate:.4f}; skill "
                    f"{cv.skill:+.3f} (95% {low:+.3f} to {high:+.3f}); Harrell's C "
                    f"{cv.harrell_c:.3f}"
                )
            fit = result.fit
            console.print(
                f"fit ({fit.method}, n_cases {fit.n_cases}): "
                + ", ".join(
                    f"{name} {value:.3f} (SE {error:.3f})"
                    for name, value, error in zip(
                        ("baseline_log_odds", "weibull_shape", "early_log_hr"),
                        fit.theta,
                        fit.standard_errors,
                        strict=True,
                    )
                )
                + f", early months {fit.early_months}"
            )
            console.print(
                "rank order (P(hold 10y), high to low): " + ", ".join(result.rank_order())
            )
